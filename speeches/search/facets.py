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

from ..filters import CommitmentFilter, Facet, FacetOption
from ..models import Region, Topic

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
# The column each facet groups by.
_GROUPS = {
    "province": "province_id",
    "city": "city_id",
    "topic": "topic_id",
    "year": "year",
    "kind": "kind",
    "strength": "strength",
}
_MATCHES = (
    "SELECT c.id, c.kind, c.strength, c.topic_id, s.year, s.province_id, s.city_id, r.parent_id AS city_parent_id,"
    " s.county_id FROM speeches_commitment c JOIN speeches_speech s ON s.id = c.speech_id"
    " LEFT JOIN speeches_region r ON r.id = s.city_id WHERE c.id IN ({ids})"
)


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
    ids, params = _match_ids(results)
    parts, values = [], list(params)
    for spec in filters.facet_specs:
        keeps = [(_KEEPS[name], value) for name, value in chosen.items() if name != spec.param]
        where = "".join(f" AND {sql}" for sql, _ in keeps)
        column = _GROUPS[spec.param]
        parts.append(
            f"SELECT '{spec.param}', CAST({column} AS TEXT), count(*) FROM m WHERE {column} IS NOT NULL{where}"
            f" GROUP BY {column}"
        )
        for sql, value in keeps:
            values.extend([value] * sql.count("%s"))
    sql = f"WITH m AS MATERIALIZED ({_MATCHES.format(ids=ids)}) " + " UNION ALL ".join(parts)
    counts: dict[str, dict[str, int]] = {spec.param: {} for spec in filters.facet_specs}
    with connections[results.db].cursor() as cursor:
        cursor.execute(sql, values)
        for param, value, count in cursor.fetchall():
            counts[param][value] = count
    return [_facet(spec, counts[spec.param], str(filters.data.get(spec.param, ""))) for spec in filters.facet_specs]


def _facet(spec, counts: dict[str, int], chosen: str) -> Facet:
    """The facet's options as FacetedFilterSet shows them: values, labels and order."""
    if spec.param in {"province", "city"}:
        named = Region.objects.filter(pk__in=[int(pk) for pk in counts]).order_by("code")
        rows = [(region.code, region.name, counts[str(region.pk)]) for region in named]
    elif spec.param == "topic":
        named = Topic.objects.filter(pk__in=[int(pk) for pk in counts]).order_by("position", "slug")
        rows = [(topic.slug, topic.name, counts[str(topic.pk)]) for topic in named]
    elif spec.param == "year":
        rows = [(year, f"{year}{spec.suffix}", counts[year]) for year in sorted(counts, key=int, reverse=True)]
    else:
        labels = dict(spec.choices)
        rows = [(value, labels[value], counts[value]) for value in labels if value in counts]
        rows += [(value, value, count) for value, count in sorted(counts.items()) if value not in labels]
    return Facet(
        spec.param, spec.label, [FacetOption(value, label, n, selected=value == chosen) for value, label, n in rows]
    )
