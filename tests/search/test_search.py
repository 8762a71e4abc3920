"""search_commitments and search_speeches over the imported shared corpus, on the database's own backend."""

import html
from collections import Counter

import pytest
from django.db import connection

from speeches.models import Commitment, Region, Speech, Target
from speeches.search import fold, parse_query, search_commitments, search_speeches

pytestmark = pytest.mark.corpus

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


@pytest.mark.django_db
def test_the_backend_is_the_databases_own():
    assert connection.vendor in {"sqlite", "postgresql"}
    assert str(search_commitments("长沙").query).count("_fts" if connection.vendor == "sqlite" else "search_vector")


@pytest.mark.parametrize("query", QUERIES)
def test_finds_exactly_the_commitments_whose_text_holds_every_term(archive, query):
    expected = holding(((c.pk, fold(c.text)) for c in archive["commitments"]), query)
    found = ids(search_commitments(query))
    assert len(found) == len(set(found)), "a commitment listed twice"
    assert set(found) == expected
    if query in ANSWERED:
        assert expected


@pytest.mark.parametrize("query", ["旱", "长沙", "固定资产投资", "高标准农田", "700亿元"])
def test_a_plain_query_finds_what_icontains_finds(archive, query):
    assert set(ids(search_commitments(query))) == set(ids(Commitment.objects.filter(text__icontains=query)))


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [("長沙", "长沙"), ("固定資產投資", "固定资产投资"), ("高標準農田", "高标准农田"), ("７００億元", "700亿元")],
)
def test_a_traditional_or_full_width_query_finds_what_its_simplified_form_finds(archive, traditional, simplified):
    found = ids(search_commitments(traditional))
    assert found
    assert found == ids(search_commitments(simplified))


def test_traditional_text_is_found_by_a_simplified_query_and_marked_in_its_own_characters(archive):
    speech = Speech.objects.create(title="示例讲话", text="示例", content_hash="traditional")
    commitment = Commitment.objects.create(
        speech=speech, position=0, text="全年完成固定資產投資100億元", kind="target", strength="planned"
    )
    [found] = [c for c in search_commitments("固定资产投资 100亿元") if c.pk == commitment.pk]
    assert found.snippet == "全年完成<mark>固定資產投資</mark><mark>100億元</mark>"


def test_filters_narrow_the_matches_like_the_browsing_lists_do(archive):
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
        assert set(ids(search_commitments("发展", **filters))) == expected, filters


def test_a_city_takes_in_its_counties(archive):
    county = Region.objects.filter(level=Region.Level.COUNTY, parent__level=Region.Level.CITY).first()
    speech = Speech.objects.create(
        title="县里的讲话", text="示例", content_hash="county", city=county, province=county.parent.parent
    )
    commitment = Commitment.objects.create(
        speech=speech, position=0, text="新建高标准农田5万亩", kind="target", strength="planned"
    )
    assert commitment.pk in ids(search_commitments("高标准农田", city=county.parent))
    assert commitment.pk not in ids(
        search_commitments(
            "高标准农田", city=Region.objects.exclude(pk=county.parent_id).filter(level=Region.Level.CITY).first()
        )
    )


def test_results_come_best_first_or_newest_first(archive):
    ranks = [c.search_rank for c in search_commitments("改革")]
    assert len(ranks) > 20
    assert ranks == sorted(ranks, reverse=True)
    years = [c.speech.year or 0 for c in search_commitments("改革", order="date")]
    assert years == sorted(years, reverse=True)


def test_a_match_in_a_commitments_amount_ranks_first(archive):
    speech = Speech.objects.create(title="示例讲话", text="示例", content_hash="amounts")
    plain, with_target = (
        Commitment.objects.create(
            speech=speech, position=position, text="全年完成投资123亿元以上", kind="target", strength="planned"
        )
        for position in range(2)
    )
    Target.objects.create(commitment=with_target, value=123, unit="亿元", qualifier="以上", text="123亿元以上")
    assert ids(search_commitments("123亿元")) == [with_target.pk, plain.pk]


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
        ("发展", {"kind": "action"}),
        ("发展", {"year": (2010, 2020), "strength": "planned"}),
        ("建设", {"province": "430000"}),
    ],
)
def test_a_page_of_results_is_the_same_however_the_archive_reads_it(archive, query, filters):
    """Results may be counted and paged in the index alone, the best found without scoring every
    match: the same rows, ranks and order as when every match is read and sorted."""
    results = search_commitments(query, **filters)
    narrowed = results.filter(pk__gt=0)  # a filter the index cannot answer: the rows are read
    assert results.count() == narrowed.count() > 5
    for page in (slice(0, 20), slice(5, 12), slice(20, 40), slice(0, 400)):
        shortcut, direct = list(results[page]), list(narrowed[page])
        assert [(c.pk, c.search_rank) for c in shortcut] == [(c.pk, c.search_rank) for c in direct]
        assert [c.snippet for c in shortcut] == [c.snippet for c in direct]


def test_results_read_again_after_the_archive_grew_are_still_the_best(archive):
    results = search_commitments("发展")
    before = list(results[:20])
    speech = Speech.objects.create(title="示例讲话", text="示例", content_hash="later")
    added = {
        Commitment.objects.create(
            speech=speech, position=n, text="发展" + "新兴产业" * n, kind="action", strength="planned"
        ).pk
        for n in range(30)
    }
    again, direct = list(results[:20]), list(results.filter(pk__gt=0)[:20])
    assert [(c.pk, c.search_rank) for c in again] == [(c.pk, c.search_rank) for c in direct]
    assert {c.pk for c in again} & added and again != before


@pytest.mark.parametrize("query", ["长沙", "固定资产投资"])
def test_results_combine_with_other_querysets_and_subqueries(archive, query):
    expected = set(ids(search_commitments(query)))
    assert (
        set(Commitment.objects.filter(pk__in=search_commitments(query).values("pk")).values_list("pk", flat=True))
        == expected
    )
    dated = Speech.objects.exclude(year=None)
    combined = search_commitments(query).filter(speech__in=dated)
    assert set(ids(combined)) == {pk for pk in expected if Commitment.objects.get(pk=pk).speech.year is not None}
    speeches = search_speeches(query).filter(pk__in=Commitment.objects.filter(pk__in=expected).values("speech"))
    assert set(ids(speeches)) == set(Commitment.objects.filter(pk__in=expected).values_list("speech", flat=True))


def test_each_result_carries_its_text_with_the_matches_marked(archive):
    results = list(search_commitments("固定资产投资 700亿元")) + list(search_commitments("旱")[:20])
    assert results
    for commitment in results:
        assert "<mark>" in commitment.snippet
        shown = html.unescape(commitment.snippet.replace("<mark>", "").replace("</mark>", "")).strip("…")
        assert shown in commitment.text


def test_a_query_that_cannot_find_anything_gives_an_empty_result_not_an_error(archive):
    for query in ["", "   ", "。，、！", "x" * 500, "-旱", '"', "AND OR NOT", "*"]:
        results = search_commitments(query)
        assert results.count() == len(list(results)) == 0 or parse_query(query).terms, query
        assert list(search_speeches(query)) == [] or parse_query(query).terms, query


@pytest.mark.parametrize("query", ["旱", "长沙 创业", "高标准农田", "政府工作报告", "量子计算机"])
def test_finds_exactly_the_speeches_whose_title_or_text_holds_every_term(archive, query):
    expected = holding(((s.pk, f"{fold(s.title)}\n{fold(s.text)}") for s in archive["speeches"]), query)
    found = ids(search_speeches(query))
    assert len(found) == len(set(found))
    assert set(found) == expected


def test_a_match_in_a_speechs_title_ranks_first(archive):
    titled = Speech.objects.create(title="关于抗旱保苗的讲话", text="同志们：今天开会。", content_hash="title")
    Speech.objects.create(title="讲话", text="同志们：抗旱保苗工作要抓紧。", content_hash="body")
    [first, *rest] = search_speeches("抗旱保苗")
    assert first == titled and len(rest) >= 1
    assert first.title_snippet == "关于<mark>抗旱保苗</mark>的讲话"
