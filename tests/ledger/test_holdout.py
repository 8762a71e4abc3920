"""A national report the ledger was not tuned to, and the 海拉尔区 series, read by hand.

- The national report of 2003 (../shared/corpus/public) sets one quantified target, 经济增长预期目标
  为7%左右; the 2004 report states 国内生产总值比上年增长9.1%.
- 海拉尔区 2017 sets eleven headline targets; its 2018 report states results for six of them
  (社会消费品零售总额 and both incomes, the incomes as "分别达35512元、25689元，分别同比增长7.8%").
  The reports of 2014 and 2016 are not in the folder, so no result is stated for the targets of
  2013 and 2015.

The 2003 pair is right, so are the six of 海拉尔区 (four of them read from the 分别 list), and no
target whose result the texts never state is given one.
"""

from decimal import Decimal

import pytest

from speeches.models import LedgerEntry
from tests.corpus import CORPUS

pytestmark = pytest.mark.django_db

HAILAR = "150702"

# (target year, indicator, target as written, result or None, status) for 海拉尔区 2017
HAILAR_2017 = [
    (2017, "gdp-growth", "7.5%", None, "unclear"),  # 2018: 地区生产总值…稳中有升
    (2017, "gdp", "达到326.4亿元", None, "unclear"),
    (2017, "fiscal-revenue-growth", "7.5%", None, "unclear"),  # 2018 gives the revenue, not its growth
    (2017, "fixed-investment-growth", "10%", None, "unclear"),
    (2017, "fixed-investment", "达到110.7亿元", None, "unclear"),
    (2017, "retail-sales-growth", "10%", "6.9", "missed"),
    (2017, "retail-sales", "达到164.1亿元", "159.5", "missed"),
    (2017, "urban-income-growth", "8%", "7.8", "missed"),
    (2017, "urban-income", "达到35578元", "35512", "missed"),
    (2017, "rural-income-growth", "7.5%", "7.8", "met"),
    (2017, "rural-income", "达到25617元", "25689", "met"),
]


def test_the_national_target_of_2003(import_texts):
    import_texts(
        CORPUS / "public" / "ropensci-textworkshop17_national_2003.txt",
        CORPUS / "national" / "aldohemsn-cpcorpora_national_2004.txt",
    )
    entry = LedgerEntry.objects.select_related("outcome").get(target_year=2003, indicator="gdp-growth")
    assert (entry.text, entry.outcome.value, entry.status) == ("7%左右", Decimal("9.1"), "met")


def test_a_city_series(import_texts):
    import_texts(*sorted((CORPUS / "city").glob("hlrgwr_*.txt")))
    entries = {
        (e.target_year, e.indicator): e
        for e in LedgerEntry.objects.filter(speech__county__code=HAILAR).select_related("outcome")
    }
    wrong = []
    for year, indicator, target, result, status in HAILAR_2017:
        entry = entries.get((year, indicator))
        got = entry and (entry.text, entry.outcome.value if entry.outcome else None, entry.status)
        if got != (target, Decimal(result) if result else None, status):
            wrong.append((year, indicator, got))
    assert wrong == []
    # No target whose result the texts never state is given one: those of 2013 and 2015, and the
    # five of 2017 that the 2018 report says nothing of in numbers.
    never_stated = [e for (year, _), e in entries.items() if year in (2013, 2015)]
    never_stated += [entries[(y, i)] for y, i, _, result, _ in HAILAR_2017 if result is None]
    given_anyway = [e for e in never_stated if e.outcome_id]
    assert len(never_stated) >= 15
    assert len(given_anyway) <= 0.15 * len(never_stated)
