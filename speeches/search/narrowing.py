"""What search_commitments and search_speeches narrow by: places, topics, years, kinds, strengths.

A place or topic may be given as a model instance, a primary key, a region code or a slug; it is
resolved to ids once, then written as each backend needs it: filter tokens of the SQLite index, or
a condition on the rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from ..filters import FIRST_YEAR, LAST_YEAR
from ..models import Region, Topic
from .expressions import token_safe, year_tokens


def region_id(value) -> int | None:
    """A Region, its primary key or its code; an unknown code gives an id that matches nothing."""
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, Region):
        return value.pk
    return Region.objects.filter(code=str(value)).values_list("pk", flat=True).first() or 0


def topic_id(value) -> int | None:
    """A Topic, its primary key or its slug."""
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, Topic):
        return value.pk
    return Topic.objects.filter(slug=str(value)).values_list("pk", flat=True).first() or 0


def years_of(year) -> list[int] | None:
    """The years a filter allows: one, a range(), or a (first, last) pair, both included."""
    if year is None:
        return None
    if isinstance(year, range):
        first, last = year.start, year.stop - 1
    elif isinstance(year, tuple | list):
        first, last = (int(value) for value in year)
    else:
        first = last = int(year)
    return list(range(max(first, FIRST_YEAR), min(last, LAST_YEAR) + 1))


@dataclass(frozen=True)
class CommitmentFilters:
    """What search_commitments narrows by: ids, kinds and years, already resolved."""

    city: int | None = None
    province: int | None = None
    topic: int | None = None
    years: list[int] | None = None
    kind: str | None = None
    strength: str | None = None

    def facets(self) -> list[list[str]]:
        """As the index's filter tokens (see CommitmentIndex): each group, one of which must be there."""
        groups = []
        if self.city is not None:
            groups.append([f"city{self.city}"])
        if self.province is not None:
            groups.append([f"province{self.province}"])
        if self.topic is not None:
            groups.append([f"topic{self.topic}"])
        if self.years is not None:
            groups.append(year_tokens(self.years) or ["year0"])
        if self.kind:
            groups.append([f"kind{token_safe(self.kind)}"])
        if self.strength:
            groups.append([f"strength{token_safe(self.strength)}"])
        return groups

    def narrow_facets(self) -> list[list[str]]:
        """The filter tokens few rows have: a place, a topic, a single year."""
        wide = ("kind", "strength", "lustrum", "decade", *(("year",) * (len(self.years or ()) > 1)))
        return [group for group in self.facets() if not group[0].startswith(wide)]

    def condition(self) -> Q:
        """As a condition on the rows, where the index has no filter tokens (PostgreSQL)."""
        condition = place_condition("speech__", self.city, self.province)
        if self.topic is not None:
            condition &= Q(topic=self.topic)
        if self.years is not None:
            condition &= Q(speech__year__in=self.years)
        if self.kind:
            condition &= Q(kind=self.kind)
        if self.strength:
            condition &= Q(strength=self.strength)
        return condition


def place_condition(prefix: str, city: int | None, province: int | None) -> Q:
    condition = Q()
    if city is not None:
        # A speech placed in one of the city's counties is a speech of the city too; a county's code
        # chooses the speeches of that county.
        condition &= Q(**{f"{prefix}city__in": Region.objects.filter(Q(pk=city) | Q(parent=city))}) | Q(
            **{f"{prefix}county": city}
        )
    if province is not None:
        condition &= Q(**{f"{prefix}province": province})
    return condition
