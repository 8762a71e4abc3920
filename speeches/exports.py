"""Downloads: the commitments and speeches a page lists, as CSV or JSON Lines, and one speech as
plain text, Markdown or JSON.

The lists take the pages' own query parameters (filters and `q`) and give the rows the page
would, all of them: they are written as they are read, a chunk of rows at a time
(StreamingHttpResponse over QuerySet.iterator), so an export of any size holds one chunk in
memory. CSV is UTF-8 with a byte order mark, which Excel needs to read Chinese; the commitments
CSV has one row per amount (target), with the commitment's id to group a commitment's rows. Beside
a column of codes (kind, strength, topic) stands one of the names a reader knows them by (类型,
约束程度, 主题); the columns named in English keep their names and meaning for tools that read them.

The plain text and Markdown of one speech end with its commitments: each with its kind, strength,
amounts, deadline, who is responsible, the section it stands in and its link.
"""

from __future__ import annotations

import csv
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from urllib.parse import quote

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils.timezone import localtime

from .api.rows import commitment_rows, search_terms, speech_documents, speech_rows
from .api.serializers import (
    CommitmentListSerializer,
    SpeechDetailSerializer,
    SpeechReuseDetailSerializer,
    absolute_url,
    attach_section_paths,
    deadline_report,
    ordered_topics,
    section_tree,
)
from .filters import CommitmentFilter, SpeechFilter
from .models import Commitment, Speech
from .templatetags.speech_text import amount

logger = logging.getLogger(__name__)

# Rows read and written at a time: what an export holds in memory, whatever its size.
EXPORT_CHUNK = 250
BOM = "\ufeff"

COMMITMENT_COLUMNS = [
    "commitment_id",
    "speech_id",
    "speech_title",
    "city_code",
    "city_name",
    "province_code",
    "province_name",
    "year",
    "delivered_on",
    "section_id",
    "section_path",
    "kind",
    "类型",
    "strength",
    "约束程度",
    "topic",
    "主题",
    "text",
    "responsible",
    "deadline_text",
    "deadline_year",
    "deadline_month",
    "deadline_day",
    "target_value",
    "target_value_max",
    "target_unit",
    "target_qualifier",
    "target_text",
    "url",
]
SPEECH_COLUMNS = [
    "speech_id",
    "title",
    "city_code",
    "city_name",
    "province_code",
    "province_name",
    "year",
    "delivered_on",
    "speaker",
    "occasion",
    "topics",
    "topic_slugs",
    "commitment_count",
    "imported_at",
    "url",
]
# Between the headings of a section path, and between topics, in a CSV cell.
PATH_SEPARATOR = " > "
LIST_SEPARATOR = ";"


# --- which rows ------------------------------------------------------------------------------


def filtered_commitments(request: HttpRequest):
    """The commitments the search page lists for these parameters, in its order.

    As on the page, a value the filters cannot use is left out and a query that cannot be
    searched (too long, only punctuation) finds nothing."""
    _, parsed = search_terms(request.GET.get("q"))
    rows = commitment_rows(parsed) if parsed is None or parsed else commitment_rows().none()
    return CommitmentFilter(request.GET, queryset=rows).qs


def filtered_speeches(request: HttpRequest):
    _, parsed = search_terms(request.GET.get("q"))
    rows = speech_rows(parsed) if parsed is None or parsed else speech_rows().none()
    return SpeechFilter(request.GET, queryset=rows).qs


def _batches(rows, size: int = EXPORT_CHUNK) -> Iterator[list]:
    """The rows a chunk at a time: iterator() fetches (and prefetches) that many at once."""
    batch = []
    for row in rows.iterator(chunk_size=size):
        batch.append(row)
        if len(batch) == size:
            yield batch
            _release(batch)
            batch = []
    if batch:
        yield batch


def _lazy(make: Callable[[], Iterator[list]]) -> Iterator[list]:
    """The batches `make` gives, made when the first is asked for: choosing the rows may read the
    database too (a filter looks up a region), and that belongs inside _streaming's first read."""
    yield from make()


def _release(rows: Iterable) -> None:
    """Drop what prefetching cached on rows already written. Those querysets point back at their
    rows, cycles only the garbage collector frees, at its own pace: left alone, an export's memory
    would grow with its size."""
    for row in rows:
        for related in row.__dict__.pop("_prefetched_objects_cache", {}).values():
            _release(related)  # a prefetched queryset: iterating it reads its cache, not the database


# --- CSV and JSON Lines ----------------------------------------------------------------------


class _Lines:
    """csv.writer's file: hands back each line it is given instead of storing it."""

    def write(self, line: str) -> str:
        return line


def _csv_writer(header: list[str]) -> tuple[str, Callable[[list[list]], str]]:
    """The CSV file's first line, and what writes a list of rows as lines."""
    writer = csv.writer(_Lines())
    return BOM + writer.writerow(header), lambda rows: "".join(writer.writerow(row) for row in rows)


# A spreadsheet reads a cell that begins with one of these as a formula (OWASP, "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str | int:
    """A CSV cell: nothing for None, a plain number for an amount (700, not 700.000000 or 7E+2).

    Text (titles, commitments, names: anything staff or a source file wrote) that a spreadsheet
    would run as a formula gets a leading apostrophe, which shows it as text. Numbers are never
    text here, so an amount of -3.5 stays a number."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _streaming(
    batches: Iterator[list], render: Callable[[list], str], content_type: str, filename: str, head: str = ""
) -> HttpResponse:
    """The download, its first chunk of rows read before anything is sent.

    Once a streamed response has begun its status is sent and cannot change: were the database
    down, the client would get a 200 and a file cut short (a CSV of just its header) that looks
    like an export of nothing. Reading the first chunk here turns that into a 503 instead."""
    try:
        first = next(batches, None)
    except DatabaseError as error:
        logger.error("export %s: database unreachable: %s", filename, error)
        response = HttpResponse(
            "数据库暂时无法访问，下载未能开始，请稍后再试。\n", content_type="text/plain; charset=utf-8", status=503
        )
        response["Retry-After"] = "30"
        return response

    def content() -> Iterator[str]:
        if head:
            yield head
        if first is not None:
            yield render(first)
        for batch in batches:
            yield render(batch)

    response = StreamingHttpResponse(content(), content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _commitment_batches(request: HttpRequest) -> Iterator[list[Commitment]]:
    for batch in _batches(filtered_commitments(request)):
        attach_section_paths(batch)
        yield batch


def _speech_columns(speech: Speech) -> list:
    """The speech's columns both CSV exports share: title, place and date."""
    return [
        speech.title,
        speech.city.code if speech.city else None,
        speech.city.name if speech.city else None,
        speech.province.code if speech.province else None,
        speech.province.name if speech.province else None,
        speech.year,
        speech.delivered_on.isoformat() if speech.delivered_on else None,
    ]


def commitment_csv_rows(commitment: Commitment, request: HttpRequest | None = None) -> list[list]:
    """One row per amount; a commitment without amounts is one row with the amount columns empty."""
    speech = commitment.speech
    deadline = deadline_report(commitment) or {}
    common = [
        commitment.pk,
        speech.pk,
        *_speech_columns(speech),
        commitment.section_id,
        PATH_SEPARATOR.join(commitment.section_path),
        commitment.kind,
        commitment.get_kind_display(),
        commitment.strength,
        commitment.get_strength_display(),
        commitment.topic.slug if commitment.topic else None,
        commitment.topic.name if commitment.topic else None,
        commitment.text,
        commitment.responsible,
        deadline.get("text"),
        deadline.get("year"),
        deadline.get("month"),
        deadline.get("day"),
    ]
    url = absolute_url({"request": request}, commitment.get_absolute_url())
    amounts = [
        [target.value, target.value_max, target.unit, target.qualifier, target.text]
        for target in commitment.targets.all()
    ] or [[None] * 5]
    return [[_cell(value) for value in [*common, *amount, url]] for amount in amounts]


def commitments_csv(request: HttpRequest) -> HttpResponse:
    head, write = _csv_writer(COMMITMENT_COLUMNS)

    def render(batch: list[Commitment]) -> str:
        return write([row for commitment in batch for row in commitment_csv_rows(commitment, request)])

    return _streaming(_commitment_batches(request), render, "text/csv; charset=utf-8", "commitments.csv", head)


def _json_lines(items: Iterable[dict]) -> str:
    # Rows go through the serializer's to_representation(), not .data: .data and its serializer
    # refer to each other, a cycle that would keep every chunk until the garbage collector runs.
    return "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)


def commitments_jsonl(request: HttpRequest) -> HttpResponse:
    """One commitment per line, as /api/commitments/ gives it."""
    serializer = CommitmentListSerializer(many=True, context={"request": request})
    return _streaming(
        _commitment_batches(request),
        lambda batch: _json_lines(serializer.to_representation(batch)),
        "application/x-ndjson; charset=utf-8",
        "commitments.jsonl",
    )


def speech_csv_row(speech: Speech, request: HttpRequest | None = None) -> list:
    topics = ordered_topics(speech)
    row = [
        speech.pk,
        *_speech_columns(speech),
        speech.speaker,
        speech.occasion,
        LIST_SEPARATOR.join(topic.name for topic in topics),
        LIST_SEPARATOR.join(topic.slug for topic in topics),
        speech.commitment_count,
        localtime(speech.imported_at).isoformat(),  # as the API writes it
        absolute_url({"request": request}, speech.get_absolute_url()),
    ]
    return [_cell(value) for value in row]


def speeches_csv(request: HttpRequest) -> HttpResponse:
    head, write = _csv_writer(SPEECH_COLUMNS)
    return _streaming(
        _lazy(lambda: _batches(filtered_speeches(request))),
        lambda batch: write([speech_csv_row(speech, request) for speech in batch]),
        "text/csv; charset=utf-8",
        "speeches.csv",
        head,
    )


def speeches_jsonl(request: HttpRequest) -> HttpResponse:
    """One whole speech per line, as /api/speeches/<id>/ gives it: outline and commitments too."""
    serializer = SpeechDetailSerializer(many=True, context={"request": request})
    # Whole speeches are big: fewer of them per chunk.
    batches = _lazy(lambda: _batches(speech_documents(filtered_speeches(request)), size=EXPORT_CHUNK // 10))
    return _streaming(
        batches,
        lambda batch: _json_lines(serializer.to_representation(batch)),
        "application/x-ndjson; charset=utf-8",
        "speeches.jsonl",
    )


# --- one speech ------------------------------------------------------------------------------


def _speech(pk: int) -> Speech:
    return get_object_or_404(speech_documents(), pk=pk)


def _facts(speech: Speech, request: HttpRequest) -> list[tuple[str, str]]:
    """The speech's particulars, each as (name, value), those that are known."""
    place = " ".join(region.name for region in (speech.province, speech.city) if region is not None)
    facts = [
        ("地点", place),
        ("年份", f"{speech.year}年" if speech.year else ""),
        ("日期", speech.delivered_on.isoformat() if speech.delivered_on else ""),
        ("讲话人", speech.speaker),
        ("场合", speech.occasion),
        ("主题", "、".join(topic.name for topic in ordered_topics(speech))),
        ("网址", request.build_absolute_uri(speech.get_absolute_url())),
    ]
    return [(name, value) for name, value in facts if value]


def _text_response(body: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response


def _commitment_facts(speech: Speech, request: HttpRequest) -> list[tuple[Commitment, list[tuple[str, str]]]]:
    """The speech's commitments in reading order, each with its particulars as (name, value)."""
    commitments = list(speech.commitments.all())
    attach_section_paths(commitments, speech.sections.all())
    url = request.build_absolute_uri(speech.get_absolute_url())
    listed = []
    for commitment in commitments:
        facts = [
            ("类型", commitment.get_kind_display()),
            ("约束程度", commitment.get_strength_display()),
            ("数量", "、".join(amount(target) for target in commitment.targets.all())),
            ("时限", commitment.deadline_text),
            ("责任", commitment.responsible),
            ("章节", " › ".join(commitment.section_path)),
            ("网址", f"{url}#c-{commitment.pk}"),
        ]
        listed.append((commitment, [(name, value) for name, value in facts if value]))
    return listed


def speech_txt(request: HttpRequest, pk: int) -> HttpResponse:
    speech = _speech(pk)
    facts = "\n".join(f"{name}：{value}" for name, value in _facts(speech, request))
    body = f"{speech.title}\n\n{facts}\n\n{speech.text}\n"
    listed = _commitment_facts(speech, request)
    if listed:
        entries = [
            f"{number}. {commitment.text}\n" + "\n".join(f"   {name}：{value}" for name, value in particulars)
            for number, (commitment, particulars) in enumerate(listed, start=1)
        ]
        body += f"\n\n承诺（{len(listed)} 条）\n\n" + "\n\n".join(entries) + "\n"
    return _text_response(body, "text/plain; charset=utf-8", f"speech-{speech.pk}.txt")


# Lines of speech text that Markdown would read as a heading, quote, list item or rule.
_ORDERED_ITEM = re.compile(r"^([0-9]{1,9})([.)])(?=\s|$)")
_BLOCK_START = re.compile(r"^(?:#{1,6}(?=\s|$)|>|[-+*](?=\s|$)|[-*_=]{3,}\s*$)")


def _markdown_paragraphs(text: str) -> list[str]:
    """The text's lines as paragraphs, escaped where Markdown would take them for markup."""
    paragraphs = []
    for line in text.splitlines():
        # "<" would open raw HTML in most renderers.
        line = line.strip().replace("<", "\\<")
        if _ORDERED_ITEM.match(line):
            line = _ORDERED_ITEM.sub(r"\1\\\2", line)
        elif _BLOCK_START.match(line):
            line = "\\" + line
        if line:
            paragraphs.append(line)
    return paragraphs


_INLINE_MARKUP = re.compile(r"([\\`*_\[\]<>#|~])")


def _markdown_inline(text: str) -> str:
    """Text inside a list item, with every character Markdown could read as markup escaped."""
    return _INLINE_MARKUP.sub(r"\\\1", " ".join(text.split()))


def speech_markdown(request: HttpRequest, pk: int) -> HttpResponse:
    """The title, its particulars as a list, then the outline as headings with its text."""
    speech = _speech(pk)
    blocks = [f"# {speech.title}", "\n".join(f"- {name}：{value}" for name, value in _facts(speech, request))]

    def visit(nodes: list[dict]) -> None:
        for node in nodes:
            heading = f"{node['marker']}{node['heading']}".strip()
            if heading:
                blocks.append(f"{'#' * min(node['level'] + 1, 6)} {heading}")
            blocks.extend(_markdown_paragraphs(node["text"]))
            visit(node["children"])

    visit(section_tree(speech.sections.all()))
    if not speech.sections.all():
        blocks.extend(_markdown_paragraphs(speech.text))
    listed = _commitment_facts(speech, request)
    if listed:
        blocks.append(f"## 承诺（{len(listed)} 条）")
        blocks.append(
            "\n".join(
                f"{number}. {_markdown_inline(commitment.text)}\n"
                + "\n".join(
                    f"    - {name}：<{value}>" if name == "网址" else f"    - {name}：{_markdown_inline(value)}"
                    for name, value in particulars
                )
                for number, (commitment, particulars) in enumerate(listed, start=1)
            )
        )
    return _text_response("\n\n".join(blocks) + "\n", "text/markdown; charset=utf-8", f"speech-{speech.pk}.md")


def speech_json(request: HttpRequest, pk: int) -> JsonResponse:
    """The speech as /api/speeches/<id>/ gives it."""
    data = SpeechReuseDetailSerializer(_speech(pk), context={"request": request}).data
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
