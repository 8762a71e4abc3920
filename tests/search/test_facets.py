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
    assert as_shown(commitment_facets(filters, results)) == as_shown(expected)
    if query not in {"量子计算机", "。，"}:
        assert any(option.count for facet in expected for option in facet.options)
