"""The one import service: files -> parsed speeches -> rows.

The management command, the admin import page and the demo loader all come through here,
so a file imports the same way whichever door it comes in by. Each file is written in one
transaction: it either fully imports or leaves the archive as it was. A speech whose
normalized text is already in the archive is reported as a duplicate and not written again; one
at least 0.9 similar to a stored speech is reported as a near duplicate (speeches/reuse.py), and
kept beside it, skipped or put in its place as staff choose.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import stat
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from io import BytesIO
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import DatabaseError, connection, models, transaction

from . import reuse
from .audit import record_import
from .ledger import record_ledger
from .models import Commitment, Region, Section, Speech, Target, Topic
from .parsing import ParsedSection, ParsedSpeech, UnreadableFile, walk_sections
from .parsing.documents import DOCUMENT_SUFFIXES
from .parsing.pool import Document, read_ahead, read_speeches
from .parsing.structures import ParsedTarget
from .search import commitment_search_fields


@dataclass
class ImportOptions:
    city: Region | None = None
    province: Region | None = None
    year: int | None = None
    user: object | None = None  # the staff member importing, recorded on each speech
    dry_run: bool = False
    # What to do with a near duplicate (speeches/reuse.py: keep, skip, replace): by "<file>#<n>"
    # (the n-th speech of that file, from 0) as chosen in the admin's preview, else `near_duplicate`.
    near_duplicate: str = reuse.KEEP_BOTH
    near_duplicate_choices: dict[str, str] = field(default_factory=dict)


@dataclass
class SpeechOutcome:
    parsed: ParsedSpeech
    speech: Speech | None  # None on a dry run, or a near duplicate skipped
    duplicate: bool
    near_duplicates: list[dict] = field(default_factory=list)  # stored speeches at least 0.9 similar
    choice: str = reuse.KEEP_BOTH  # what was done with a near duplicate


@dataclass
class FileOutcome:
    path: str
    error: str | None = None
    speeches: list[SpeechOutcome] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(1 for outcome in self.speeches if not outcome.duplicate)


def content_hash(text: str) -> str:
    """Whitespace does not count: the same speech with other line breaks is the same speech."""
    return hashlib.sha256(re.sub(r"\s+", "", text).encode("utf-8")).hexdigest()


# --- entry points ---------------------------------------------------------------------------


# What a folder is searched for; a zip archive may hold the same documents.
FOLDER_SUFFIXES = (*DOCUMENT_SUFFIXES, ".zip")
# Members a zip may hold; .doc and .wps are read only to tell staff to save them as .docx.
_MEMBER_SUFFIXES = (*DOCUMENT_SUFFIXES, ".doc", ".wps")
# A .docx is itself a zip of XML; what its parts may inflate to, against the file's own limit.
_DOCX_INFLATE_RATIO = 10


def import_paths(paths: Iterable[str | Path], options: ImportOptions) -> Iterator[FileOutcome]:
    """Files, folders (every *.txt, *.docx, *.pdf and *.zip below them) and zip archives, one outcome per text."""
    yield from _import_documents(_documents_at(paths), options)


def expand_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FOLDER_SUFFIXES)
        else:
            yield path


def import_upload(name: str, data: bytes, options: ImportOptions) -> list[FileOutcome]:
    """One uploaded file; a .zip gives one outcome per member. Never raises for bad input."""
    return list(_import_documents(_documents_in(name, data), options))


def import_pasted_text(text: str, options: ImportOptions, name: str = "粘贴文本") -> FileOutcome:
    return import_file(name, text.encode("utf-8"), options)


def import_file(name: str, data: bytes, options: ImportOptions) -> FileOutcome:
    """One document (not a zip), read and written here."""
    return _write(name, read_speeches(_document(name, data)), options)


def _import_documents(items: Iterable[FileOutcome | Document], options: ImportOptions) -> Iterator[FileOutcome]:
    """Write each document in order while the next ones are read in other processes (parsing/pool.py);
    a FileOutcome in `items` is a file refused before reading, passed on as it is."""
    for item, read in read_ahead(items, readers=settings.SPEECHES_IMPORT_READERS):
        yield item if isinstance(item, FileOutcome) else _write(item.name, read, options)


def read_uploads(uploads: Iterable[tuple[object, str, bytes]]) -> Iterator[tuple[object, list]]:
    """Each (key, name, data) upload with what was read from it, in order, for write_read; the next
    uploads are read in other processes while the caller writes one (an import job: each file in a
    transaction of its own with the mark that it is done)."""

    def items() -> Iterator[tuple[object, FileOutcome] | Document]:
        for key, name, data in uploads:
            for item in _documents_in(name, data):
                yield (key, item) if isinstance(item, FileOutcome) else dataclasses.replace(item, key=key)

    current, entries = None, []
    for item, read in read_ahead(items(), readers=settings.SPEECHES_IMPORT_READERS):
        key, entry = item if isinstance(item, tuple) else (item.key, (item.name, read))
        if entries and key != current:
            yield current, entries
            entries = []
        current = key
        entries.append(entry)
    if entries:
        yield current, entries


def write_read(entries: list, options: ImportOptions) -> list[FileOutcome]:
    """Write what read_uploads read of one upload: an outcome per document (or refused file)."""
    return [entry if isinstance(entry, FileOutcome) else _write(*entry, options) for entry in entries]


def _write(name: str, read: list[ParsedSpeech] | UnreadableFile, options: ImportOptions) -> FileOutcome:
    outcome = FileOutcome(name)
    if isinstance(read, UnreadableFile):
        outcome.error = str(read)
        return outcome
    try:
        outcome.speeches = _store(read, name, options)
    except (DatabaseError, ArithmeticError) as error:
        # The transaction has rolled back: nothing of this file was written.
        outcome.error = f"{name}：保存失败，未写入任何内容（{error}）"
    return outcome


def _document(name: str, data: bytes) -> Document:
    return Document(name, data, max_inflated=_DOCX_INFLATE_RATIO * settings.SPEECHES_MAX_FILE_BYTES)


def _documents_at(paths: Iterable[str | Path]) -> Iterator[FileOutcome | Document]:
    """The documents to read at the paths, read from disk only as the import comes to them."""
    for path in expand_paths(paths):
        if not path.is_file():
            yield FileOutcome(str(path), error=f"{path}：文件不存在")
            continue
        size = path.stat().st_size
        if size > settings.SPEECHES_MAX_FILE_BYTES:
            yield FileOutcome(str(path), error=_too_big(str(path), size))
            continue
        yield from _documents_in(str(path), path.read_bytes())


def _documents_in(name: str, data: bytes) -> Iterator[FileOutcome | Document]:
    if len(data) > settings.SPEECHES_MAX_FILE_BYTES:
        yield FileOutcome(name, error=_too_big(name, len(data)))
        return
    suffix = PurePosixPath(name).suffix.lower()
    # A .docx starts like a zip too: it is one document, not an archive of them.
    if suffix == ".zip" or (data.startswith(b"PK\x03\x04") and suffix != ".docx"):
        yield from _documents_in_zip(name, data)
    else:
        yield _document(name, data)


def _documents_in_zip(name: str, data: bytes) -> Iterator[FileOutcome | Document]:
    try:
        archive = zipfile.ZipFile(BytesIO(data))
        members = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, ValueError):
        yield FileOutcome(name, error=f"{name}：压缩包已损坏，无法打开")
        return
    if not members:
        yield FileOutcome(name, error=f"{name}：压缩包里没有文件")
        return
    limit = settings.SPEECHES_MAX_FILE_BYTES
    for info in members:
        label = f"{name}/{info.filename}"
        member = PurePosixPath(info.filename.replace("\\", "/"))
        # Unix file type bits; 0 when the archive was made elsewhere or names permissions only.
        file_type = stat.S_IFMT(info.external_attr >> 16)
        if member.is_absolute() or ".." in member.parts:
            yield FileOutcome(label, error=f"{label}：压缩包内的路径不安全，已跳过")
        elif file_type and file_type != stat.S_IFREG:
            # A symbolic link's "content" is its target's path; devices and FIFOs hold no text.
            kind = "符号链接" if file_type == stat.S_IFLNK else "特殊文件（设备、管道等）"
            yield FileOutcome(label, error=f"{label}：这是{kind}，不是普通文件，已跳过")
        elif info.file_size > limit:
            yield FileOutcome(label, error=_too_big(label, info.file_size))
        elif member.suffix.lower() not in _MEMBER_SUFFIXES:
            yield FileOutcome(label, error=f"{label}：只能导入 .txt、.docx 或 .pdf 文件")
        else:
            try:
                content = _read_member(archive, info, limit)
            except zipfile.BadZipFile:
                # zipfile stops at the size the archive records and then finds the checksum wrong.
                yield FileOutcome(
                    label, error=f"{label}：解压出的内容与压缩包记录的大小或校验值不符（文件损坏或被篡改），已跳过"
                )
                continue
            except (NotImplementedError, RuntimeError, EOFError, OSError):
                yield FileOutcome(label, error=f"{label}：无法解压（文件损坏或已加密）")
                continue
            if content is None:
                yield FileOutcome(
                    label,
                    error=f"{label}：解压后超过上限 {limit / 1024 / 1024:.0f} MB（与压缩包记录的大小不符），已跳过",
                )
                continue
            yield _document(label, content)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | None:
    """The member's bytes, or None once it inflates past the limit.

    The size a zip records is the archive's own word for it, so a member that claims 1,000 bytes
    may inflate to gigabytes: it is read as a stream and given up one byte past the limit.
    """
    with archive.open(info) as stream:
        content = stream.read(limit + 1)
    return None if len(content) > limit else content


def _too_big(name: str, size: int) -> str:
    limit = settings.SPEECHES_MAX_FILE_BYTES
    return f"{name}：文件大小 {size / 1024 / 1024:.1f} MB，超过上限 {limit / 1024 / 1024:.0f} MB"


# --- writing rows ---------------------------------------------------------------------------


# Key of the PostgreSQL advisory lock that makes imports write one after another.
IMPORT_LOCK = 7_470_001


def _one_writer_at_a_time() -> None:
    """Imports write one after another, so each one's duplicate check sees what the last one wrote.

    SQLite's IMMEDIATE transactions already serialise writers; PostgreSQL needs the lock, or two
    imports of the same file would both see it as new and the second would fail on the hash.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])


def _store(parsed: list[ParsedSpeech], name: str, options: ImportOptions) -> list[SpeechOutcome]:
    outcomes = []
    with transaction.atomic():
        _one_writer_at_a_time()
        seen: set[str] = set()
        for position, speech in enumerate(parsed):
            _apply_options(speech, options)
            digest = content_hash(speech.text)
            duplicate = digest in seen or Speech.objects.filter(content_hash=digest).exists()
            seen.add(digest)
            row = None
            # Near duplicates are looked up in the dry run too, so the preview can ask what to do.
            choice = options.near_duplicate_choices.get(f"{name}#{position}", options.near_duplicate)
            check = reuse.ImportCheck(None, []) if duplicate else reuse.ImportCheck.of(speech, choice)
            if not duplicate and not options.dry_run:
                create = partial(_create_speech, speech, digest, name, options)
                row = reuse.store_checked(check, create, speech, digest, name, options.user)
            outcomes.append(SpeechOutcome(speech, row, duplicate, check.near_duplicates, check.choice))
    return outcomes


def _apply_options(speech: ParsedSpeech, options: ImportOptions) -> None:
    """Staff's --city/--province/--year win over what extraction found."""
    if options.city is not None:
        speech.city_code = options.city.code
        speech.province_code = options.city.province.code
        speech.county_code = None
    if options.province is not None:
        speech.province_code = options.province.code
        if speech.city_code and not speech.city_code.startswith(options.province.code[:2]):
            speech.city_code = speech.county_code = None
    if options.year is not None:
        speech.year, speech.year_source = options.year, Speech.YearSource.STAFF


def _regions(codes: Iterable[str | None]) -> dict[str, Region]:
    return {region.code: region for region in Region.objects.filter(code__in={c for c in codes if c})}


def _create_speech(parsed: ParsedSpeech, digest: str, name: str, options: ImportOptions) -> Speech:
    regions = _regions([parsed.city_code, parsed.province_code, parsed.county_code])
    topics = {topic.slug: topic for topic in Topic.objects.filter(slug__in=parsed.topics)}
    speech = Speech.objects.create(
        title=parsed.title[:300],
        city=regions.get(parsed.city_code or ""),
        county=regions.get(parsed.county_code or ""),
        province=regions.get(parsed.province_code or ""),
        year=parsed.year,
        year_source=parsed.year_source,
        delivered_on=parsed.delivered_on,
        speaker=(parsed.speaker or "")[:100],
        occasion=(parsed.occasion or "")[:300],
        primary_topic=topics.get(parsed.topics[0]) if parsed.topics else None,
        source_name=PurePosixPath(name).name[:255],
        original_text=parsed.original_text,
        text=parsed.text,
        content_hash=digest,
        imported_by=options.user if getattr(options.user, "pk", None) else None,
    )
    if topics:
        speech.topics.set(topics.values())
    sections = store_sections(speech, parsed.sections)
    store_commitments(speech, parsed, sections)
    record_ledger(speech, parsed)
    record_import(options.user, speech, speech.source_name)
    return speech


def store_sections(speech: Speech, tree: list[ParsedSection]) -> list[Section]:
    """Rows for the outline, in walk_sections() order; parents are written before children."""
    rows: list[Section] = []
    parents: dict[int, Section | None] = {}

    def visit(nodes: list[ParsedSection], parent: ParsedSection | None) -> None:
        for node in nodes:
            parents[id(node)] = parent
            rows.append(
                Section(
                    speech=speech,
                    position=len(rows),
                    level=node.level,
                    marker=node.marker[:20],
                    heading=node.heading[:500],
                    text=node.text,
                )
            )
            visit(node.children, node)

    visit(tree, None)
    nodes = list(walk_sections(tree))
    row_of = {id(node): row for node, row in zip(nodes, rows, strict=True)}
    for depth in sorted({node.level for node in nodes}):
        batch = []
        for node, row in zip(nodes, rows, strict=True):
            if node.level == depth:
                parent = parents[id(node)]
                row.parent = row_of[id(parent)] if parent is not None else None
                batch.append(row)
        Section.objects.bulk_create(batch)
    return rows


def store_commitments(speech: Speech, parsed: ParsedSpeech, sections: list[Section]) -> list[int]:
    """Rows for the speech's commitments and their amounts; the commitments' ids, in order."""
    topics = {topic.slug: topic.pk for topic in Topic.objects.all()} if parsed.commitments else {}
    ids = insert_rows(
        Commitment,
        [
            {
                "speech": speech.pk,
                "section": sections[item.section_index].pk if item.section_index < len(sections) else None,
                "position": item.position,
                "text": item.text,
                "kind": item.kind,
                "strength": item.strength,
                "responsible": (item.responsible or "")[:200],
                "deadline_text": item.deadline.text[:100] if item.deadline else "",
                "deadline_year": item.deadline.year if item.deadline else None,
                "deadline_month": item.deadline.month if item.deadline else None,
                "deadline_day": item.deadline.day if item.deadline else None,
                "topic": topics.get(item.topic or ""),
                **commitment_search_fields(item.text, [target.text for target in item.targets], words),
            }
            for item, words in zip(parsed.commitments, _words_of_commitments(parsed), strict=True)
        ],
    )
    insert_rows(
        Target,
        [
            target_values(commitment_id, position, target)
            for commitment_id, item in zip(ids, parsed.commitments, strict=True)
            for position, target in enumerate(item.targets)
        ],
    )
    return ids


def insert_rows(model: type[models.Model], rows: list[dict]) -> list[int]:
    """Write rows of `model` given as {field name: value} (a foreign key by its id); their ids, in order.

    An import writes tens of thousands of commitments and amounts. Building a model instance for
    each and compiling every value through the ORM's bulk_create took longer than the database's
    own work, so the rows go to the cursor as the INSERT ... RETURNING that bulk_create would send,
    in batches of the size it would use. Fields a row leaves out take their defaults; like
    bulk_create, no save() and no signals.
    """
    if not rows:
        return []
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    named = set(rows[0])
    defaults = {field.name: field.get_default() for field in fields if field.name not in named}
    # Only decimals need adapting (SQLite stores them as text); str, int and None go as they are.
    adapt = [
        (lambda value, field=field: field.get_db_prep_save(value, connection))
        if isinstance(field, models.DecimalField)
        else None
        for field in fields
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    one_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = max(1, min(500, connection.ops.bulk_batch_size(fields, rows)))
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            params = []
            for row in batch:
                values = row | defaults if defaults else row
                params.extend(
                    value if prepare is None else prepare(value)
                    for value, prepare in zip((values[field.name] for field in fields), adapt, strict=True)
                )
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {', '.join([one_row] * len(batch))}"
                f" RETURNING {quote(meta.pk.column)}",
                params,
            )
            ids.extend(row[0] for row in cursor.fetchall())
    return ids


def _words_of_commitments(parsed: ParsedSpeech) -> list[list[str] | None]:
    """Each commitment's words from the speech's segmentation, in order (None: cut it afresh)."""
    found, cursor = [], 0
    for item in parsed.commitments:
        words = parsed.words_of(item.text, cursor)
        if words is not None:
            cursor = parsed.text.find(item.text, cursor)
        found.append(words if words is not None else parsed.words_of(item.text))
    return found


def target_values(commitment_id: int, position: int, target: ParsedTarget) -> dict:
    return {
        "commitment": commitment_id,
        "position": position,
        "value": target.value,
        "value_max": target.value_max,
        "unit": target.unit[:20],
        "qualifier": (target.qualifier or "")[:10],
        "text": target.text[:100],
    }


# --- the JSON report ------------------------------------------------------------------------


def outcome_report(outcomes: Iterable[FileOutcome]) -> dict:
    """The report `import_speeches --json` prints; other tools read these names."""
    outcomes = list(outcomes)
    codes = [
        code
        for outcome in outcomes
        for item in outcome.speeches
        for code in (item.parsed.city_code, item.parsed.province_code, item.parsed.county_code)
    ]
    regions = _regions(codes)
    topic_names = dict(Topic.objects.values_list("slug", "name"))

    def place(code: str | None) -> dict | None:
        region = regions.get(code or "")
        return {"code": region.code, "name": region.name} if region else None

    def speech_report(item: SpeechOutcome) -> dict:
        parsed = item.parsed
        return {
            "id": item.speech.pk if item.speech else None,
            "duplicate": item.duplicate,
            "title": parsed.title,
            "city": place(parsed.city_code),
            "county": place(parsed.county_code),
            "province": place(parsed.province_code),
            "year": parsed.year,
            "year_source": parsed.year_source or None,
            "delivered_on": parsed.delivered_on.isoformat() if parsed.delivered_on else None,
            "speaker": parsed.speaker,
            "occasion": parsed.occasion,
            "topics": [topic_names.get(slug, slug) for slug in parsed.topics],
            "sections": [section.as_report() for section in parsed.sections],
            "commitments": [commitment.as_report() for commitment in parsed.commitments],
            "near_duplicates": item.near_duplicates,
        }

    return {
        "files": [
            {
                "path": outcome.path,
                "error": outcome.error,
                "speeches": [speech_report(item) for item in outcome.speeches],
            }
            for outcome in outcomes
        ]
    }
