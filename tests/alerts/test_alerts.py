"""An alert from the reader's side: asked for on a search, confirmed from the mail, served a digest
of what is imported, unsubscribed with one click; and nothing sent to anyone who did not confirm."""

from __future__ import annotations

import io
import time
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.core import signing
from django.core.management import call_command
from django.utils import timezone

from speeches import alerts
from speeches.models import Alert, Commitment

from .conftest import SITE_URL, html_part, import_report, link

pytestmark = pytest.mark.django_db

SEARCH = {"q": "乡村振兴", "province": "430000", "year_min": "2020", "year_max": "2024"}
NEW = "/alerts/new/?" + urlencode(SEARCH)


def subscribe(client, email: str = "reader@example.org", url: str = NEW, frequency: str = "daily"):
    return client.post(url, {"email": email, "frequency": frequency})


def confirm(client, mail) -> None:
    path = link(mail, "/alerts/confirm/")
    page = client.get(path)
    assert page.status_code == 200 and "确认订阅" in page.text
    assert client.post(path).status_code == 200


def send_now() -> None:
    out = io.StringIO()
    call_command("send_alerts", "--now", stdout=out)
    assert out.getvalue().endswith("sent\n")


def test_subscribe_confirm_digest_unsubscribe(client, mailoutbox):
    page = client.get(NEW)
    assert page.status_code == 200
    assert "承诺中含“乡村振兴”，湖南省，2020–2024年" in page.text
    assert 'name="email"' in page.text

    answer = subscribe(client, "Reader@Example.org")
    assert answer.status_code == 200 and "请查收确认邮件" in answer.text
    [confirmation] = mailoutbox
    assert confirmation.to == ["reader@example.org"]
    assert "请确认" in confirmation.subject
    assert "承诺中含“乡村振兴”，湖南省，2020–2024年" in confirmation.body
    assert "/alerts/confirm/" in html_part(confirmation)
    assert confirmation.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Before the address confirms, an import sends nothing.
    import_report(2023, acres=280)
    send_now()
    assert len(mailoutbox) == 1

    confirm(client, confirmation)
    alert = Alert.objects.get()
    assert alert.confirmed_at is not None and alert.frequency == "daily"
    send_now()
    assert len(mailoutbox) == 1, "what was imported before the confirmation is not news"

    speech = import_report(2024)
    send_now()
    assert len(mailoutbox) == 2
    digest = mailoutbox[1]
    pledge = Commitment.objects.get(speech=speech, text__contains="乡村振兴")
    assert digest.to == ["reader@example.org"]
    assert "1条新承诺" in digest.subject and "乡村振兴" in digest.subject
    assert "要全面推进【乡村振兴】，确保粮食播种面积稳定在300万亩以上" in digest.body
    assert "<mark>乡村振兴</mark>" in html_part(digest)
    assert "增长7%" not in digest.body, "only the commitments the search finds"
    # Every link of the digest is absolute and works.
    commitment_path = link(digest, f"/speeches/{speech.pk}/")
    assert commitment_path.endswith(f"#c-{pledge.pk}")
    assert f'id="c-{pledge.pk}"' in client.get(commitment_path).text
    results = client.get(link(digest, "/commitments/"))
    assert results.status_code == 200 and f"#c-{pledge.pk}" in results.text
    manage = client.get(link(digest, "/alerts/manage/"))
    assert manage.status_code == 200 and "承诺中含“乡村振兴”，湖南省，2020–2024年" in manage.text
    header = digest.extra_headers["List-Unsubscribe"]
    assert header.startswith(f"<{SITE_URL}/alerts/unsubscribe/") and header.endswith(">")
    assert header[1:-1].removeprefix(SITE_URL) == link(digest, "/alerts/unsubscribe/")

    # Sent once: the next run has nothing new.
    send_now()
    assert len(mailoutbox) == 2

    # RFC 8058: the mail program POSTs to the header's address.
    one_click = client.post(header[1:-1].removeprefix(SITE_URL), {"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    assert not Alert.objects.exists()
    import_report(2024, acres=320)
    send_now()
    assert len(mailoutbox) == 2


def test_the_unsubscribe_link_unsubscribes_and_can_be_undone(client, mailoutbox):
    subscribe(client)
    confirm(client, mailoutbox[0])
    page = client.get(link(mailoutbox[0], "/alerts/unsubscribe/"))
    assert page.status_code == 200 and "已退订" in page.text and "撤销退订" in page.text
    assert not Alert.objects.exists()
    # Following it again (a second click, a mail scanner) changes nothing and fails nothing.
    assert client.get(link(mailoutbox[0], "/alerts/unsubscribe/")).status_code == 200

    undo = page.text.split('name="undo" value="')[1].split('"')[0]
    manage = link(mailoutbox[0], "/alerts/manage/")
    assert f'action="{manage}"' in page.text
    restored = client.post(manage, {"undo": undo})
    assert restored.status_code == 302 and "已恢复" in client.get(restored["Location"]).text
    assert Alert.objects.confirmed().count() == 1
    # Only on the page of the address it was unsubscribed from.
    Alert.objects.all().delete()
    other = alerts.manage_token("someone.else@example.org")
    assert client.post(f"/alerts/manage/{other}/", {"undo": undo}).status_code == 400
    client.post(manage, {"undo": undo})
    import_report(2024)
    send_now()
    assert len(mailoutbox) == 2 and "乡村振兴" in mailoutbox[1].body


def test_the_manage_page_lists_the_address_alerts_and_unsubscribes_one(client, mailoutbox):
    subscribe(client)
    subscribe(client, url="/alerts/new/?search=speeches&city=430300", frequency="weekly")
    subscribe(client, "someone.else@example.org")
    for mail in mailoutbox:
        confirm(client, mail)
    manage = link(mailoutbox[0], "/alerts/manage/")
    page = client.get(manage)
    assert "承诺中含“乡村振兴”，湖南省，2020–2024年" in page.text and "湘潭市" in page.text
    assert "每周" in page.text and "someone.else" not in page.text
    mine = Alert.objects.of_address("reader@example.org")
    first, second = mine
    other = Alert.objects.of_address("someone.else@example.org").get()
    # Another address's alert cannot be removed from this page.
    client.post(manage, {"alert": other.pk})
    answer = client.post(manage, {"alert": first.pk})
    assert answer.status_code == 302
    assert list(Alert.objects.all()) == [second, other]
    assert "已退订" in client.get(answer["Location"]).text


def test_an_unconfirmed_alert_receives_nothing_and_is_forgotten(client, mailoutbox):
    subscribe(client)
    import_report(2024)
    send_now()
    assert len(mailoutbox) == 1
    Alert.objects.update(created_at=timezone.now() - timedelta(days=4))
    send_now()
    assert not Alert.objects.exists(), "an address that never confirmed is not kept"


def test_asking_again_keeps_an_unconfirmed_alert_as_long_as_the_new_link(client, mailoutbox):
    subscribe(client)
    Alert.objects.update(created_at=timezone.now() - timedelta(days=4))
    subscribe(client)
    send_now()
    confirm(client, mailoutbox[1])
    assert Alert.objects.confirmed().count() == 1


def test_an_expired_confirmation_link_confirms_nothing(client, mailoutbox, monkeypatch):
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() - 4 * 24 * 3600)
    subscribe(client)
    monkeypatch.setattr(time, "time", real_time)
    path = link(mailoutbox[0], "/alerts/confirm/")
    for answer in (client.get(path), client.post(path)):
        assert answer.status_code == 410 and "已过期" in answer.text
    assert Alert.objects.confirmed().count() == 0
    import_report(2024)
    send_now()
    assert len(mailoutbox) == 1


def test_no_answer_says_whether_an_address_is_subscribed(client, mailoutbox):
    subscribe(client, "known@example.org")
    confirm(client, mailoutbox[0])
    subscribe(client, "waiting@example.org")
    answers = [subscribe(client, email) for email in ("known@example.org", "waiting@example.org", "new@example.org")]
    assert {answer.status_code for answer in answers} == {200}
    assert answers[0].content == answers[1].content == answers[2].content
    headers = [{name: value for name, value in answer.items() if name != "X-Request-ID"} for answer in answers]
    assert headers[0] == headers[1] == headers[2]
    assert not any(answer.cookies for answer in answers)
    # Each address is told by mail, the subscribed one too; confirming again keeps its place.
    assert [mail.to for mail in mailoutbox[2:]] == [["known@example.org"], ["waiting@example.org"], ["new@example.org"]]
    known = Alert.objects.of_address("known@example.org").get()
    confirm(client, mailoutbox[2])
    assert Alert.objects.get(pk=known.pk).served_until == known.served_until


def test_confirming_again_can_change_the_frequency(client, mailoutbox):
    subscribe(client)
    confirm(client, mailoutbox[0])
    subscribe(client, frequency="weekly")
    assert Alert.objects.get().frequency == "daily", "asking changes nothing until the address confirms"
    confirm(client, mailoutbox[1])
    assert Alert.objects.get().frequency == "weekly"


def test_links_the_archive_did_not_make_are_refused(client):
    for path in (
        "/alerts/confirm/abc/",
        "/alerts/unsubscribe/abc:def/",
        "/alerts/manage/" + signing.dumps("reader@example.org", salt="elsewhere") + "/",
        "/alerts/confirm/" + signing.dumps([1, "hourly"], salt="speeches.alerts.confirm") + "/",
    ):
        assert client.get(path).status_code == 400, path
    manage = "/alerts/manage/" + alerts.manage_token("reader@example.org") + "/"
    assert client.post(manage, {"undo": "nonsense"}).status_code == 400


def test_a_confirmation_link_of_an_alert_since_removed(client, mailoutbox):
    subscribe(client)
    Alert.objects.all().delete()
    assert client.get(link(mailoutbox[0], "/alerts/confirm/")).status_code == 404


def test_digests_are_due_daily_or_weekly_by_the_calendar(client, mailoutbox):
    subscribe(client)
    subscribe(client, "weekly@example.org", frequency="weekly")
    for mail in mailoutbox:
        confirm(client, mail)
    # Served up to a Wednesday evening in the archive's time zone.
    wednesday = timezone.make_aware(timezone.datetime(2026, 12, 2, 21, 0))
    Alert.objects.update(served_until=wednesday)
    thursday_early = wednesday + timedelta(hours=4)  # 01:00 the next day
    assert {a.email for a in Alert.objects.due(wednesday + timedelta(hours=2))} == set()
    assert {a.email for a in Alert.objects.due(thursday_early)} == {"reader@example.org"}
    assert {a.email for a in Alert.objects.due(wednesday + timedelta(days=5))} == {
        "reader@example.org",
        "weekly@example.org",
    }


def test_send_alerts_without_now_sends_only_what_is_due(client, mailoutbox):
    subscribe(client)
    subscribe(client, "weekly@example.org", frequency="weekly")
    for mail in mailoutbox:
        confirm(client, mail)
    # The daily one last served more than a day ago is due; the weekly one served just now is not.
    Alert.objects.filter(frequency="daily").update(served_until=timezone.now() - timedelta(days=1, hours=1))
    Alert.objects.filter(frequency="weekly").update(served_until=timezone.now())
    import_report(2024)
    assert alerts.send_due_alerts() == 1
    assert [mail.to for mail in mailoutbox[2:]] == [["reader@example.org"]]
    assert alerts.send_due_alerts() == 0


def test_a_place_page_alert_sends_the_new_speeches(client, mailoutbox):
    page = client.get("/cities/430300/")
    assert "/alerts/new/?city=430300&amp;search=speeches" in page.text
    subscribe(client, url="/alerts/new/?city=430300&search=speeches")
    confirm(client, mailoutbox[0])
    speech = import_report(2024)
    send_now()
    digest = mailoutbox[1]
    assert "1篇新讲话" in digest.subject and "湘潭市" in digest.subject
    assert speech.title in digest.body and "2条承诺" in digest.body
    assert client.get(link(digest, f"/speeches/{speech.pk}/")).status_code == 200
    assert client.get(link(digest, "/speeches/")).status_code == 200


def test_a_speech_search_with_words_marks_them_in_the_digest(client, mailoutbox):
    subscribe(client, url="/alerts/new/?search=speeches&q=播种面积")
    confirm(client, mailoutbox[0])
    import_report(2024)
    send_now()
    digest = mailoutbox[1]
    assert "讲话中含“播种面积”" in digest.body and "【播种面积】" in digest.body
    assert "<mark>播种面积</mark>" in html_part(digest)


def test_a_digest_lists_a_bounded_number_and_says_how_many_more(client, mailoutbox, monkeypatch):
    monkeypatch.setattr(alerts, "DIGEST_ROWS", 2)
    subscribe(client, url="/alerts/new/?q=乡村振兴")
    confirm(client, mailoutbox[0])
    for acres in (300, 310, 320):
        import_report(2024, acres=acres)
    send_now()
    digest = mailoutbox[1]
    assert "3条新承诺" in digest.subject and "另有 1 条未列出" in digest.body
    assert digest.body.count("【乡村振兴】") == 2


def test_every_search_page_offers_an_alert(client):
    import_report(2024)
    for page, expected in (
        (
            "/commitments/?q=乡村振兴&kind=target&page=1",
            "/alerts/new/?q=%E4%B9%A1%E6%9D%91%E6%8C%AF%E5%85%B4&amp;kind=target",
        ),
        ("/speeches/?province=430000&sort=title", "/alerts/new/?province=430000&amp;search=speeches"),
        ("/topics/agriculture/", "/alerts/new/?topic=agriculture&amp;search=speeches"),
        ("/cities/430000/", "/alerts/new/?province=430000&amp;search=speeches"),
    ):
        text = client.get(page).text
        assert "订阅邮件提醒" in text and expected in text, page
        offered = text.split('class="alert-offer"><a href="')[1].split('"')[0].replace("&amp;", "&")
        assert client.get(offered).status_code == 200, offered
    # Crawlers following the offers from every page would only find forms.
    assert "Disallow: /alerts/" in client.get("/robots.txt").text


def test_the_alert_page_describes_each_filter():
    cases = {
        "": "全部承诺",
        "search=speeches": "全部讲话",
        "city=430300&year=2024&kind=target&strength=binding": "承诺，湘潭市，2024年，类型：目标，约束程度：约束性",
        "search=speeches&topic=agriculture&year_min=2021&has_commitments=true": "讲话，主题：农业农村，2021年起，有承诺",
        "year_max=2019&q=长沙": "承诺中含“长沙”，2019年以前",
        # What the page ignores the alert ignores too: a malformed year, a parameter it has not.
        "q=乡村振兴&year=abc&sort=title&kind=nonsense": "承诺中含“乡村振兴”",
    }
    from django.http import QueryDict

    for query, words in cases.items():
        assert alerts.read_search(QueryDict(query)).describe() == words, query


def test_the_same_search_asked_differently_is_one_alert(client, mailoutbox):
    subscribe(client, url="/alerts/new/?year_max=2024&q=+乡村振兴+&province=430000&page=3&year_min=2020")
    subscribe(client, " READER@example.org ")
    assert Alert.objects.count() == 1
    assert Alert.objects.get().query == urlencode(SEARCH)
