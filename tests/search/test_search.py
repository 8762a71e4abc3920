"""search_commitments and search_speeches over the imported shared corpus, on the database's own backend.

What every backend must find, and in what order, is in test_conformance.py."""

import html

import pytest
from django.db import connection

from speeches.models import Commitment, Speech, Target
from speeches.search import parse_query, search_commitments, search_speeches

pytestmark = pytest.mark.corpus


def ids(results) -> list[int]:
    return list(results.values_list("pk", flat=True))


@pytest.mark.django_db
def test_the_backend_is_the_databases_own():
    assert connection.vendor in {"sqlite", "postgresql"}
    assert str(search_commitments("长沙").query).count("_fts" if connection.vendor == "sqlite" else "search_vector")


def test_traditional_text_is_found_by_a_simplified_query_and_marked_in_its_own_characters(archive):
    speech = Speech.objects.create(title="示例讲话", text="示例", content_hash="traditional")
    commitment = Commitment.objects.create(
        speech=speech, position=0, text="全年完成固定資產投資100億元", kind="target", strength="planned"
    )
    [found] = [c for c in search_commitments("固定资产投资 100亿元") if c.pk == commitment.pk]
    assert found.snippet == "全年完成<mark>固定資產投資</mark><mark>100億元</mark>"


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


def test_a_match_in_a_speechs_title_ranks_first(archive):
    titled = Speech.objects.create(title="关于抗旱保苗的讲话", text="同志们：今天开会。", content_hash="title")
    Speech.objects.create(title="讲话", text="同志们：抗旱保苗工作要抓紧。", content_hash="body")
    [first, *rest] = search_speeches("抗旱保苗")
    assert first == titled and len(rest) >= 1
    assert first.title_snippet == "关于<mark>抗旱保苗</mark>的讲话"
