"""Mail through a real SMTP server on this machine (aiosmtpd), with Django's SMTP backend: what a
mail program receives, and what happens when no server answers."""

from __future__ import annotations

import email
import socket
from email.header import decode_header, make_header
from email.policy import default

import pytest
from aiosmtpd.controller import Controller

from speeches import alerts
from speeches.models import Alert

from .conftest import SITE_URL, import_report

pytestmark = pytest.mark.django_db


class Mailbox:
    """An aiosmtpd handler keeping what it is given."""

    def __init__(self):
        self.received: list[tuple[str, list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=default)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "讲话档案 <alerts@archive.test>"
    yield mailbox
    controller.stop()


def text_and_html(message) -> tuple[str, str]:
    return (
        message.get_body(("plain",)).get_content(),
        message.get_body(("html",)).get_content(),
    )


def test_confirmation_and_digest_arrive_through_smtp(client, smtp_server):
    answer = client.post("/alerts/new/?q=乡村振兴", {"email": "reader@example.org", "frequency": "weekly"})
    assert answer.status_code == 200
    [(sender, recipients, confirmation)] = smtp_server.received
    assert sender == "alerts@archive.test" and recipients == ["reader@example.org"]
    assert str(make_header(decode_header(confirmation["Subject"]))) == "讲话档案：请确认您的邮件提醒"
    assert "讲话档案" in str(make_header(decode_header(confirmation["From"])))
    assert confirmation["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = text_and_html(confirmation)
    assert "承诺中含“乡村振兴”" in text and "每周" in text
    confirm = next(line for line in text.splitlines() if "/alerts/confirm/" in line).strip()
    assert f'href="{confirm}"' in html
    assert client.post(confirm.removeprefix(SITE_URL)).status_code == 200

    import_report(2024)
    assert alerts.send_due_alerts(everything=True) == 1
    digest = smtp_server.received[1][2]
    assert "1条新承诺" in str(make_header(decode_header(digest["Subject"])))
    text, html = text_and_html(digest)
    assert "【乡村振兴】" in text and "<mark>乡村振兴</mark>" in html
    unsubscribe = str(digest["List-Unsubscribe"]).strip().strip("<>")
    assert unsubscribe in text
    # The one-click POST a mail program makes.
    assert client.post(unsubscribe.removeprefix(SITE_URL), {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not Alert.objects.exists()


def test_a_mail_server_that_does_not_answer(client, settings, mailoutbox):
    subscribed = client.post("/alerts/new/?q=乡村振兴", {"email": "reader@example.org", "frequency": "daily"})
    client.post(
        next(line for line in mailoutbox[0].body.splitlines() if "/alerts/confirm/" in line).strip()[len(SITE_URL) :]
    )
    assert subscribed.status_code == 200 and Alert.objects.confirmed().count() == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 5
    answer = client.post("/alerts/new/?q=扩大内需", {"email": "reader@example.org", "frequency": "daily"})
    assert answer.status_code == 503 and "暂时无法发出" in answer.text

    import_report(2024)
    served = Alert.objects.confirmed().get().served_until
    assert alerts.send_due_alerts(everything=True) == 0
    assert Alert.objects.confirmed().get().served_until == served, "the digest is sent by a later run"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert alerts.send_due_alerts(everything=True) == 1
    assert "【乡村振兴】" in mailoutbox[-1].body
