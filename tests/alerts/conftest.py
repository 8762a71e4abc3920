"""What the alert tests share: a cache of their own (the throttle counts live there), the site's
address for the mails' links, a speech text to import, and reading links out of a mail."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from speeches.importing import ImportOptions, import_pasted_text

SITE_URL = "http://archive.test"

# A work report of 湘潭市 (湖南省) for 2024 whose plan pledges 乡村振兴.
REPORT = """{year}年湘潭市政府工作报告
——{year}年1月10日在湘潭市第十六届人民代表大会第四次会议上
各位代表：
现在，我代表市人民政府，向大会报告工作，请予审议。
一、{previous}年工作回顾
过去一年，全市地区生产总值增长5.2%。
二、{year}年工作安排
（一）全面推进乡村振兴
要全面推进乡村振兴，确保粮食播种面积稳定在{acres}万亩以上。
力争农村居民人均可支配收入增长7%。
"""


@pytest.fixture(autouse=True)
def alert_settings(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.SPEECHES_SITE_URL = SITE_URL
    cache.clear()
    yield settings
    cache.clear()


def import_report(year: int = 2024, acres: int = 300):
    """A 湘潭 work report through the import service; a different `acres` makes a different speech."""
    text = REPORT.format(year=year, previous=year - 1, acres=acres)
    outcome = import_pasted_text(text, ImportOptions(), name=f"湘潭{year}-{acres}.txt")
    assert outcome.error is None and outcome.created == 1, outcome
    return outcome.speeches[0].speech


def links(mail) -> list[str]:
    """The archive's links in a mail's plain text, in order."""
    return re.findall(re.escape(SITE_URL) + r"[^\s）)]*", mail.body)


def link(mail, path_start: str) -> str:
    """The path (for the test client) of the mail's first link to `path_start`."""
    for url in links(mail):
        path = url.removeprefix(SITE_URL)
        if path.startswith(path_start):
            return path
    raise AssertionError(f"no {path_start} link in {mail.body}")


def html_part(mail) -> str:
    [(content, mimetype)] = mail.alternatives
    assert mimetype == "text/html"
    return content
