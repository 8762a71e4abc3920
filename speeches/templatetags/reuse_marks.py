"""Which paragraph of a speech stands elsewhere: the speech page marks it where it is read."""

from django import template

register = template.Library()


@register.simple_tag
def passage_at(reuse, paragraph_anchor: str):
    """The shared passage (or common language) at this paragraph, or None."""
    return reuse.at(paragraph_anchor) if reuse is not None else None


@register.filter
def place_name(speech) -> str:
    """The most particular place a speech is given for: its district, city or province."""
    place = speech.county or speech.city or speech.province
    return place.name if place else ""
