"""The pages of e-mail alerts: ask for one, confirm it, unsubscribe (one click), manage an address's.

Every answer to someone asking for an alert is the same whatever the address: the page never says
whether it is subscribed; only a mail to the address does. The other pages are reached by the
signed links of those mails. The work is in speeches/alerts.py.
"""

from __future__ import annotations

import logging
import smtplib

from django import forms
from django.core import signing
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from archive.auth import client_address

from . import alerts
from .models import Alert

logger = logging.getLogger(__name__)


class AlertForm(forms.Form):
    email = forms.EmailField(label="邮箱地址", max_length=254)
    frequency = forms.ChoiceField(
        label="多久一封", choices=Alert.Frequency.choices, initial=Alert.Frequency.DAILY, widget=forms.RadioSelect
    )


def _problem(request, message: str, status: int):
    return render(request, "alerts/problem.html", {"message": message}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def alert_new(request):
    """alerts/new.html: the search in words and the form; alerts/requested.html once asked."""
    try:
        alert_search = alerts.read_search(request.GET)
    except alerts.UnusableSearch as error:
        return _problem(request, f"无法订阅：{error}", 400)
    form = AlertForm(request.POST if request.method == "POST" else None)
    context = {"form": form, "description": alert_search.describe(), "results_url": alert_search.results_path()}
    if not form.is_valid():
        return render(request, "alerts/new.html", context)
    email, frequency = form.cleaned_data["email"], form.cleaned_data["frequency"]
    if not alerts.allow_request(email, client_address(request)):
        context["refusal"] = "订阅请求过于频繁，请一小时后再试。"
        return render(request, "alerts/new.html", context, status=429)
    try:
        alerts.request_alert(email, alert_search, frequency)
    except (OSError, smtplib.SMTPException):
        logger.exception("confirmation mail not sent")
        context["refusal"] = "确认邮件暂时无法发出，请稍后再试。"
        return render(request, "alerts/new.html", context, status=503)
    return render(request, "alerts/requested.html", {"days": alerts.CONFIRMATION_MAX_AGE.days})


@require_http_methods(["GET", "HEAD", "POST"])
def alert_confirm(request, token: str):
    """alerts/confirm.html: what the link confirms and a button (a mail scanner following the link
    confirms nothing); posted, the alert is confirmed."""
    try:
        alert, frequency = alerts.read_confirmation(token)
    except signing.SignatureExpired:
        return _problem(request, "确认链接已过期，请重新订阅。", 410)
    except signing.BadSignature:
        return _problem(request, "确认链接无效。", 400)
    if alert is None:
        return _problem(request, "这条提醒已退订，请重新订阅。", 404)
    confirmed = request.method == "POST"
    if confirmed:
        alert.confirm(frequency)
    alert_search = alerts.AlertSearch.of(alert)
    context = {
        "description": alert_search.describe(),
        "frequency": Alert.Frequency(frequency).label,
        "confirmed": confirmed,
        "results_url": alert_search.results_path(),
        "manage_path": _manage_path(alert.email),
    }
    return render(request, "alerts/confirm.html", context)


def _manage_path(email: str) -> str:
    return reverse("alert-manage", args=[alerts.manage_token(email)])


@csrf_exempt  # RFC 8058: mail programs POST "List-Unsubscribe=One-Click" with no page, no cookie
@require_http_methods(["GET", "HEAD", "POST"])
def alert_unsubscribe(request, token: str):
    """alerts/unsubscribed.html: the link of every mail; following it (or posting to it) removes
    the alert at once, and the page offers to bring it back."""
    try:
        pk, email = alerts.read_unsubscribe(token)
    except signing.BadSignature:
        return _problem(request, "退订链接无效。", 400)
    undo = None if request.method == "HEAD" else alerts.unsubscribe(pk, email)
    return render(request, "alerts/unsubscribed.html", {"undo": undo, "manage_path": _manage_path(email)})


@require_http_methods(["GET", "HEAD", "POST"])
def alert_manage(request, token: str):
    """alerts/manage.html: every alert of the address, each with a button that unsubscribes it;
    an alert just unsubscribed is brought back here too."""
    try:
        email = alerts.read_manage(token)
    except signing.BadSignature:
        return _problem(request, "管理链接无效。", 400)
    if request.method == "POST" and "undo" in request.POST:
        try:
            alerts.undo_unsubscribe(request.POST["undo"], email)
        except signing.SignatureExpired:
            return _problem(request, "恢复的期限已过，请重新订阅。", 410)
        except signing.BadSignature:
            return _problem(request, "恢复链接无效。", 400)
        return redirect(f"{request.path}?done=restored")
    if request.method == "POST":
        chosen = request.POST.get("alert", "")
        if chosen.isdigit():
            Alert.objects.of_address(email).filter(pk=int(chosen)).delete()
        return redirect(f"{request.path}?done=removed")
    rows = [
        {"alert": alert, "description": search.describe(), "results_url": search.results_path()}
        for alert, search in ((alert, alerts.AlertSearch.of(alert)) for alert in Alert.objects.of_address(email))
    ]
    done = {"removed": "已退订。", "restored": "已恢复。"}.get(request.GET.get("done", ""))
    return render(request, "alerts/manage.html", {"email": email, "rows": rows, "done": done})
