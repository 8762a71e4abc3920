"""Security headers on every page, no inline code for the policy to block, speech text always escaped."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from .conftest import IMG, SCRIPT
from .pages import inline_code, page_url, public_pages

PUBLIC_PAGES = public_pages()


def assert_security_headers(response) -> None:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives.get("script-src") == ["'self'"], policy
    assert directives.get("style-src") == ["'self'"], policy
    assert directives.get("object-src") == ["'none'"], policy
    assert directives.get("frame-ancestors") == ["'none'"], policy
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") == "same-origin"
    assert response.headers.get("X-Frame-Options") == "DENY"


@pytest.fixture
def superuser_client(db):
    user = get_user_model().objects.create_superuser("chief", "chief@example.org", "unused")
    client = Client()
    client.force_login(user)
    return client


def admin_urls(sample_archive) -> list[str]:
    from django.contrib import admin

    hostile = sample_archive.hostile
    urls = [reverse("admin:index"), reverse("admin:speeches_speech_import")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        first = model._default_manager.order_by("pk").first()
        if model._meta.label == "speeches.Speech":
            first = hostile
        elif model._meta.label in {"speeches.Commitment", "speeches.Section"}:
            first = model._default_manager.filter(speech=hostile).first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
            urls.append(reverse("admin:{}_{}_history".format(*info), args=[first.pk]))
    return urls


@pytest.mark.parametrize("page", PUBLIC_PAGES, ids=lambda page: page.name)
def test_every_public_page_sends_the_security_headers_and_runs_no_inline_code(client, sample_archive, page):
    response = client.get(page_url(page, sample_archive.samples))
    assert response.status_code == 200
    assert_security_headers(response)
    if response["Content-Type"].startswith("text/html"):
        assert inline_code(response.content.decode()) == []


@pytest.mark.parametrize("page", PUBLIC_PAGES, ids=lambda page: page.name)
def test_speech_text_shows_as_text_on_every_public_page(client, sample_archive, page):
    response = client.get(page_url(page, sample_archive.samples))
    body = (b"".join(response.streaming_content) if response.streaming else response.content).decode()
    if response["Content-Type"].startswith("text/html"):
        assert "<script>alert" not in body
        assert "<img src=x" not in body
    else:
        # Data (JSON, CSV, plain text, feeds) carries the text as it is, under a type no browser
        # renders as a page, and nosniff stops it from guessing otherwise.
        assert response["X-Content-Type-Options"] == "nosniff"


def test_a_speech_with_markup_shows_it_as_text_on_its_page(client, sample_archive):
    response = client.get(f"/speeches/{sample_archive.hostile.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    # The title, the section heading and the commitment show the markup escaped, letter for letter.
    assert "关于&lt;script&gt;alert(&quot;讲话&quot;)&lt;/script&gt;的讲话" in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    assert SCRIPT not in body and IMG not in body


def test_admin_pages_send_the_security_headers_run_no_inline_code_and_escape_speech_text(
    superuser_client, sample_archive
):
    problems = {}
    for url in admin_urls(sample_archive):
        response = superuser_client.get(url)
        assert response.status_code == 200, url
        assert_security_headers(response)
        body = response.content.decode()
        found = inline_code(body)
        if "<script>alert" in body or "<img src=x" in body:
            found.append("unescaped speech text")
        if found:
            problems[url] = found
    assert problems == {}


def test_the_admin_login_page_runs_no_inline_code(client, db):
    response = client.get(reverse("admin:login"))
    assert_security_headers(response)
    assert inline_code(response.content.decode()) == []


def test_the_import_preview_escapes_pasted_markup_and_runs_no_inline_code(superuser_client, sample_archive):
    pasted = (
        f"关于{SCRIPT}的讲话\n\n一、总体要求\n力争完成固定资产投资700亿元以上{IMG}。\n二、工作安排\n全面推进各项工作。"
    )
    response = superuser_client.post(reverse("admin:speeches_speech_import"), {"text": pasted})
    body = response.content.decode()
    assert response.status_code == 200
    assert "&lt;script&gt;" in body
    assert "<script>alert" not in body and "<img src=x" not in body
    assert inline_code(body) == []


def test_a_missing_page_sends_the_security_headers_too(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_security_headers(response)
