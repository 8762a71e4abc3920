"""Snippets: a result's text, escaped, with the query's terms marked, read from its folded text."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.db.models.query import ModelIterable
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .query import ParsedQuery
from .text import fold

# How much text a snippet shows around the first match.
SNIPPET_CHARS = 120


def highlight(text: str, folded: str, terms: Iterable[str], limit: int | None = SNIPPET_CHARS) -> SafeString:
    """`text` escaped, with each occurrence of a (folded) term marked; found in `folded`, which is
    as long as `text`, so traditional or full-width text is marked where the term is. With a
    `limit`, only a window of that many characters around the first match, … where cut."""
    spans = _spans(folded, terms)
    start, end = 0, len(text)
    if limit is not None and len(text) > limit:
        first = spans[0][0] if spans else 0
        start = max(0, min(first - limit // 4, len(text) - limit))
        end = start + limit
    pieces = ["…" if start > 0 else ""]
    position = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, position), min(span_end, end)
        pieces.append(escape(text[position:span_start]))
        pieces.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    pieces.append(escape(text[position:end]))
    pieces.append("…" if end < len(text) else "")
    return mark_safe("".join(pieces))


def _spans(folded: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Where the terms occur, overlapping occurrences merged, in order."""
    found = []
    for term in terms:
        start = folded.find(term)
        while start >= 0:
            found.append((start, start + len(term)))
            start = folded.find(term, start + 1)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


class _HighlightedIterable(ModelIterable):
    """Model instances, each given `snippet` (and `title_snippet` for speeches) as it is read."""

    terms: tuple[str, ...] = ()

    def __iter__(self) -> Iterator:
        for instance in super().__iter__():
            _annotate_snippet(instance, self.terms)
            yield instance


def _annotate_snippet(instance, terms: tuple[str, ...]) -> None:
    if instance._meta.model_name == "speech":
        title, text = instance.title, instance.text
        folded = instance.search_folded
        if len(folded) != len(title) + 1 + len(text):  # changed behind save()'s back
            folded = f"{fold(title)}\n{fold(text)}"
        instance.title_snippet = highlight(title, folded[: len(title)], terms, limit=None)
        instance.snippet = highlight(text, folded[len(title) + 1 :], terms)
    else:
        text, folded = instance.text, instance.search_folded
        if len(folded) != len(text):
            folded = fold(text)
        instance.snippet = highlight(text, folded, terms)


def highlighted(queryset: QuerySet, parsed: ParsedQuery) -> QuerySet:
    # The iterable class travels with every clone of the queryset (filter, order_by, slicing).
    queryset._iterable_class = type(
        "HighlightedIterable", (_HighlightedIterable,), {"terms": tuple(term.text for term in parsed.terms)}
    )
    return queryset


# --- passages and context for the result pages ---------------------------------------------------

# How much of a paragraph a passage shows around its first match, and how many passages a speech shows.
PASSAGE_CHARS = 100
PASSAGES = 3
# How much of the text around a commitment its result shows.
CONTEXT_CHARS = 70
_SENTENCE_END = "。！？；!?;"


@dataclass(frozen=True)
class Passage:
    anchor: str  # the paragraph's (or heading's) anchor on the speech page, without "#"
    html: SafeString  # escaped, the query's terms in <mark>


def passages(outline, terms: Iterable[str], limit: int = PASSAGES) -> list[Passage]:
    """The paragraphs (and headings) of a speech that hold the most of the query's terms, at most
    `limit`, in reading order; each marked and linked by the anchor its speech page gives it.
    `outline` is the speech's anchors.Outline, read with its sections' text."""
    terms = tuple(term for term in terms if term)
    if not terms:
        return []
    found = []  # (score, reading position, anchor, text)
    position = 0
    for section in outline.sections:
        heading = f"{section.marker}{section.heading}"
        candidates = [(heading, outline.section(section.pk))] if heading.strip() else []
        text = section.__dict__.get("text") or ""
        candidates += [
            (line, outline.paragraph(section.pk, number))
            for number, line in enumerate(text.split("\n"), start=1)
            if line.strip()
        ]
        for line, anchor in candidates:
            position += 1
            folded = fold(line)
            hits = [folded.count(term) for term in terms]
            if anchor and any(hits):
                found.append(((sum(1 for hit in hits if hit), sum(hits)), position, anchor, line, folded))
    best = sorted(found, key=lambda row: (-row[0][0], -row[0][1], row[1]))[:limit]
    return [
        Passage(anchor, highlight(line, folded, terms, limit=PASSAGE_CHARS))
        for _, _, anchor, line, folded in sorted(best, key=lambda row: row[1])
    ]


def commitment_context(text: str, words: str, terms: Iterable[str] = (), limit: int = CONTEXT_CHARS) -> SafeString:
    """The sentence a commitment stands in, within its paragraph: the clauses before and after its
    words, or the sentence before and after it when it is a whole sentence; at most `limit`
    characters each way. Escaped, the commitment's own words in <strong>, the query's terms in
    <mark>; empty when the words are not found in `text` (its section's) or stand alone."""
    start = text.find(words) if words else -1
    if start < 0:
        return mark_safe("")
    end = start + len(words)
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    before = _before(text[line_start:start])
    after = _after(text[end:line_end])
    # A commitment that is a paragraph of its own: the sentences next to it in the paragraphs around.
    if not before.strip() and not after.strip(_SENTENCE_END + "，、 "):
        previous = text[: max(line_start - 1, 0)].rstrip("\n")
        previous = previous[previous.rfind("\n") + 1 :]
        before = previous[_last_end(previous[:-1]) + 1 :] if previous else ""
        following = text[line_end + 1 :].lstrip("\n")
        following = following[: following.find("\n")] if "\n" in following else following
        cut = _first_end(following)
        after += following[: cut + 1] if cut >= 0 else following
    if len(before.strip()) + len(after.strip(_SENTENCE_END + "，、 ")) == 0:
        return mark_safe("")
    terms = tuple(terms)

    def marked(part: str) -> str:
        return highlight(part, fold(part), terms, limit=None) if terms else escape(part)

    lead = "…" if len(before) > limit else ""
    tail = "…" if len(after) > limit else ""
    before, after = before[-limit:], after[:limit]
    return mark_safe(f"{lead}{marked(before)}<strong>{marked(words)}</strong>{marked(after)}{tail}")


def _last_end(text: str) -> int:
    return max((text.rfind(mark) for mark in _SENTENCE_END), default=-1)


def _first_end(text: str, after: int = 0) -> int:
    ends = [position for position in (text.find(mark, after) for mark in _SENTENCE_END) if position >= 0]
    return min(ends, default=-1)


def _before(text: str) -> str:
    """What stands before a commitment in its sentence; the sentence before, if it starts one."""
    cut = _last_end(text)
    piece = text[cut + 1 :]
    if not piece.strip() and cut >= 0:
        piece = text[_last_end(text[:cut]) + 1 :]
    return piece


def _after(text: str) -> str:
    """What follows a commitment to the end of its sentence; the sentence after, if it ends one."""
    cut = _first_end(text)
    if cut < 0:
        return text
    if not text[:cut].strip("，、 "):  # the commitment ends its sentence
        following = _first_end(text, cut + 1)
        return text if following < 0 else text[: following + 1]
    return text[: cut + 1]
