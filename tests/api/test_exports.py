"""Exports: the rows of the pages as CSV and JSON Lines, streamed, and one speech as a file."""

import csv
import io
import json
import math
import tracemalloc
from datetime import datetime
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from speeches.exports import COMMITMENT_COLUMNS, EXPORT_CHUNK, SPEECH_COLUMNS
from speeches.models import Commitment, Speech, Target
from tests.views.factories import LUOYANG, MINQUAN, SHANGQIU, Pledge

pytestmark = pytest.mark.django_db


def download(client, path: str, **params):
    response = client.get(f"{path}?{urlencode(params)}" if params else path)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    return response, b"".join(response.streaming_content)


def csv_rows(client, path: str, **params) -> list[dict]:
    response, body = download(client, path, **params)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def json_lines(client, path: str, **params) -> list[dict]:
    response, body = download(client, path, **params)
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    return [json.loads(line) for line in body.decode("utf-8").splitlines()]


# --- commitments -----------------------------------------------------------------------------


def test_commitments_csv_has_one_row_per_amount(client, speeches):
    rows = csv_rows(client, "/commitments/export.csv")
    assert list(rows[0]) == COMMITMENT_COLUMNS
    # Each speech's three commitments: two with one amount, one without: three rows.
    assert len(rows) == Commitment.objects.count() == 12
    several = Commitment.objects.filter(speech=speeches["luoyang_2025"], kind="target").first()
    Target.objects.create(commitment=several, position=1, value=Decimal("4.5"), value_max=Decimal(5), unit="%")
    rows = csv_rows(client, "/commitments/export.csv")
    grouped = [row for row in rows if row["commitment_id"] == str(several.pk)]
    first = several.targets.get(position=0)
    assert [(row["target_value"], row["target_value_max"], row["target_unit"]) for row in grouped] == [
        (f"{first.value:f}".rstrip("0").rstrip("."), "", first.unit),
        ("4.5", "5", "%"),
    ]
    assert {row["text"] for row in grouped} == {several.text}


def test_commitments_csv_round_trips_with_the_same_values(client, archive):
    archive.many(30, city=MINQUAN, year=2024)
    archive.speech(
        "带区间",
        city=LUOYANG,
        year=2025,
        pledges=[
            Pledge(
                "增长4.5%—5%", kind="target", targets=[("4.5", "%", "")], deadline_text="年底前", responsible="市发改委"
            ),
        ],
    )
    Target.objects.filter(commitment__text="增长4.5%—5%").update(value_max=Decimal("5"))
    rows = csv_rows(client, "/commitments/export.csv")
    assert len(rows) > 20  # more than a page of the site holds

    targets = {
        (target.commitment_id, target.position): target for target in Target.objects.select_related("commitment")
    }
    commitments = Commitment.objects.select_related("speech__city", "speech__province", "section", "topic").in_bulk()
    seen_targets = set()
    for row in rows:
        commitment = commitments[int(row["commitment_id"])]
        speech = commitment.speech
        assert row["speech_id"] == str(speech.pk) and row["speech_title"] == speech.title
        assert (row["city_code"], row["city_name"]) == (speech.city.code, speech.city.name)
        assert (row["province_code"], row["province_name"]) == (speech.province.code, speech.province.name)
        assert row["year"] == str(speech.year)
        assert row["section_id"] == str(commitment.section_id)
        assert row["section_path"].split(" > ")[-1] == f"{commitment.section.marker}{commitment.section.heading}"
        assert (row["kind"], row["strength"], row["text"]) == (commitment.kind, commitment.strength, commitment.text)
        assert row["topic"] == (commitment.topic.slug if commitment.topic else "")
        assert row["responsible"] == commitment.responsible and row["deadline_text"] == commitment.deadline_text
        assert row["url"] == f"http://testserver/speeches/{speech.pk}/#c-{commitment.pk}"
        if row["target_value"]:
            matching = [t for (cid, _), t in targets.items() if cid == commitment.pk and t.pk not in seen_targets]
            target = matching[0]
            seen_targets.add(target.pk)
            assert Decimal(row["target_value"]) == target.value
            assert (Decimal(row["target_value_max"]) if row["target_value_max"] else None) == target.value_max
            assert (row["target_unit"], row["target_qualifier"], row["target_text"]) == (
                target.unit,
                target.qualifier,
                target.text,
            )
        else:
            assert not commitment.targets.exists()
    assert seen_targets == {target.pk for target in targets.values()}
    assert {int(row["commitment_id"]) for row in rows} == set(commitments)
    ranged = next(row for row in rows if row["text"] == "增长4.5%—5%")
    assert (ranged["target_value"], ranged["target_value_max"], ranged["responsible"]) == ("4.5", "5", "市发改委")


def page_ids(client, **params) -> list[int]:
    """The commitments the search page lists for these parameters, all its pages, in its order."""
    ids, page = [], 1
    while True:
        response = client.get(f"/commitments/?{urlencode({**params, 'page': page})}")
        page_obj = response.context["page_obj"]
        ids += [commitment.pk for commitment in page_obj]
        if not page_obj.has_next():
            return ids
        page += 1


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"city": SHANGQIU},
        {"q": "外资"},
        {"q": "外资", "year": "2024"},
        {"kind": "target", "year_min": "2024"},
        {"year": "abc"},  # the page leaves out what it cannot use, and so does the export
        {"kind": "promise", "topic": "economy"},
        {"q": "！？"},  # a query that cannot be searched finds nothing, on the page as here
    ],
)
def test_commitment_exports_hold_what_the_page_lists(client, speeches, params):
    expected = page_ids(client, **params)
    in_csv = list(
        dict.fromkeys(int(row["commitment_id"]) for row in csv_rows(client, "/commitments/export.csv", **params))
    )
    in_jsonl = [item["id"] for item in json_lines(client, "/commitments/export.jsonl", **params)]
    assert in_csv == expected and in_jsonl == expected


def test_commitments_jsonl_lines_are_the_apis_commitments(client, api, speeches):
    lines = json_lines(client, "/commitments/export.jsonl")
    assert len(lines) == Commitment.objects.count()
    for line in lines:
        assert line == api.get(f"/api/commitments/{line['id']}/").json()


def test_a_download_is_named(client, speeches):
    response, _ = download(client, "/commitments/export.csv")
    assert response["Content-Disposition"] == "attachment; filename*=UTF-8''commitments.csv"
    response, _ = download(client, "/speeches/export.jsonl")
    assert response["Content-Disposition"] == "attachment; filename*=UTF-8''speeches.jsonl"


# --- streaming -------------------------------------------------------------------------------


def stream_stats(client, path: str) -> tuple[int, int, int]:
    """(lines, peak bytes allocated, queries) while the export is written."""
    response = client.get(path)
    assert isinstance(response, StreamingHttpResponse)
    lines = 0
    tracemalloc.start()
    try:
        with CaptureQueriesContext(connection) as queries:
            for chunk in response.streaming_content:
                lines += chunk.count(b"\n")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return lines, peak, len(queries)


EXPORTS = ("/commitments/export.csv", "/commitments/export.jsonl", "/speeches/export.jsonl")


def test_an_export_streams_in_chunks_and_memory_stays_flat(client, archive):
    # Three commitments per speech, two of them with an amount (three CSV rows per speech): a few
    # chunks' worth, then five times as many.
    speeches = EXPORT_CHUNK * 4 // 5
    archive.many(speeches, city=SHANGQIU)
    small = {path: stream_stats(client, path) for path in EXPORTS}
    archive.many(speeches * 4, city=LUOYANG)
    big = {path: stream_stats(client, path) for path in EXPORTS}
    rows = 3 * speeches
    lines = [(small[path][0], big[path][0]) for path in EXPORTS]
    assert lines == [(1 + rows, 1 + 5 * rows), (rows, 5 * rows), (speeches, 5 * speeches)]
    # Five times the rows, the same memory: a chunk at a time, never the whole export.
    for path in EXPORTS:
        assert big[path][1] < 1.5 * small[path][1], (path, small[path][1], big[path][1])
    # ... read a chunk at a time: each further chunk brings its amounts and outline in queries of its own.
    more_chunks = math.ceil(5 * rows / EXPORT_CHUNK) - math.ceil(rows / EXPORT_CHUNK)
    assert big[EXPORTS[0]][2] - small[EXPORTS[0]][2] >= more_chunks


# --- speeches --------------------------------------------------------------------------------


def test_speeches_csv(client, speeches):
    rows = csv_rows(client, "/speeches/export.csv")
    assert list(rows[0]) == SPEECH_COLUMNS
    by_title = {row["title"]: row for row in rows}
    assert [row["title"] for row in rows] == ["常州2025", "洛阳2025", "民权2024", "商丘2023", "无年份"]
    luoyang = by_title["洛阳2025"]
    speech = speeches["luoyang_2025"]
    assert luoyang["speech_id"] == str(speech.pk)
    assert (luoyang["city_code"], luoyang["city_name"], luoyang["province_name"]) == (LUOYANG, "洛阳市", "河南省")
    assert (luoyang["topics"], luoyang["topic_slugs"]) == ("产业与工业;经济发展", "industry;economy")
    assert luoyang["commitment_count"] == "3" and by_title["常州2025"]["commitment_count"] == "0"
    assert datetime.fromisoformat(luoyang["imported_at"]) == speech.imported_at
    assert luoyang["imported_at"] == client.get(f"/api/speeches/{speech.pk}/").json()["imported_at"]
    assert by_title["无年份"]["year"] == "" and by_title["无年份"]["city_code"] == ""


@pytest.mark.parametrize(
    "params",
    [{"city": SHANGQIU}, {"year_min": "2024", "sort": "oldest"}, {"has_commitments": "false"}, {"year": "abc"}],
)
def test_speech_exports_hold_what_the_speech_list_shows(client, speeches, params):
    page = client.get(f"/speeches/?{urlencode(params)}").context["page_obj"]
    expected = [speech.pk for speech in page]
    assert [int(row["speech_id"]) for row in csv_rows(client, "/speeches/export.csv", **params)] == expected
    assert [item["id"] for item in json_lines(client, "/speeches/export.jsonl", **params)] == expected


def test_speech_exports_search_too(client, archive, speeches):
    archive.speech("关于乡村振兴的讲话", city=MINQUAN, year=2025, topics=("agriculture",))
    assert [row["title"] for row in csv_rows(client, "/speeches/export.csv", q="乡村振兴")] == ["关于乡村振兴的讲话"]


# What the API's speech detail looks up in the rest of the archive, and the bulk export leaves out.
TEXT_REUSE = ("similar", "shared_passages", "common_passages")


def test_speeches_jsonl_lines_are_whole_speeches_as_the_api_gives_them(client, api, speeches):
    lines = json_lines(client, "/speeches/export.jsonl")
    assert len(lines) == 5
    for line in lines:
        detail = api.get(f"/api/speeches/{line['id']}/").json()
        assert line == {name: value for name, value in detail.items() if name not in TEXT_REUSE}
    assert {len(line["commitments"]) for line in lines} == {0, 3}


# --- one speech ------------------------------------------------------------------------------


def test_one_speech_as_plain_text(client, speeches):
    speech = speeches["shangqiu_2023"]
    response = client.get(f"/speeches/{speech.pk}.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("商丘2023\n\n")
    assert "地点：河南省 商丘市\n" in text and "年份：2023年\n" in text and "主题：经济发展\n" in text
    assert f"网址：http://testserver/speeches/{speech.pk}/" in text
    # The text as stored, then its commitments (tests/api/test_speech_downloads.py).
    assert speech.text + "\n\n\n承诺（3 条）\n\n1. " in text


def test_one_speech_as_markdown(client, archive):
    outline = [
        ("", "", "同志们：\n1. 这不是列表\n# 这不是标题\n<b>这不是标记</b>", None),
        ("一、", "总体要求", "全年力争引进亿元以上项目100个以上。", None),
        ("（一）", "压实责任", "6月底前完成。", 1),
    ]
    speech = archive.speech("一篇讲话", city=SHANGQIU, year=2025, outline=outline, pledges=[])
    response = client.get(f"/speeches/{speech.pk}.md")
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    blocks = response.content.decode().split("\n\n")
    assert blocks[0] == "# 一篇讲话"
    assert blocks[1].splitlines()[:2] == ["- 地点：河南省 商丘市", "- 年份：2025年"]
    assert blocks[2:] == [
        "同志们：",
        "1\\. 这不是列表",
        "\\# 这不是标题",
        "\\<b>这不是标记\\</b>",
        "## 一、总体要求",
        "全年力争引进亿元以上项目100个以上。",
        "### （一）压实责任",
        "6月底前完成。\n",
    ]


def test_one_speech_as_json_is_the_apis(client, api, speeches):
    speech = speeches["minquan_2024"]
    response = client.get(f"/speeches/{speech.pk}.json")
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == api.get(f"/api/speeches/{speech.pk}/").json()
    assert "民权" in response.content.decode("utf-8")  # Chinese as written, not \\u escapes


@pytest.mark.parametrize("suffix", ["txt", "md", "json"])
def test_a_speech_that_is_not_there(client, db, suffix):
    assert client.get(f"/speeches/999999.{suffix}").status_code == 404
    assert not Speech.objects.exists()
