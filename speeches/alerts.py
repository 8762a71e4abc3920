"""E-mail alerts for saved searches: which search an alert follows, its links, its mails, its digests.

An alert follows a commitment search (the search page's `q` and filters) or a speech search (the
speech list's filters, and `q` as the API takes it), read with the same FilterSets and search as
the pages and feeds, so a digest holds what the page would show among the newly imported rows.

Nothing is sent to an address that has not confirmed, except the one mail that asks it to; the
links in the mails are signed (django.core.signing), so no link can be made up for someone else's
address, and no answer of the site says whether an address has alerts.
"""

from __future__ import annotations

import contextlib
import html
import logging
import re
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.db.models.functions import Substr
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString

from .api.rows import commitment_rows, search_terms, speech_rows
from .filters import CommitmentFilter, SpeechFilter
from .importing import IMPORT_LOCK
from .models import Alert, Commitment, Region, Topic
from .search import highlight

logger = logging.getLogger(__name__)

# The parameters each search takes, in the order an alert's query keeps them.
PARAMETERS = {
    Alert.Search.COMMITMENTS: ("q", "province", "city", "topic", "year", "year_min", "year_max", "kind", "strength"),
    Alert.Search.SPEECHES: ("q", "province", "city", "topic", "year", "year_min", "year_max", "has_commitments"),
}
FILTERS = {Alert.Search.COMMITMENTS: CommitmentFilter, Alert.Search.SPEECHES: SpeechFilter}
NOUNS = {Alert.Search.COMMITMENTS: "承诺", Alert.Search.SPEECHES: "讲话"}
COUNTERS = {Alert.Search.COMMITMENTS: "条", Alert.Search.SPEECHES: "篇"}

# How long a confirmation link works; an alert not confirmed by then is forgotten.
CONFIRMATION_MAX_AGE = timedelta(days=3)
# How long the page that says an alert was unsubscribed can bring it back.
UNDO_MAX_AGE = timedelta(days=7)
# Requests for alerts (each sends a mail): per address, so no one can flood someone's mailbox,
# and per client address, so no one can send mail to many addresses. (count, seconds)
REQUESTS_PER_ADDRESS = (5, 3600)
REQUESTS_PER_CLIENT = (20, 3600)
# Rows one digest lists; past that it says how many more and links to the search.
DIGEST_ROWS = 50

_CONFIRM, _UNSUBSCRIBE, _MANAGE, _UNDO = (
    f"speeches.alerts.{name}" for name in ("confirm", "unsubscribe", "manage", "undo")
)


class UnusableSearch(ValueError):
    """A search no alert can follow (a query the search refuses, a place that does not exist); says why."""


# --- the search an alert follows ----------------------------------------------------------------


@dataclass(frozen=True)
class AlertSearch:
    search: str  # an Alert.Search value
    query: str  # normalised, as Alert.query keeps it

    @classmethod
    def of(cls, alert: Alert) -> AlertSearch:
        return cls(alert.search, alert.query)

    @cached_property
    def params(self) -> QueryDict:
        return QueryDict(self.query)

    @property
    def noun(self) -> str:
        return NOUNS[self.search]

    @property
    def counter(self) -> str:
        return COUNTERS[self.search]

    def describe(self) -> str:
        """The search in words: 承诺中含“乡村振兴”，湖南省，2020–2024年."""
        params = self.params
        q = params.get("q")
        parts = [f"{self.noun}中含“{q}”" if q else f"全部{self.noun}" if not params else self.noun]
        names = {region.code: region.name for region in Region.objects.filter(code__in=_codes(params))}
        parts += [names.get(params[name], params[name]) for name in ("province", "city") if name in params]
        if "topic" in params:
            topic = Topic.objects.filter(slug=params["topic"]).first()
            parts.append(f"主题：{topic.name if topic else params['topic']}")
        parts += [_years(params)] if {"year", "year_min", "year_max"} & set(params) else []
        if "kind" in params:
            parts.append(f"类型：{Commitment.Kind(params['kind']).label}")
        if "strength" in params:
            parts.append(f"约束程度：{Commitment.Strength(params['strength']).label}")
        if "has_commitments" in params:
            parts.append("有承诺" if params["has_commitments"] == "true" else "无承诺")
        return "，".join(parts)

    def results_path(self) -> str | None:
        """The page that lists the search's results (the speech list reads no `q`: none for that)."""
        if self.search == Alert.Search.SPEECHES and "q" in self.params:
            return None
        page = reverse("commitment-list" if self.search == Alert.Search.COMMITMENTS else "speech-list")
        return f"{page}?{self.query}" if self.query else page

    def new_rows(self, since: datetime, until: datetime):
        """The rows of speeches imported after `since`, up to `until`, in the order they came;
        each with `snippet` (its match marked) when the search has a `q`."""
        _, parsed = search_terms(self.params.get("q"))
        if self.search == Alert.Search.COMMITMENTS:
            rows = CommitmentFilter(self.params, queryset=commitment_rows(parsed)).qs
            window = {"speech__imported_at__gt": since, "speech__imported_at__lte": until}
            rows = rows.select_related("speech__county").filter(**window)
            return rows.order_by("speech__imported_at", "speech_id", "position")
        rows = SpeechFilter(self.params, queryset=speech_rows(parsed)).qs
        if parsed is None:
            rows = rows.annotate(opening=Substr("text", 1, 300))
        return rows.filter(imported_at__gt=since, imported_at__lte=until).order_by("imported_at", "pk")


def read_search(data: QueryDict | dict) -> AlertSearch:
    """The search named by a page's query parameters (`search` says which; commitments by default),
    normalised: the parameters the search takes, values the page would ignore left out, as the
    page leaves them out. Raises UnusableSearch for one that could never find anything."""
    search = data.get("search") or Alert.Search.COMMITMENTS
    if search not in PARAMETERS:
        raise UnusableSearch("无法订阅这种检索。")
    names = PARAMETERS[search]
    raw = {name: str(data.get(name)) for name in names if data.get(name) not in (None, "")}
    q, parsed = search_terms(raw.pop("q", None))
    if parsed is not None and (not parsed or parsed.problem):
        raise UnusableSearch(parsed.problem or "这个关键词无法检索。")
    form = FILTERS[search](raw).form
    form.is_valid()
    values = {"q": q} if q else {}
    for name in names[1:]:
        value = form.cleaned_data.get(name)
        if value in (None, ""):
            continue
        values[name] = ("true" if value else "false") if isinstance(value, bool) else str(value)
    _check_exists(values)
    return AlertSearch(search, urlencode(values))


def _codes(params) -> list[str]:
    return [params[name] for name in ("province", "city") if name in params]


def _check_exists(values: dict[str, str]) -> None:
    # A page answers an unknown place or topic with no rows; an alert on it would never send.
    codes = _codes(values)
    if codes and Region.objects.filter(code__in=codes).count() < len(set(codes)):
        raise UnusableSearch("没有这个地区：请从城市或省份页面订阅。")
    if "topic" in values and not Topic.objects.filter(slug=values["topic"]).exists():
        raise UnusableSearch("没有这个主题：请从主题页面订阅。")
    first, last = values.get("year_min"), values.get("year_max")
    if first and last and int(first) > int(last):
        raise UnusableSearch("起始年份晚于截止年份。")


def _years(params) -> str:
    if "year" in params:
        return f"{params['year']}年"
    first, last = params.get("year_min"), params.get("year_max")
    if first and last:
        return f"{first}年" if first == last else f"{first}–{last}年"
    return f"{first}年起" if first else f"{last}年以前"


# --- signed links -------------------------------------------------------------------------------


def absolute_url(path: str) -> str:
    return settings.SPEECHES_SITE_URL.rstrip("/") + path


def confirmation_token(alert: Alert, frequency: str) -> str:
    return signing.dumps([alert.pk, frequency], salt=_CONFIRM)


def unsubscribe_token(alert: Alert) -> str:
    # The address is signed too: an id alone could one day name another alert.
    return signing.dumps([alert.pk, alert.email], salt=_UNSUBSCRIBE)


def manage_token(email: str) -> str:
    return signing.dumps(email, salt=_MANAGE)


def confirmation_url(alert: Alert, frequency: str) -> str:
    return absolute_url(reverse("alert-confirm", args=[confirmation_token(alert, frequency)]))


def unsubscribe_url(alert: Alert) -> str:
    return absolute_url(reverse("alert-unsubscribe", args=[unsubscribe_token(alert)]))


def manage_url(email: str) -> str:
    return absolute_url(reverse("alert-manage", args=[manage_token(email)]))


def read_confirmation(token: str) -> tuple[Alert | None, str]:
    """The alert a confirmation link confirms (None if it was unsubscribed since) and the frequency
    it asks for. Raises signing.SignatureExpired past CONFIRMATION_MAX_AGE, signing.BadSignature
    for a link the archive did not make."""
    pk, frequency = signing.loads(token, salt=_CONFIRM, max_age=CONFIRMATION_MAX_AGE)
    if frequency not in Alert.Frequency.values:
        raise signing.BadSignature("unknown frequency")
    return Alert.objects.filter(pk=pk).first(), frequency


def read_unsubscribe(token: str) -> tuple[int, str]:
    """The alert id and address an unsubscribe link names; it does not expire (RFC 8058 links live
    as long as the mail). Raises signing.BadSignature."""
    pk, email = signing.loads(token, salt=_UNSUBSCRIBE)
    return int(pk), str(email)


def read_manage(token: str) -> str:
    return str(signing.loads(token, salt=_MANAGE))


# --- asking for an alert ------------------------------------------------------------------------


def _count(kind: str, who: str, limit: tuple[int, int]) -> bool:
    """One more request of `who` in the current window; False once past the limit. The key is a
    keyed hash: the cache holds no address."""
    count, seconds = limit
    key = f"alerts:{kind}:{salted_hmac(_CONFIRM, who).hexdigest()}"
    cache.add(key, 0, timeout=seconds)
    try:
        return cache.incr(key) <= count
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=seconds)
        return True


def allow_request(email: str, client: str | None) -> bool:
    """Whether this client may ask for another alert for this address now (each ask counts)."""
    if not _count("client", client or "unknown", REQUESTS_PER_CLIENT):
        return False
    return _count("address", Alert.normalize_email(email), REQUESTS_PER_ADDRESS)


def request_alert(email: str, alert_search: AlertSearch, frequency: str) -> None:
    """Keep the alert unconfirmed (or as it is, if the address has it already) and mail the address
    a link that confirms it at `frequency`. The same for an address new or known, so that what the
    asker sees says nothing of which it is. Raises OSError or SMTPException if the mail cannot go."""
    alert, created = Alert.objects.get_or_create(
        email=Alert.normalize_email(email),
        search=alert_search.search,
        query=alert_search.query,
        defaults={"frequency": frequency},
    )
    if not created and alert.confirmed_at is None:
        # Kept as long as its newest confirmation link works.
        Alert.objects.filter(pk=alert.pk).update(created_at=timezone.now())
    context = {
        "description": alert_search.describe(),
        "frequency": Alert.Frequency(frequency).label,
        "confirm_url": confirmation_url(alert, frequency),
        "days": CONFIRMATION_MAX_AGE.days,
        "unsubscribe_url": unsubscribe_url(alert),
        "manage_url": manage_url(alert.email),
    }
    _message("讲话档案：请确认您的邮件提醒", "alert_confirmation", context, alert).send()


def forget_unconfirmed(now: datetime) -> int:
    """Alerts whose confirmation link has expired: their address is kept no longer."""
    return Alert.objects.unconfirmed().filter(created_at__lt=now - CONFIRMATION_MAX_AGE).delete()[0]


def unsubscribe(pk: int, email: str) -> str | None:
    """Remove the alert; a token that brings it back, None if there was none (already removed)."""
    alert = Alert.objects.filter(pk=pk, email=email).first()
    if alert is None:
        return None
    alert.delete()
    kept = {
        "email": alert.email,
        "search": alert.search,
        "query": alert.query,
        "frequency": alert.frequency,
        "confirmed_at": alert.confirmed_at.isoformat() if alert.confirmed_at else None,
        "served_until": alert.served_until.isoformat() if alert.served_until else None,
    }
    return signing.dumps(kept, salt=_UNDO, compress=True)


def undo_unsubscribe(token: str, email: str) -> Alert:
    """Bring back an alert of `email` just unsubscribed, as it was. Raises signing.BadSignature
    (or SignatureExpired), also for a token of another address."""
    kept = signing.loads(token, salt=_UNDO, max_age=UNDO_MAX_AGE)
    if kept["email"] != email:
        raise signing.BadSignature("another address")
    moments = {
        name: datetime.fromisoformat(kept[name]) if kept[name] else None for name in ("confirmed_at", "served_until")
    }
    alert, _ = Alert.objects.update_or_create(
        email=kept["email"],
        search=kept["search"],
        query=kept["query"],
        defaults={"frequency": kept["frequency"], **moments},
    )
    return alert


# --- mails --------------------------------------------------------------------------------------


def _message(subject: str, template: str, context: dict, alert: Alert, connection=None) -> EmailMultiAlternatives:
    """A mail in plain text and HTML, with the one-click unsubscribe of RFC 8058 in its headers."""
    context = {**context, "site_url": absolute_url(reverse("home"))}
    message = EmailMultiAlternatives(
        subject,
        render_to_string(f"email/{template}.txt", context),
        to=[alert.email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # No out-of-office replies to a machine's mail.
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(render_to_string(f"email/{template}.html", context), "text/html")
    return message


@dataclass
class DigestEntry:
    title: SafeString  # a speech's, escaped, its match marked for a search with `q`; empty for a commitment
    match: SafeString  # the highlighted match (or the opening), escaped HTML with <mark>
    source: str
    url: str

    @property
    def match_text(self) -> str:
        """The match for the plain-text mail: 【marked】, unescaped."""
        return _plain(self.match)

    @property
    def title_text(self) -> str:
        return _plain(self.title)


def _plain(marked: str) -> str:
    return html.unescape(strip_tags(re.sub(r"</?mark>", lambda m: "】" if m[0][1] == "/" else "【", marked)))


def _place(speech) -> str:
    regions = (speech.province, speech.city, speech.county)
    return " ".join(dict.fromkeys(region.name for region in regions if region is not None))


def _facts(*facts: str) -> str:
    return " · ".join(fact for fact in facts if fact)


def _entry(row, search: str) -> DigestEntry:
    if search == Alert.Search.COMMITMENTS:
        speech = row.speech
        match = getattr(row, "snippet", None) or highlight(row.text, row.text, ())
        url = absolute_url(f"{reverse('speech-detail', args=[row.speech_id])}#c-{row.pk}")
        year = f"{speech.year}年" if speech.year else ""
        return DigestEntry(SafeString(""), match, _facts(speech.title, _place(speech), year), url)
    opening = getattr(row, "opening", None)
    match = getattr(row, "snippet", None) or highlight(opening or "", opening or "", ())
    title = getattr(row, "title_snippet", None) or escape(row.title)
    year = f"{row.year}年" if row.year else ""
    counted = f"{row.commitment_count}条承诺" if row.commitment_count else ""
    return DigestEntry(
        title, match, _facts(_place(row), year, row.speaker, counted), absolute_url(row.get_absolute_url())
    )


def digest_message(alert: Alert, since: datetime, until: datetime, connection=None) -> EmailMultiAlternatives | None:
    """The digest of what `alert` finds among the speeches imported after `since` up to `until`;
    None when there is nothing new."""
    alert_search = AlertSearch.of(alert)
    rows = alert_search.new_rows(since, until)
    entries = [_entry(row, alert.search) for row in rows[:DIGEST_ROWS]]
    if not entries:
        return None
    total = len(entries) if len(entries) < DIGEST_ROWS else rows.count()
    results = alert_search.results_path()
    description = alert_search.describe()
    context = {
        "description": description,
        "entries": entries,
        "total": total,
        "more": total - len(entries),
        "noun": alert_search.noun,
        "counter": alert_search.counter,
        "frequency": alert.get_frequency_display(),
        "results_url": absolute_url(results) if results else None,
        "unsubscribe_url": unsubscribe_url(alert),
        "manage_url": manage_url(alert.email),
    }
    subject = f"讲话档案：{total}{alert_search.counter}新{alert_search.noun}（{description}）"
    return _message(subject, "alert_digest", context, alert, connection)


def _settled_now() -> datetime:
    """Now, once every import already writing has committed. A speech is stamped when written but
    seen only at commit; waiting for the import's lock (PostgreSQL's advisory lock, SQLite's write
    lock) means no speech stamped before this moment can appear after it and be missed."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
        # SQLite's IMMEDIATE transactions take the write lock as the block begins.
        return timezone.now()


def send_due_alerts(now: datetime | None = None, everything: bool = False) -> int:
    """Send each confirmed alert whose digest is due (`everything`: each one, due or not) what was
    imported since it was last served; returns how many mails went. An alert with nothing new
    sends nothing. Safe to run twice at once: each alert's window is claimed before it is sent."""
    now = now or _settled_now()
    forget_unconfirmed(now)
    alerts = Alert.objects.pending(now) if everything else Alert.objects.due(now)
    sent = 0
    # One SMTP connection for the whole run, opened with the first digest (none: not opened).
    mail = get_connection()
    try:
        # Read first: the loop writes to the same table (SQLite would see its own writes mid-read).
        for alert in list(alerts):
            since = alert.served_until
            if not Alert.objects.filter(pk=alert.pk, served_until=since).update(served_until=now):
                continue  # another sender has it
            message = digest_message(alert, since, now, mail)
            if message is None:
                continue
            try:
                mail.open()
                message.send()
            except (OSError, smtplib.SMTPException):
                # The window goes back, so the next run sends these rows again.
                Alert.objects.filter(pk=alert.pk, served_until=now).update(served_until=since)
                logger.exception("digest of alert %s not sent", alert.pk)
                with contextlib.suppress(OSError, smtplib.SMTPException):
                    mail.close()  # the next digest opens a fresh connection
                continue
            sent += 1
    finally:
        mail.close()
    return sent
