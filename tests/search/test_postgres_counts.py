"""PostgreSQL: the facets' rows read once or from a fixed sample of pages (postgres_counts), the
planner's estimate of the matches, and the statements that read every match planned for it
(postgres_ranking.every_match)."""

import pytest
from django.db import connection

from speeches.models import Commitment
from speeches.search import search_commitments
from speeches.search.facets import scaled
from speeches.search.postgres_counts import estimated_matches, facet_rows


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


@postgres
@pytest.mark.corpus
def test_a_sample_of_the_matches_is_a_part_of_them(archive):
    results = search_commitments("发展")
    matches = results.count()
    exact = facet_rows(results)
    assert facet_rows(results, 1.0) == exact and exact.share == 1
    sample = facet_rows(results, 0.2)
    assert sample.share == 0.2
    with connection.cursor() as cursor:
        cursor.execute(exact.sql, exact.params)
        every = set(cursor.fetchall())
        cursor.execute(sample.sql, sample.params)
        some = cursor.fetchall()
        cursor.execute(sample.sql, sample.params)
        assert cursor.fetchall() == some  # the same pages each time
    assert set(some) < every and some
    assert len(every) == matches
    assert facet_rows(Commitment.objects.all()) is None  # not a search


@postgres
@pytest.mark.corpus
def test_the_planner_estimates_how_many_rows_a_search_matches(archive):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    for query in ("发展", "改革"):
        results = search_commitments(query)
        matches = results.count()
        # A common word within a factor of two: enough to tell it from a rare one.
        assert matches / 2 <= estimated_matches(results) <= matches * 2, query
    # A longer term's tokens are taken as independent, which makes it look rarer than it is: it is
    # then counted exactly, never estimated from too small a sample.
    results = search_commitments("乡村振兴")
    assert estimated_matches(results) <= results.count()
    assert estimated_matches(Commitment.objects.all()) is None


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
