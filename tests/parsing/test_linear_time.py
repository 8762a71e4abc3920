"""Parsing costs grow in proportion to the file, and a file past the limits is refused.

Cost is counted, not timed: the bytecode instructions Python runs, the characters written
into section texts and the peak of memory allocated, for a file and for the same kind of file
four times as long. A step quadratic in a section's or a file's length makes the longer file
cost sixteen times as much, far past the margin allowed here.
"""

import re
import sys
import tracemalloc
from pathlib import Path

import pytest

import speeches.parsing as parsing
from speeches.parsing import UnreadableFile, parse_document, parse_text, walk_sections
from speeches.parsing.decoding import decode_text
from speeches.parsing.structures import ParsedSection

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
WORDS = ["推进", "高质量发展", "深化改革", "扩大开放", "生态保护", "城市更新", "乡村振兴", "科技创新", "民生保障"]
NUMERALS = "一二三四五六七八九"


def sentence(i: int) -> str:
    return f"{WORDS[i % 9]}{WORDS[i * 7 % 9]}，{WORDS[i * 5 % 9]}取得新成效{i}。"


# Each builds a text of n units in a shape that once made some step quadratic.
SHAPES = {
    # every line a paragraph of one long section (the outline rebuilt the section's text each time)
    "short lines in one section": lambda n: "一、总体要求\n" + "\n".join(sentence(i) for i in range(n)),
    # one paragraph cut into many lines, as a PDF's text is (joining copied the paragraph each time)
    "one paragraph of many lines": lambda n: (
        "一、总体要求\n" + "\n".join(f"{WORDS[i % 9]}和{WORDS[i * 7 % 9]}" for i in range(n))
    ),
    # as many top-level sections as lines, after an opening paragraph
    "a section on every line": lambda n: "各位代表：\n" + "\n".join(f"一、{WORDS[i % 9]}{i}" for i in range(n)),
    # short marked lines in sequence, each a candidate table of contents searched for in the rest
    "runs of short headings": lambda n: "\n".join(f"{NUMERALS[i % 3]}、{WORDS[i % 9]}{i}" for i in range(n)),
    # markers with nothing after them
    "bare markers": lambda n: "\n".join(["一、"] * n),
}


def instructions(text: str) -> int:
    """Bytecode instructions run by parse_text(text)."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        frame.f_trace_opcodes = True
        if event == "opcode":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        parse_text(text)
    finally:
        sys.settrace(None)
    return count


def section_characters(text: str, monkeypatch) -> int:
    """Characters written into section texts while parsing `text`, counting every rewrite."""
    written = 0
    original = ParsedSection.__setattr__

    def counting(self, name, value):
        nonlocal written
        if name == "text":
            written += len(value)
        original(self, name, value)

    with monkeypatch.context() as patch:
        patch.setattr(ParsedSection, "__setattr__", counting)
        parse_text(text)
    return written


def peak_memory(text: str) -> int:
    tracemalloc.start()
    try:
        parse_text(text)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("shape", SHAPES)
def test_parsing_runs_as_many_instructions_per_line_for_a_long_file_as_for_a_short_one(shape):
    small, large = instructions(SHAPES[shape](500)), instructions(SHAPES[shape](2000))
    assert large <= 4.5 * small, f"{shape}: {small:,} instructions for 500 lines, {large:,} for 2,000"


@pytest.mark.parametrize("shape", SHAPES)
def test_each_section_text_is_written_once_not_once_per_paragraph(shape, monkeypatch):
    text = SHAPES[shape](4000)
    assert section_characters(text, monkeypatch) <= 2 * len(text)


@pytest.mark.parametrize("shape", SHAPES)
def test_memory_grows_in_proportion_to_the_file(shape):
    small, large = peak_memory(SHAPES[shape](4000)), peak_memory(SHAPES[shape](16000))
    assert large <= 5 * small, f"{shape}: peak {small:,} bytes for 4,000 lines, {large:,} for 16,000"


def test_a_file_longer_than_two_million_characters_is_refused_before_it_is_parsed():
    # Real writing, so that only its length is wrong with it: the corpus, twice over.
    texts = [decode_text(path.read_bytes(), path.name) for path in sorted(CORPUS.glob("*/*.txt"))]
    text = "\n".join(texts) * 2
    assert len(text) > 2_000_000
    with pytest.raises(
        UnreadableFile, match=rf"^长文\.txt：文件太长（{len(text):,} 个字符），一个文件最多 2,000,000 个字符"
    ):
        parse_document(text.encode("utf-8"), "长文.txt")


def test_a_file_of_too_many_lines_is_refused():
    text = "推进高质量发展。" + "\n" * 400_000 + "深化改革开放。"
    with pytest.raises(UnreadableFile, match=r"^文本：文件行数太多（400,001 行），一个文件最多 400,000 行"):
        parse_text(text)


def test_a_file_of_too_many_paragraphs_or_sections_is_refused(monkeypatch):
    # The real limits (200,000 paragraphs, 20,000 sections) lowered, to keep the test small.
    monkeypatch.setattr(parsing, "MAX_PARAGRAPHS", 50)
    with pytest.raises(UnreadableFile, match="文件段落太多（超过 50 段）"):
        parse_text("\n".join(sentence(i) for i in range(51)))
    assert parse_text("\n".join(sentence(i) for i in range(50)))

    monkeypatch.setattr(parsing, "MAX_SECTIONS", 10)
    with pytest.raises(UnreadableFile, match="标题层次太多（超过 10 个小节）"):
        parse_text("\n".join(f"{'一二三四五六七八九十'[i % 10]}、{WORDS[i % 9]}\n{sentence(i)}" for i in range(11)))


def test_every_text_of_the_corpus_is_within_the_limits_and_keeps_every_character():
    files = sorted(CORPUS.glob("*/*.txt"))
    assert len(files) >= 50
    for path in files:
        for speech in parse_document(path.read_bytes(), path.name):
            in_sections = "".join(s.marker + s.heading + s.text for s in walk_sections(speech.sections))
            assert re.sub(r"\s+", "", in_sections) == re.sub(r"\s+", "", speech.text), path.name


def test_a_file_of_one_repeated_letter_is_refused_without_memory_growing_with_it():
    from speeches.parsing.decoding import check_language

    tracemalloc.start()
    try:
        with pytest.raises(UnreadableFile, match="连续重复了 2000000 次"):
            check_language("a" * 2_000_000, "重复.txt")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8_000_000  # the text itself is 2 MB; the old open-ended pattern took 190 MB here
