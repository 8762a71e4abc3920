"""What someone other than the address's owner can do with the alert pages: ask for mail to be sent
a limited number of times, and send anything at all without making the server fail."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from speeches import alerts
from speeches.models import Alert

pytestmark = pytest.mark.django_db

NEW = "/alerts/new/?q=乡村振兴"


def ask(client, email: str, address: str = "203.0.113.7"):
    return client.post(NEW, {"email": email, "frequency": "daily"}, REMOTE_ADDR=address)


def test_requests_for_one_address_are_limited(client, mailoutbox, monkeypatch):
    monkeypatch.setattr(alerts, "REQUESTS_PER_ADDRESS", (3, 3600))
    answers = [ask(client, "reader@example.org", f"203.0.113.{n}") for n in range(5)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429, 429]
    assert "订阅请求过于频繁，请一小时后再试。" in answers[3].text
    assert len(mailoutbox) == 3, "the address gets no more mail"
    # However the address is written.
    assert ask(client, " Reader@EXAMPLE.org", "203.0.113.99").status_code == 429
    assert ask(client, "other@example.org").status_code == 200


def test_requests_from_one_client_are_limited(client, mailoutbox, monkeypatch):
    monkeypatch.setattr(alerts, "REQUESTS_PER_CLIENT", (4, 3600))
    answers = [ask(client, f"reader{n}@example.org") for n in range(6)]
    assert [answer.status_code for answer in answers] == [200] * 4 + [429] * 2
    assert len(mailoutbox) == 4
    assert ask(client, "reader9@example.org", "198.51.100.1").status_code == 200


def test_the_limit_counts_the_client_behind_the_proxies(client, mailoutbox, monkeypatch, settings):
    settings.PROXY_COUNT = 1
    monkeypatch.setattr(alerts, "REQUESTS_PER_CLIENT", (2, 3600))
    # A client cannot escape the count by writing its own X-Forwarded-For entries.
    for n in range(3):
        answer = client.post(
            NEW,
            {"email": f"reader{n}@example.org", "frequency": "daily"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.7",
        )
    assert answer.status_code == 429


ODD_QUERIES = [
    "year=abc",
    "year=99999999999999999999",
    "year_min=2025&year_max=2020",
    "kind=nonsense&strength=",
    "city=999999",
    "city=41",
    "province=<script>",
    "topic=%00",
    "topic=no-such-topic",
    "q=%00%01",
    "q=" + "字" * 500,
    "q=!!!",
    "q=-乡村",
    'q="',
    "q=%E4%B9",
    "search=other",
    "search=speeches&has_commitments=maybe",
    "search=speeches&kind=target",
    "city=430300&city=110000",
    "q[]=1&page=-1",
    "%ZZ=%ZZ",
]


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_odd_query_strings_never_fail(client, query):
    page = client.get(f"/alerts/new/?{query}")
    assert page.status_code in (200, 400), query
    answer = client.post(f"/alerts/new/?{query}", {"email": "reader@example.org", "frequency": "daily"})
    assert answer.status_code in (200, 400), query
    if page.status_code == 400:
        assert "无法订阅" in page.text and not Alert.objects.exists()


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"email": ""},
        {"email": "not an address"},
        {"email": "a@b.c" * 100},
        {"email": "reader@example.org", "frequency": "hourly"},
        {"email": "reader@example.org\r\nBcc: victim@example.org", "frequency": "daily"},
        {"email": "\x00@example.org", "frequency": "daily"},
    ],
)
def test_odd_forms_are_answered_with_the_form(client, mailoutbox, form):
    answer = client.post(NEW, form)
    assert answer.status_code == 200 and 'name="email"' in answer.text
    assert not mailoutbox and not Alert.objects.exists()


@pytest.mark.parametrize(
    "path",
    ["/alerts/confirm/%00/", "/alerts/unsubscribe/..%2F..%2F/", "/alerts/manage/" + "x" * 3000 + "/"],
)
def test_odd_links_never_fail(client, path):
    for method in (client.get, client.post):
        assert method(path).status_code in (400, 404)


def test_the_manage_page_ignores_an_odd_choice(client, mailoutbox):
    ask(client, "reader@example.org")
    manage = next(line for line in mailoutbox[0].body.splitlines() if "/alerts/manage/" in line)
    path = manage.split("http://archive.test", 1)[1].strip()
    for chosen in ("abc", "", "-1", "1" * 40):
        assert client.post(path, {"alert": chosen}).status_code == 302
    assert Alert.objects.count() == 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.dictionaries(
        st.sampled_from(["q", "city", "province", "topic", "year", "year_min", "year_max", "kind", "search", "x"]),
        st.text(max_size=30),
        max_size=5,
    )
)
def test_any_parameters_give_a_page_or_a_reason(client, params):
    query = "&".join(f"{quote(name)}={quote(value)}" for name, value in params.items())
    assert client.get(f"/alerts/new/?{query}").status_code in (200, 400)
