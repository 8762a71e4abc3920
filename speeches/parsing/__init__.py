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


def parse_text(text: str) -> list[ParsedSpeech]:
    speeches = []
    for part in split_speeches(clean_lines(text)):
        paragraphs = repair_paragraphs([line.text for line in part.lines])
        heading = part.heading
        if heading is None:
            heading = _title_line(paragraphs)
            if heading is not None:
                paragraphs = paragraphs[1:]
        if not paragraphs:
            continue
        speeches.append(
            ParsedSpeech(
                title=heading or "",
                text="\n".join(paragraphs),
                original_text="\n".join(line.raw for line in part.lines).strip("\n"),
                sections=build_outline(paragraphs),
            )
        )
    return speeches


def parse_document(data: bytes, name: str, *, max_inflated: int = DEFAULT_MAX_INFLATED) -> list[ParsedSpeech]:
    """Raises UnreadableFile with a message naming the file when it is not a speech text."""
    speeches = parse_text(read_document(data, name, max_inflated=max_inflated))
    if not speeches:
        raise UnreadableFile(f"{name}：文件中没有可读的讲话正文")
    return speeches
