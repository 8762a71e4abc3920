"""The offer of an e-mail alert on the pages whose rows an alert can follow: the commitment search,
the speech list, a place's page and a topic's page. A plain link to /alerts/new/ with the page's
own parameters; the alert page reads them as the page did."""

from __future__ import annotations

from django import template
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import format_html

from ..models import Alert

register = template.Library()

# Parameters that page or order a listing: an alert follows every row, newest first.
_NOT_SEARCH = ("page", "sort", "page_size")


def alert_query(context) -> QueryDict | None:
    """The parameters of the search the page shows, with `search` saying which; None on a page
    that offers no alert."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    name = match.url_name if match else None
    if name == "commitment-list" and not context.get("problem"):
        query = context.get("query") if isinstance(context.get("query"), QueryDict) else request.GET
        query = query.copy()
    elif name == "speech-list":
        query = request.GET.copy()
        query["search"] = Alert.Search.SPEECHES
    elif name in ("city-detail", "topic-detail") and context.get("choice"):
        # A place or a topic is followed by its new speeches, as its feed is.
        query = QueryDict(context["choice"], mutable=True)
        query["search"] = Alert.Search.SPEECHES
    else:
        return None
    for parameter in _NOT_SEARCH:
        query.pop(parameter, None)
    return query


@register.simple_tag(takes_context=True)
def alert_link(context) -> str:
    query = alert_query(context)
    if query is None:
        return ""
    url = reverse("alert-new") + (f"?{query.urlencode()}" if query else "")
    return format_html(
        '<p class="alert-offer"><a href="{}" rel="nofollow">订阅邮件提醒</a>：有新内容时发邮件告诉您</p>', url
    )
