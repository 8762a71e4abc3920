"""The search page's facets, counted in one pass, are those the FilterSet counts facet by facet."""

import pytest
from django.db import connection
from django.http import QueryDict

from speeches.filters import CommitmentFilter
from speeches.models import Commitment
from speeches.search import commitment_facets, search_commitments
from speeches.search.postgres import PostgresSearch

pytestmark = pytest.mark.corpus


def as_shown(facets) -> list:
    return [(f.param, f.label, [(o.value, o.label, o.count, o.selected) for o in f.options]) for f in facets]


@pytest.mark.parametrize("ranked_in_index", [True, False] if connection.vendor == "postgresql" else [True])
@pytest.mark.parametrize(
    ("query", "chosen"),
    [
        ("发展", ""),
        ("改革", "kind=target"),
        ("建设", "province=430000&year_min=2015"),
        ("发展", "city=430100&strength=planned"),
        ("经济", "topic=economy&year=2023"),
        ("发展 -农村", "year_max=2024&kind=action"),
        ("发展", "year=abc&city=999999"),  # a malformed year is dropped, an unknown city matches nothing
        ("量子计算机", ""),
        ("。，", ""),  # refused before searching
    ],
)
def test_the_facets_are_those_the_filterset_counts(archive, monkeypatch, ranked_in_index, query, chosen):
    monkeypatch.setattr(PostgresSearch, "rank_in_index", ranked_in_index)
    results = search_commitments(query)
    filters = CommitmentFilter(QueryDict(chosen), queryset=results.for_listing())
    expected = filters.facets(base=Commitment.objects.filter(pk__in=results.values("pk")))
    counted = commitment_facets(filters, results)
    assert as_shown(counted.facets) == as_shown(expected)
    assert not counted.estimated and counted.total == filters.qs.count()
    if query not in {"量子计算机", "。，"}:
        assert any(option.count for facet in expected for option in facet.options)


@pytest.fixture
def small_bound(settings, monkeypatch):
    """As if the corpus were large: more than 300 matches are counted from a sample of about 400."""
    from speeches.search import facets

    settings.SPEECHES_SEARCH_EXACT_UP_TO = 300
    monkeypatch.setattr(facets, "SAMPLE_MATCHES", 400)
    if connection.vendor == "postgresql":  # the statistics the planner's estimate of the matches reads
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


@pytest.mark.parametrize("chosen", ["", "kind=target", "province=430000&year_min=2015"])
def test_many_matches_are_counted_from_a_fixed_sample_close_to_the_exact_counts(archive, small_bound, chosen):
    results = search_commitments("发展")
    filters = CommitmentFilter(QueryDict(chosen), queryset=results.for_listing())
    exact = {f.param: {o.value: o.count for o in f.options} for f in filters.facets(base=results)}
    counted = commitment_facets(filters, results)
    again = commitment_facets(filters, search_commitments("发展"))
    assert counted.estimated and as_shown(again.facets) == as_shown(counted.facets)  # the same sample each time
    listed, share = filters.qs.count(), 400 / results.count()
    checked = 0
    for facet in counted.facets:
        assert facet.estimated
        for option in facet.options:
            truth = exact[facet.param].get(option.value, 0)
            assert truth > 0, (facet.param, option.value)  # only values some match has
            sampled = truth * share  # about this many of the value's rows are in the sample
            if sampled >= 40:  # within three standard deviations of a sample that size
                assert abs(option.count - truth) <= 3 * truth / sampled**0.5, (facet.param, option.value)
                checked += 1
    assert checked >= (1 if chosen else 3)
    if connection.vendor == "postgresql":
        # The total is an estimate too, from the same sample.
        assert counted.total_estimated and abs(counted.total - listed) <= 0.3 * listed
    else:
        assert counted.total is None  # the page counts its rows exactly in the index


def test_a_sample_is_not_taken_when_the_matches_are_fewer_than_the_bound(archive, small_bound, monkeypatch):
    from speeches.search import postgres_counts

    # Even where the planner thinks a rare word common, it is counted exactly.
    monkeypatch.setattr(postgres_counts, "estimated_matches", lambda results: 10**6)
    results = search_commitments("高标准农田")
    filters = CommitmentFilter(QueryDict(""), queryset=results.for_listing())
    counted = commitment_facets(filters, results)
    assert 0 < results.count() <= 300
    assert not counted.estimated and counted.total == results.count()
    assert as_shown(counted.facets) == as_shown(filters.facets(base=results))
