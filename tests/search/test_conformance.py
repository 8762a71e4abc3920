"""What every search backend must do, each backend held to it on the imported shared corpus.

The backends are those the database offers: SQLite's FTS5 index; on PostgreSQL, the GIN index
(every match scored and sorted) and, where the rum extension is installed, the RUM index (the best
page read shortest first). Each finds exactly what a substring search of the folded text finds,
reads traditional and full-width queries as their simplified form, narrows by the same filters,
and orders results best first with ties by id: on PostgreSQL the RUM and GIN paths give the same
pages, ranks and order.
"""

from collections import Counter

import pytest
from django.db import connection

from speeches.models import Commitment, Region, Speech
from speeches.search import fold, parse_query, search_commitments, search_speeches
from speeches.search.postgres import PostgresSearch, _ranked_in_index

pytestmark = pytest.mark.corpus

BACKENDS = ["sqlite"] if connection.vendor == "sqlite" else ["postgres-gin", "postgres-rum"]

QUERIES = [
    "旱",
    "长沙",
    "固定资产投资",
    "高标准农田",
    "700亿元",
    "乡村振兴 产业",
    "就业 高校毕业生",
    "改革 -农村",
    '"粮食安全"',
    "“十四五”",
    "4.5%",
    "5g",
    "基本公共服务均等化",
    "量子计算机",
]
# Queries the corpus answers (so the comparisons below are not between two empty lists).
ANSWERED = ["旱", "长沙", "固定资产投资", "高标准农田", "700亿元", "乡村振兴 产业", "改革 -农村", "4.5%"]


@pytest.fixture(params=BACKENDS)
def backend(request, archive, monkeypatch):
    """The backend under test, on the corpus archive."""
    if request.param == "postgres-gin":
        monkeypatch.setattr(PostgresSearch, "rank_in_index", False)
    elif request.param == "postgres-rum" and not _ranked_in_index(connection):
        pytest.skip("the rum extension is not installed")
    return request.param


def holding(texts, query: str) -> set:
    """The keys of the (key, folded text) pairs whose text holds every term and no excluded one."""
    parsed = parse_query(query)
    return {
        key
        for key, folded in texts
        if all(term.text in folded for term in parsed.terms)
        and not any(term.text in folded for term in parsed.excluded)
    }


def ids(results) -> list[int]:
    return list(results.values_list("pk", flat=True))


def page(results, part: slice) -> list[tuple[int, float]]:
    return [(c.pk, c.search_rank) for c in results[part]]


@pytest.mark.parametrize("query", QUERIES)
def test_finds_exactly_the_commitments_whose_text_holds_every_term(backend, archive, query):
    expected = holding(((c.pk, fold(c.text)) for c in archive["commitments"]), query)
    found = [c.pk for c in search_commitments(query)]  # read as a page is: best first
    assert len(found) == len(set(found)), "a commitment listed twice"
    assert set(found) == expected
    assert search_commitments(query).count() == len(expected)
    if query in ANSWERED:
        assert expected


@pytest.mark.parametrize("query", ["旱", "长沙", "固定资产投资", "高标准农田", "700亿元"])
def test_a_plain_query_finds_what_icontains_finds(backend, query):
    assert set(ids(search_commitments(query))) == set(ids(Commitment.objects.filter(text__icontains=query)))


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [("長沙", "长沙"), ("固定資產投資", "固定资产投资"), ("高標準農田", "高标准农田"), ("７００億元", "700亿元")],
)
def test_traditional_or_full_width_finds_what_simplified_finds(backend, traditional, simplified):
    found = page(search_commitments(traditional), slice(0, 50))
    assert found
    assert found == page(search_commitments(simplified), slice(0, 50))


def test_filters_narrow_the_matches_like_the_browsing_lists_do(backend, archive):
    matches = [c for c in archive["commitments"] if "发展" in fold(c.text)]
    city = Counter(c.speech.city for c in matches if c.speech.city).most_common(1)[0][0]
    province = Counter(c.speech.province for c in matches if c.speech.province).most_common(1)[0][0]
    topic = Counter(c.topic for c in matches if c.topic).most_common(1)[0][0]
    years = sorted({c.speech.year for c in matches if c.speech.year})
    year_range = (years[0], years[len(years) // 2])
    cases = [
        ({"city": city}, lambda c: c.speech.city_id == city.pk),
        ({"city": city.code}, lambda c: c.speech.city_id == city.pk),
        ({"province": province}, lambda c: c.speech.province_id == province.pk),
        ({"topic": topic}, lambda c: c.topic_id == topic.pk),
        ({"topic": topic.slug}, lambda c: c.topic_id == topic.pk),
        ({"year": years[-1]}, lambda c: c.speech.year == years[-1]),
        ({"year": year_range}, lambda c: c.speech.year is not None and year_range[0] <= c.speech.year <= year_range[1]),
        ({"kind": "target"}, lambda c: c.kind == "target"),
        ({"strength": "binding"}, lambda c: c.strength == "binding"),
        (
            {"kind": "action", "year": year_range},
            lambda c: c.kind == "action" and c.speech.year in years[: len(years) // 2 + 1],
        ),
    ]
    for filters, keep in cases:
        expected = {c.pk for c in matches if keep(c)}
        assert expected, filters
        results = search_commitments("发展", **filters)
        assert {c.pk for c in results[:2000]} == expected, filters
        assert results.count() == len(expected), filters


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ("改革", {}),
        ("发展 -改革", {}),
        ("长沙", {}),
        ("经济 发展", {}),
        ("基本公共服务", {}),
        ("公共服务 基本公共服务", {}),  # a word of both terms
        ("增长 -4.5%", {}),
        ("亿元", {}),  # often among the amounts, which weigh more
        ("发展", {"kind": "action"}),
        ("发展", {"year": (2010, 2020), "strength": "planned"}),
        ("建设", {"province": "430000"}),
    ],
)
def test_a_page_is_the_same_however_the_archive_reads_it(backend, query, filters):
    """A page may be picked inside the index, the best found without scoring every match: the same
    rows, ranks and order as when every match is read and sorted (best first, ties by id)."""
    results = search_commitments(query, **filters)
    narrowed = results.filter(pk__gt=0)  # a filter the index cannot answer: the rows are read
    assert results.count() == narrowed.count() > 5
    everything = page(narrowed, slice(None))
    assert everything == sorted(everything, key=lambda row: (-row[1], row[0]))
    for part in (slice(0, 20), slice(5, 12), slice(20, 40), slice(0, 400)):
        shortcut = list(results[part])
        assert [(c.pk, c.search_rank) for c in shortcut] == everything[part]
        assert [c.snippet for c in shortcut] == [c.snippet for c in narrowed[part]]


def test_equal_scores_are_listed_by_id_on_every_page(backend):
    speech = Speech.objects.create(title="示例讲话", text="示例", content_hash="ties")
    same = [
        Commitment.objects.create(
            speech=speech, position=n, text="稳步推进珍稀菌种保藏库建设", kind="action", strength="planned"
        ).pk
        for n in range(45)
    ]
    results = search_commitments("菌种保藏库")
    assert [pk for pk, _ in page(results, slice(0, 20))] == same[:20]
    assert [pk for pk, _ in page(results, slice(20, 40))] == same[20:40]
    assert len({rank for _, rank in page(results, slice(0, 45))}) == 1


def test_results_read_again_after_the_archive_grew_are_still_the_best(backend):
    results = search_commitments("发展")
    before = page(results, slice(0, 20))
    speech = Speech.objects.create(title="示例讲话", text="示例", content_hash="later")
    added = {
        Commitment.objects.create(
            speech=speech, position=n, text="发展" + "新兴产业" * n, kind="action", strength="planned"
        ).pk
        for n in range(30)
    }
    again, direct = page(results, slice(0, 20)), page(results.filter(pk__gt=0), slice(0, 20))
    assert again == direct
    assert {pk for pk, _ in again} & added and again != before


@pytest.mark.parametrize("query", ["旱", "长沙 创业", "高标准农田", "政府工作报告", "量子计算机"])
def test_finds_exactly_the_speeches_whose_title_or_text_holds_every_term(backend, archive, query):
    expected = holding(((s.pk, f"{fold(s.title)}\n{fold(s.text)}") for s in archive["speeches"]), query)
    found = [s.pk for s in search_speeches(query)]
    assert len(found) == len(set(found))
    assert set(found) == expected


def test_a_city_takes_in_its_counties(backend):
    county = Region.objects.filter(level=Region.Level.COUNTY, parent__level=Region.Level.CITY).first()
    speech = Speech.objects.create(
        title="县里的讲话", text="示例", content_hash="county", city=county, province=county.parent.parent
    )
    commitment = Commitment.objects.create(
        speech=speech, position=0, text="新建高标准农田5万亩", kind="target", strength="planned"
    )
    assert commitment.pk in [c.pk for c in search_commitments("高标准农田", city=county.parent)]
    other = Region.objects.exclude(pk=county.parent_id).filter(level=Region.Level.CITY).first()
    assert commitment.pk not in [c.pk for c in search_commitments("高标准农田", city=other)]
