"""Text of speech files -> plain data (dataclasses). No Django below this package.

    parse_document(data, name)  bytes of a .txt, .docx or .pdf file -> speeches
    parse_text(text)            decoded text -> speeches

Both return ParsedSpeech objects with their outline; `extract` then fills in what the
archive reads from the words: year, place, topics and commitments.
"""

from __future__ import annotations

import re

from .decoding import UnreadableFile
from .documents import DEFAULT_MAX_INFLATED, read_document
from .normalize import clean_lines, repair_paragraphs
from .outline import build_outline, read_marker
from .split import split_speeches
from .structures import ParsedSection, ParsedSpeech, walk_sections

__all__ = [
    "ParsedSection",
    "ParsedSpeech",
    "UnreadableFile",
    "parse_document",
    "parse_text",
    "walk_sections",
]

_TITLE = re.compile(r"^[^。！？；]{2,80}$")
_SALUTATION = re.compile(r"[：:！!]$")


def _title_line(paragraphs: list[str]) -> str | None:
    """The first paragraph of a file holding one speech is its title when it reads like one."""
    if not paragraphs:
        return None
    first = paragraphs[0]
    if (
        _TITLE.match(first)
        and not _SALUTATION.search(first)
        and read_marker(first) is None
        and not first.startswith(("—", "―", "-"))
        and len(paragraphs) > 1
    ):
        return first
    return None


# What one file may cost. The longest texts of the shared corpus are under 40,000 characters,
# 350 lines and 80 sections, and a year's work report rarely passes 100,000 characters; these
# leave twenty times that and more, while a file past them (a log, a database dump, a whole book)
# is refused before its parse and extraction take minutes and gigabytes.
MAX_CHARACTERS = 2_000_000
MAX_LINES = 400_000  # blank lines between paragraphs count, so twice the paragraphs
MAX_PARAGRAPHS = 200_000
MAX_SECTIONS = 20_000
_SPLIT_IT = "请确认选对了文件，或把它拆成几个文件分别导入"


def _line_count(text: str) -> int:
    # Counted without splitting: the file is refused before it is cut into lines.
    return text.count("\n") + text.count("\r") - text.count("\r\n") + 1


def parse_text(text: str, *, name: str = "文本") -> list[ParsedSpeech]:
    """Raises UnreadableFile (naming `name`) for a text past the limits above."""
    if len(text) > MAX_CHARACTERS:
        raise UnreadableFile(
            f"{name}：文件太长（{len(text):,} 个字符），一个文件最多 {MAX_CHARACTERS:,} 个字符，{_SPLIT_IT}"
        )
    if (lines := _line_count(text)) > MAX_LINES:
        raise UnreadableFile(f"{name}：文件行数太多（{lines:,} 行），一个文件最多 {MAX_LINES:,} 行，{_SPLIT_IT}")
    speeches = []
    paragraph_count = section_count = 0
    for part in split_speeches(clean_lines(text)):
        paragraphs = repair_paragraphs([line.text for line in part.lines])
        paragraph_count += len(paragraphs)
        if paragraph_count > MAX_PARAGRAPHS:
            raise UnreadableFile(f"{name}：文件段落太多（超过 {MAX_PARAGRAPHS:,} 段），不像一篇或几篇讲话，{_SPLIT_IT}")
        heading = part.heading
        if heading is None:
            heading = _title_line(paragraphs)
            if heading is not None:
                paragraphs = paragraphs[1:]
        if not paragraphs:
            continue
        sections = build_outline(paragraphs)
        section_count += sum(1 for _ in walk_sections(sections))
        if section_count > MAX_SECTIONS:
            raise UnreadableFile(
                f"{name}：文件的标题层次太多（超过 {MAX_SECTIONS:,} 个小节），不像一篇或几篇讲话，{_SPLIT_IT}"
            )
        speeches.append(
            ParsedSpeech(
                title=heading or "",
                text="\n".join(paragraphs),
                original_text="\n".join(line.raw for line in part.lines).strip("\n"),
                sections=sections,
            )
        )
    return speeches


def parse_document(data: bytes, name: str, *, max_inflated: int = DEFAULT_MAX_INFLATED) -> list[ParsedSpeech]:
    """Raises UnreadableFile with a message naming the file when it is not a speech text."""
    speeches = parse_text(read_document(data, name, max_inflated=max_inflated), name=name)
    if not speeches:
        raise UnreadableFile(f"{name}：文件中没有可读的讲话正文")
    return speeches
