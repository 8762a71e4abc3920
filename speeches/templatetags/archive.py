"""Links that keep the reader's filters, and the small bar charts the pages draw as SVG on the server."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import template
from django.http import QueryDict
from django.urls import reverse

register = template.Library()


def _query(context) -> QueryDict:
    # Views may hand over a cleaned copy of the query (a shortened `q`); links are built from that.
    query = context.get("query")
    return query if query is not None else context["request"].GET


@register.simple_tag(takes_context=True)
def with_param(context, name: str, value=None) -> str:
    """The current query string with one parameter set (or removed when value is None), back on page 1."""
    params = _query(context).copy()
    params.pop("page", None)
    if value is None or value == "":
        params.pop(name, None)
    else:
        params[name] = value
    return f"?{params.urlencode()}" if params else "?"


@register.simple_tag(takes_context=True)
def page_link(context, number: int) -> str:
    params = _query(context).copy()
    params["page"] = number
    return f"?{params.urlencode()}"


@dataclass
class Bar:
    label: str
    count: int
    url: str
    width: str  # share of the longest bar, 0-100: the bar's width in the chart's own units


@register.inclusion_tag("includes/bar_chart.html")
def bar_chart(rows, caption: str, label: str, count: str, key: str = "", url: str = "", suffix: str = ""):
    """A horizontal bar chart of `rows` (mappings): `label` names each bar, `count` sizes it.

    With `url` (a URL name) each label links to that page of the row's `key` (default: its label).
    Bars are SVG rectangles in a 0-100 box stretched to the row's width, so the chart needs no
    script and no inline style, and the labels stay real text at the page's own size, readable on
    a phone and by a screen reader.
    """
    rows = list(rows)
    longest = max((row[count] for row in rows), default=0) or 1
    bars = [
        Bar(
            f"{row[label]}{suffix}",
            row[count],
            reverse(url, args=[row[key or label]]) if url else "",
            f"{row[count] * 100 / longest:.4g}",
        )
        for row in rows
    ]
    return {"bars": bars, "caption": caption}


SITE_NAME = "讲话档案"
SITE_DESCRIPTION = "政府讲话与工作报告的结构化档案：按城市、主题和年份浏览讲话，检索其中的目标、时限与举措。"


@register.inclusion_tag("includes/page_meta.html", takes_context=True)
def page_meta(context, title: str = "", description: str = "", kind: str = "website"):
    """<title>, the description and the Open Graph tags of a page, from one title and one description."""
    request = context.get("request")
    return {
        "site_name": SITE_NAME,
        "title": f"{title} · {SITE_NAME}" if title else SITE_NAME,
        "og_title": title or SITE_NAME,
        "description": description or SITE_DESCRIPTION,
        "kind": kind,
        # The 500 page is drawn without a request; it then has no address of its own to give.
        "url": request.build_absolute_uri(request.path) if request else "",
    }


@dataclass
class ProvinceGroup:
    code: str
    name: str
    speech_count: int = 0
    cities: list[dict] = field(default_factory=list)


@register.filter
def by_province(place_counts) -> list[ProvinceGroup]:
    """Rows of SpeechQuerySet.place_counts() gathered under their provinces, keeping code order."""
    groups: dict[str, ProvinceGroup] = {}
    for row in place_counts:
        group = groups.setdefault(row["province__code"], ProvinceGroup(row["province__code"], row["province__name"]))
        group.speech_count += row["speech_count"]
        if row["city__code"]:
            group.cities.append({"code": row["city__code"], "name": row["city__name"], "count": row["speech_count"]})
    return list(groups.values())
