"""PostgreSQL: the facets' rows read once (postgres_counts.facet_rows), a sample of them scaled to the
page's total, and the statements that read every match planned for it (postgres_ranking.every_match)."""

import pytest
from django.db import connection
from django.http import QueryDict

from speeches.filters import CommitmentFilter
from speeches.models import Commitment
from speeches.search import facets, search_commitments
from speeches.search.postgres import PostgresSearch
from speeches.search.postgres_counts import facet_rows, scaled


def test_scaled_counts_sum_to_the_total_in_proportion():
    assert scaled({"a": 50, "b": 30, "c": 20}, 1000) == {"a": 500, "b": 300, "c": 200}
    estimates = scaled({"a": 333, "b": 333, "c": 334, "d": 1}, 20_011)
    assert sum(estimates.values()) == 20_011
    assert estimates["d"] >= 1  # seen in the sample: never shown as none
    assert estimates["c"] >= estimates["a"] == estimates["b"]
    assert scaled({"a": 1, "b": 1, "c": 1}, 2) in (
        {"a": 1, "b": 1, "c": 0},
        {"a": 1, "b": 0, "c": 1},
        {"a": 0, "b": 1, "c": 1},
    )
    assert scaled({}, 10) == {}
    assert scaled({"a": 0}, 10) == {"a": 0}


postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's facet rows")


def as_shown(found) -> list:
    return [(f.param, [(o.value, o.label, o.count, o.selected) for o in f.options]) for f in found]


@pytest.fixture
def rows_read_once(monkeypatch):
    """facets.py counting from facet_rows: its CTE the matches themselves, not `id IN (their ids)`."""
    read_ids, matches = facets._match_ids, facets._MATCHES

    def match_rows(results):
        rows = facet_rows(results)
        if rows is None:
            ids, params = read_ids(results)
            return matches.format(ids=ids), params
        return rows.sql, rows.params

    monkeypatch.setattr(facets, "_MATCHES", "{ids}")
    monkeypatch.setattr(facets, "_match_ids", match_rows)


@postgres
@pytest.mark.corpus
@pytest.mark.parametrize("ranked_in_index", [True, False])
@pytest.mark.parametrize(
    ("query", "chosen"),
    [
        ("发展", ""),
        ("改革", "kind=target"),
        ("建设", "province=430000&year_min=2015"),
        ("发展 -农村", "strength=planned"),
    ],
)
def test_facets_from_the_rows_read_once_are_those_the_filterset_counts(
    archive, monkeypatch, rows_read_once, ranked_in_index, query, chosen
):
    monkeypatch.setattr(PostgresSearch, "rank_in_index", ranked_in_index)
    results = search_commitments(query)
    filters = CommitmentFilter(QueryDict(chosen), queryset=results.for_listing())
    expected = filters.facets(base=Commitment.objects.filter(pk__in=results.values("pk")))
    assert as_shown(facets.commitment_facets(filters, results)) == as_shown(expected)
    assert any(option.count for facet in expected for option in facet.options)


@postgres
@pytest.mark.corpus
def test_a_sample_of_the_matches_is_a_part_of_them(archive):
    results = search_commitments("发展")
    matches = results.count()
    exact = facet_rows(results)
    assert facet_rows(results, matches, sampled=False) == exact and exact.sampled is None
    assert facet_rows(results, 10, sampled=True) == exact  # few matches: every one is read
    sample = facet_rows(results, 1_000_000, sampled=True)  # as if there were a million
    assert 0 < sample.sampled < 1
    with connection.cursor() as cursor:
        cursor.execute(exact.sql, exact.params)
        every = set(cursor.fetchall())
        cursor.execute(sample.sql, sample.params)
        some = cursor.fetchall()
        cursor.execute(sample.sql, sample.params)
        assert cursor.fetchall() == some  # the same pages each time
    assert set(some) <= every
    assert len(every) == matches
    assert facet_rows(Commitment.objects.all()) is None  # not a search


@postgres
def test_a_statement_reading_every_match_leaves_the_settings_as_they_were(db):
    from speeches.search.postgres_ranking import every_match

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit'), current_setting('enable_seqscan'), current_setting('work_mem')")
        before = cursor.fetchone()
        rows = every_match(
            cursor,
            "SELECT current_setting('jit'), current_setting('enable_seqscan'), current_setting('work_mem'), %s",
            ["x"],
        )
        assert rows == [("off", "off", "64MB", "x")]
        cursor.execute("SELECT current_setting('jit'), current_setting('enable_seqscan'), current_setting('work_mem')")
        assert cursor.fetchone() == before
