"""Hold-out check: whole reports of the shared corpus that the gold file does not cover.

The expected results were set by reading each text before running the extraction: every
target of a provincial report's 主要预期目标 paragraph, with its value, unit and qualifier;
the targets of a national report's plan part; nothing from a look back at past years.
The texts are read in place from ../shared/corpus through the full pipeline.
"""

import unicodedata
from decimal import Decimal

import pytest

from speeches.parsing import parse_document
from speeches.parsing.extraction import extract
from tests.corpus import CORPUS

pytestmark = pytest.mark.corpus

PUBLIC = CORPUS / "public"


def norm(text):
    return unicodedata.normalize("NFKC", text or "").replace(" ", "")


def extracted(name):
    (speech,) = parse_document((PUBLIC / name).read_bytes(), name)
    return extract(speech)


def holding(speech, phrase):
    """The first commitment whose text holds `phrase`, or None."""
    return next((c for c in speech.commitments if norm(phrase) in norm(c.text)), None)


def target(commitment):
    return [(t.value, t.unit, t.qualifier) for t in commitment.targets]


# (file, [(phrase, value, unit, qualifier)]): a 主要预期目标 list gives one commitment per target.
EXPECTED_TARGET_LISTS = [
    (
        "jc404-provgwr2026_hainan_2026.txt",
        [
            ("地区生产总值增长6%左右", "6", "%", "左右"),
            ("固定资产投资增长7%左右", "7", "%", "左右"),
            ("社会消费品零售总额增长6%左右", "6", "%", "左右"),
            ("城镇调查失业率控制在5.5%左右", "5.5", "%", "左右"),
            ("居民消费价格增长2%左右", "2", "%", "左右"),
        ],
    ),
    (
        "jc404-provgwr2026_qinghai_2026.txt",
        [
            ("全省地区生产总值增长4.5%左右", "4.5", "%", "左右"),
            ("城镇新增就业6万人以上", "6", "万人", "以上"),
            ("农牧区劳动力转移就业106万人次以上", "106", "万人次", "以上"),
            ("城镇调查失业率5.5%左右", "5.5", "%", "左右"),
            ("居民消费价格涨幅2%左右", "2", "%", "左右"),
            ("粮食总产量保持在110万吨以上", "110", "万吨", "以上"),
        ],
    ),
    (
        "jc404-provgwr2026_sichuan_2026.txt",
        [
            ("地区生产总值增长5.5%左右", "5.5", "%", "左右"),
            ("城镇新增就业85万人", "85", "万人", None),
            ("城镇调查失业率5.5%左右", "5.5", "%", "左右"),
            ("居民消费价格涨幅2%左右", "2", "%", "左右"),
            ("地方一般公共预算收入增长2%", "2", "%", None),
            ("粮食产量730亿斤以上", "730", "亿斤", "以上"),
        ],
    ),
]

# A national report's plan part: targets inside longer sentences.
EXPECTED_PLAN_TARGETS = [
    (
        "ropensci-textworkshop17_national_2003.txt",
        [
            ("今年经济增长预期目标为7%左右", "7", "%", "左右"),
            ("今年拟发行1400亿元长期建设国债", "1400", "亿元", None),
        ],
    ),
    (
        "ropensci-textworkshop17_national_1988.txt",
        [
            ("使国民生产总值达到15500亿元左右", "15500", "亿元", "左右"),
            ("平均每年增长7.5%左右", "7.5", "%", "左右"),
            ("将比1980年增长1.7倍", "1.7", "倍", None),
            ("国民生产总值翻两番", "2", "番", None),
            ("粮食生产必须争取达到5000亿公斤", "5000", "亿公斤", "达到"),
            ("五年内使化肥生产能力增加标准肥1500万吨", "1500", "万吨", None),
            ("争取每年平均装机900万千瓦以上", "900", "万千瓦", "以上"),
            ("保证每年增产原煤3000万吨以上", "3000", "万吨", "以上"),
            ("争取每年增产原油300万吨", "300", "万吨", None),
            ("努力做到每年增产钢250万吨以上", "250", "万吨", "以上"),
            ("保证每年增加运力4000万吨以上", "4000", "万吨", "以上"),
            ("把我国人口控制在12亿左右", "12", "亿", "左右"),
        ],
    ),
]

# (file, what the look back's heading says, results it reports that must stay out)
REVIEWS = [
    ("jc404-provgwr2026_hainan_2026.txt", "工作回顾", ["地区生产总值增长4%", "实际使用外资增长19.9%"]),
    ("jc404-provgwr2026_qinghai_2026.txt", "工作回顾", ["地区生产总值增长4.1%", "规上工业增加值增长7.6%"]),
    ("jc404-provgwr2026_sichuan_2026.txt", "工作回顾", ["实现地区生产总值67665亿元", "5853.9亿元"]),
    ("ropensci-textworkshop17_national_2003.txt", "过去五年政府工作的回顾", ["五年全国水利建设投资3562亿元"]),
    ("ropensci-textworkshop17_national_1988.txt", "过去五年国内工作的基本总结", ["1987年达到10920亿元"]),
]


@pytest.mark.parametrize(("name", "expected"), EXPECTED_TARGET_LISTS, ids=lambda v: v if isinstance(v, str) else "")
def test_every_main_target_comes_out_alone_with_value_unit_and_qualifier(name, expected):
    speech = extracted(name)
    for phrase, value, unit, qualifier in expected:
        commitment = holding(speech, phrase)
        assert commitment is not None, phrase
        assert commitment.kind == "target"
        assert target(commitment) == [(Decimal(value), unit, qualifier)], phrase


@pytest.mark.parametrize(("name", "expected"), EXPECTED_PLAN_TARGETS, ids=lambda v: v if isinstance(v, str) else "")
def test_national_plan_targets(name, expected):
    speech = extracted(name)
    for phrase, value, unit, qualifier in expected:
        commitment = holding(speech, phrase)
        assert commitment is not None, phrase
        assert (Decimal(value), unit, qualifier) in target(commitment), phrase


@pytest.mark.parametrize(("name", "review", "results"), REVIEWS, ids=[r[0] for r in REVIEWS])
def test_the_look_back_yields_no_results_as_pledges(name, review, results):
    speech = extracted(name)
    for result in results:
        assert holding(speech, result) is None, result
    from_review = [c for c in speech.commitments if c.section_path and review in c.section_path[0]]
    if "1988" in name:
        # The 1988 look back announces the State Council's price measures (采取以下的综合配套措施：…);
        # those are decisions for the years ahead and the only pledges of that part.
        measures = norm(next(p for p in speech.text.split("\n") if "综合配套措施" in p))
        assert from_review
        assert all(norm(c.text) in measures and not c.targets for c in from_review)
    else:
        assert from_review == []
