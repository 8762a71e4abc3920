"""The search page's facet counts, all from one pass over the matches.

The browsing lists count each facet with a grouped query of its own (filters.FacetedFilterSet).
Over a search, each of those queries would search again: a common word's tens of thousands of
matches, six times. Here the matches are read once, with the few columns the facets group by, and
every facet is counted from that one set, each over the rows the *other* chosen filters leave, as
FacetedFilterSet.facets counts them (the tests compare both).
"""

from __future__ import annotations

from django.db import connections
from django.db.models import QuerySet

from ..filters import NONE, CommitmentFilter, Facet, FacetOption

_REGION = "SELECT id FROM speeches_region WHERE code = %s"
# What each chosen filter keeps, as SQL over the matches' columns (see _MATCHES).
_KEEPS = {
    "province": f"province_id IN ({_REGION})",
    "city": f"(city_id IN ({_REGION}) OR city_parent_id IN ({_REGION}) OR county_id IN ({_REGION}))",
    "topic": "topic_id IN (SELECT id FROM speeches_topic WHERE slug = %s)",
    "year": "year = %s",
    "year_min": "year >= %s",
    "year_max": "year <= %s",
    "kind": "kind = %s",
    "strength": "strength = %s",
}
# What choosing the bucket of rows without a value (NONE) keeps.
_KEEPS_NONE = {
    "province": "province_id IS NULL",
    "city": "city_id IS NULL",
    "topic": "topic_id IS NULL",
    "year": "year IS NULL",
}
# The column each facet groups by.
_GROUPS = {
    "province": "province_id",
    "city": "city_id",
    "topic": "topic_id",
    "year": "year",
    "kind": "kind",
    "strength": "strength",
}
# The facets whose values are rows of another table: (table, value, label, order) columns.
_NAMED = {
    "province": ("speeches_region", "code", "name", "code"),
    "city": ("speeches_region", "code", "name", "code"),
    "topic": ("speeches_topic", "slug", "name", "position"),
}
_MATCHES = (
    "SELECT c.id, c.kind, c.strength, c.topic_id, s.year, s.province_id, s.city_id, r.parent_id AS city_parent_id,"
    " s.county_id FROM speeches_commitment c JOIN speeches_speech s ON s.id = c.speech_id"
    " LEFT JOIN speeches_region r ON r.id = s.city_id WHERE c.id IN ({ids})"
)


def _match_rows(results: QuerySet) -> tuple[str, list, bool]:
    """SQL for the matches with the columns the facets group by, its parameters, and whether it
    reads every match of a PostgreSQL search (then run through every_match, planned for that)."""
    from .postgres_counts import facet_rows

    # PostgreSQL: the index's match selects the columns itself, each match read once rather than
    # found by id and read again.
    rows = facet_rows(results)
    if rows is not None:
        return rows.sql, list(rows.params), True
    ids, params = _match_ids(results)
    return _MATCHES.format(ids=ids), list(params), False


def _match_ids(results: QuerySet) -> tuple[str, list]:
    """SQL for the ids of the search's matches: from the index alone where it can say."""
    plan = getattr(results, "_index_plan", None)
    if plan is not None and hasattr(plan, "ids_sql"):
        return plan.ids_sql()
    return results.order_by().values("pk").query.get_compiler(using=results.db).as_sql()


def commitment_facets(filters: CommitmentFilter, results: QuerySet) -> list[Facet]:
    """The facets of CommitmentFilter over `results` (a search's matches, not yet filtered)."""
    filters.is_valid()
    if results.query.is_empty():  # a query refused before searching: nothing to count
        return [Facet(spec.param, spec.label, []) for spec in filters.facet_specs]
    chosen = {
        name: value for name, value in filters.form.cleaned_data.items() if name in _KEEPS and value not in (None, "")
    }
    matches, params, every = _match_rows(results)
    parts, values = [], params
    for spec in filters.facet_specs:
        keeps = [
            (_KEEPS_NONE[name], None) if value == NONE and name in _KEEPS_NONE else (_KEEPS[name], value)
            for name, value in chosen.items()
            if name != spec.param
        ]
        column = _GROUPS[spec.param]
        # With a bucket for rows without a value, those rows are counted too (as NULL).
        conditions = (
            [sql for sql, _ in keeps] if spec.none_label else [f"{column} IS NOT NULL"] + [sql for sql, _ in keeps]
        )
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        grouped = f"SELECT {column} AS k, count(*) AS n FROM m{where} GROUP BY {column}"
        # The names come in the same query: a place's code and name, a topic's slug, name and place.
        named = _NAMED.get(spec.param)
        if named is None:
            parts.append(f"SELECT '{spec.param}', CAST(g.k AS TEXT), NULL, NULL, g.n FROM ({grouped}) g")
        else:
            table, value, label, order = named
            parts.append(
                f"SELECT '{spec.param}', x.{value}, x.{label}, CAST(x.{order} AS TEXT), g.n FROM ({grouped}) g"
                f" LEFT JOIN {table} x ON x.id = g.k"
            )
        for sql, value in keeps:
            values.extend([value] * sql.count("%s"))
    sql = f"WITH m AS MATERIALIZED ({matches}) " + " UNION ALL ".join(parts)
    counts: dict[str, dict] = {spec.param: {} for spec in filters.facet_specs}
    with connections[results.db].cursor() as cursor:
        if every:
            from .postgres_ranking import every_match

            rows = every_match(cursor, sql, values)
        else:
            cursor.execute(sql, values)
            rows = cursor.fetchall()
        for param, value, label, order, count in rows:
            counts[param][value] = (label, order, count)
    return [_facet(spec, counts[spec.param], str(filters.data.get(spec.param, ""))) for spec in filters.facet_specs]


def _facet(spec, counts: dict, chosen: str) -> Facet:
    """The facet's options as FacetedFilterSet shows them: values, labels and order. `counts` maps
    each value (None: the rows without one) to its (label, order, count)."""
    unknown = counts.pop(None, None)
    if spec.param in _NAMED:
        key = (lambda item: item[1][1]) if spec.param != "topic" else (lambda item: (int(item[1][1]), item[0]))
        rows = [(value, label, count) for value, (label, _, count) in sorted(counts.items(), key=key)]
    elif spec.param == "year":
        rows = [(year, f"{year}{spec.suffix}", counts[year][2]) for year in sorted(counts, key=int, reverse=True)]
    else:
        labels = dict(spec.choices)
        rows = [(value, labels[value], counts[value][2]) for value in labels if value in counts]
        rows += [(value, value, row[2]) for value, row in sorted(counts.items()) if value not in labels]
    if unknown is not None:  # the rows without a value, last
        rows.append((NONE, spec.none_label, unknown[2]))
    return Facet(
        spec.param, spec.label, [FacetOption(value, label, n, selected=value == chosen) for value, label, n in rows]
    )
