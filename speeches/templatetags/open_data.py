"""Links from the pages to their open data: the Atom feeds a page can be followed by (for <head>)
and the downloads of what it lists.

Both read the page from its URL name and context, so base.html can place them once for all pages.
"""

from __future__ import annotations

from django import template
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import format_html, format_html_join

register = template.Library()

ATOM = "application/atom+xml"


def _url_name(context) -> str | None:
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    return match.url_name if match else None


def _listing_query(context) -> str:
    """The page's query string without its page number: a feed or a download holds every page."""
    query = context.get("query")
    if not isinstance(query, QueryDict):
        request = context.get("request")
        query = request.GET if request is not None else QueryDict()
    query = query.copy()
    query.pop("page", None)
    return f"?{query.urlencode()}" if query else ""


def feeds_for(context) -> list[tuple[str, str]]:
    """(title, url) of each feed that follows what the page shows, the newest speeches first."""
    feeds = [("讲话档案：最新讲话", reverse("feed-speeches"))]
    name = _url_name(context)
    if name == "city-detail" and context.get("region") is not None:
        region = context["region"]
        feeds.append((f"讲话档案：{region.name}的讲话", reverse("feed-city", args=[region.code])))
    elif name == "topic-detail" and context.get("topic") is not None:
        topic = context["topic"]
        feeds.append((f"讲话档案：{topic.name}", reverse("feed-topic", args=[topic.slug])))
    elif name == "commitment-list":
        q = context.get("q")
        title = f"讲话档案：承诺检索“{q}”" if q else "讲话档案：承诺检索"
        feeds.append((title, reverse("feed-commitments") + _listing_query(context)))
    return feeds


@register.simple_tag(takes_context=True)
def feed_links(context) -> str:
    """<link rel="alternate"> for each feed of the page, for feed readers to find."""
    return format_html_join(
        "\n",
        '<link rel="alternate" type="{}" title="{}" href="{}">',
        ((ATOM, title, url) for title, url in feeds_for(context)),
    )


def downloads_for(context) -> list[tuple[str, str]]:
    """(label, url) of each download of what the page shows."""
    name = _url_name(context)
    if name == "speech-detail" and context.get("speech") is not None:
        pk = context["speech"].pk
        return [
            ("纯文本", reverse("speech-txt", args=[pk])),
            ("Markdown", reverse("speech-md", args=[pk])),
            ("JSON", reverse("speech-json", args=[pk])),
        ]
    if name == "speech-list":
        query = _listing_query(context)
        return [
            ("CSV", reverse("export-speeches-csv") + query),
            ("JSON Lines", reverse("export-speeches-jsonl") + query),
        ]
    if name == "commitment-list":
        query = _listing_query(context)
        return [
            ("CSV", reverse("export-commitments-csv") + query),
            ("JSON Lines", reverse("export-commitments-jsonl") + query),
        ]
    if name in ("city-detail", "topic-detail", "year-detail") and context.get("choice"):
        query = f"?{context['choice']}"
        return [
            ("讲话 CSV", reverse("export-speeches-csv") + query),
            ("承诺 CSV", reverse("export-commitments-csv") + query),
        ]
    return []


@register.simple_tag(takes_context=True)
def download_links(context) -> str:
    """A line of download links for the page's data; nothing on a page without any."""
    downloads = downloads_for(context)
    if not downloads:
        return ""
    links = format_html_join(" · ", '<a href="{}">{}</a>', ((url, label) for label, url in downloads))
    return format_html('<p class="downloads">下载数据：{} · <a href="{}">API</a></p>', links, reverse("api-docs"))
