"""Bytes of an uploaded file -> text, or a clear reason why the file is not a text."""

from __future__ import annotations

import codecs
import itertools
import re
from collections import Counter


class UnreadableFile(ValueError):
    """The file is not a text the archive can read; the message names the file and why."""


# Magic numbers of the files staff most often pick by mistake.
_BINARY_SIGNATURES = {
    b"\x89PNG": "PNG 图片",
    b"\xff\xd8\xff": "JPEG 图片",
    b"GIF8": "GIF 图片",
    b"%PDF": "PDF 文件",
    b"PK\x03\x04": "ZIP 压缩包或 Office 文档",
    b"\xd0\xcf\x11\xe0": "旧版 Office 文档",
    b"\x7fELF": "可执行文件",
    b"Rar!": "RAR 压缩包",
    b"\x1f\x8b": "gzip 压缩包",
}


def decode_text(data: bytes, name: str) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030 (a superset of GBK and GB2312).

    Anything else is refused with UnreadableFile rather than guessed into mojibake.
    """
    if not data.strip():
        raise UnreadableFile(f"{name}：文件是空的")
    for signature, kind in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise UnreadableFile(f"{name}：这是{kind}，不是文本文件")
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[len(codecs.BOM_UTF8) :], "utf-8", name)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", name)
    if b"\x00" in data:
        # Text in the encodings we accept never holds NUL bytes (UTF-16 must carry its BOM).
        raise UnreadableFile(f"{name}：这是二进制文件，不是文本文件")
    try:
        return check_language(data.decode("utf-8"), name)
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            f"{name}：无法识别文件编码（第 {error.start} 字节起），请另存为 UTF-8 或 GB18030 文本"
        ) from None
    if not _looks_like_chinese(text):
        raise UnreadableFile(f"{name}：文件内容不像中文文本，请确认文件编码为 UTF-8 或 GB18030")
    return check_language(text, name)


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise UnreadableFile(f"{name}：文件声明为 {encoding} 编码，但第 {error.start} 字节起无法解码") from None
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise UnreadableFile(f"{name}：文件是空的")
    return check_language(text, name)


def _looks_like_chinese(text: str) -> bool:
    """GB18030 decodes almost any byte string; real Chinese text is mostly common CJK characters."""
    sample = text[:20000]
    meaningful = [ch for ch in sample if not ch.isspace()]
    if not meaningful:
        return False
    common = sum(
        1
        for ch in meaningful
        if "\u4e00" <= ch <= "\u9fff"
        or ch.isascii()
        or "\u3000" <= ch <= "\u303f"
        or "\uff00" <= ch <= "\uffef"
        or ch in "“”‘’…—·"
    )
    return common / len(meaningful) > 0.9


# --- text that is not language ------------------------------------------------------------
#
# Measured on every text of the shared corpus, each 20,000-character window: at least 82% of the
# visible characters are Chinese, at least 99% of those are among GB2312's 3,755 common
# characters, the window's 50 most frequent characters make at least 30% of its Chinese, at least
# 37% of its character pairs are different, and no character runs more than four times. Random
# bytes decoded as GB2312 give 56% common characters and 2–3% for the 50 most frequent; one
# repeated letter gives a run as long as the file. The limits below leave a wide margin.

_WINDOW = 20_000
_WINDOWS = 4  # spread over the text, so a long file costs no more than 80,000 characters
_MAX_RUN = 200
_LONG_RUN = re.compile(rf"(\S)\1{{{_MAX_RUN}}}")
_MIN_CHINESE = 0.3
_MIN_COMMON = 0.9
_MIN_TOP50 = 0.12
_MIN_PAIR_VARIETY = 0.1
_MIN_DISTINCT = 20
_WHITESPACE = re.compile(r"\s+")


_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def _first_level_characters() -> frozenset[str]:
    """GB2312's first-level characters (rows 0xB0-0xD7), the 3,755 most used in Chinese writing."""
    cells = bytes(byte for row in range(0xB0, 0xD8) for cell in range(0xA1, 0xFF) for byte in (row, cell))
    return frozenset(cells.decode("gb2312", "ignore"))


# Looked up once per character of a window: a set, not an encoding attempt per character.
_COMMON = _first_level_characters()


def _windows(text: str) -> list[str]:
    """Windows of full size (the last one ends with the text), at most _WINDOWS of them."""
    if len(text) <= _WINDOW:
        return [text]
    count = min(_WINDOWS, -(-len(text) // _WINDOW))
    step = (len(text) - _WINDOW) / (count - 1)
    return [text[round(i * step) : round(i * step) + _WINDOW] for i in range(count)]


def check_language(text: str, name: str) -> str:
    """The text itself when it reads like Chinese writing; UnreadableFile when it is noise.

    A file of one repeated letter, or random bytes that happen to decode as GB2312, would
    otherwise import as a "speech" a million characters long.
    """
    # A bounded repeat: an open-ended one keeps a backtracking frame per repetition (1.5 GB for a
    # file of 19 MiB of one letter). How long the run goes on is measured apart.
    run = _LONG_RUN.search(text)
    if run:
        char = run.group(1)
        length = len(re.compile(f"{re.escape(char)}+").match(text, run.start()).group())
        raise UnreadableFile(f"{name}：文件内容不像讲话文字（字符“{char}”连续重复了 {length} 次）")
    for window in _windows(text):
        reason = _not_language(_WHITESPACE.sub("", window))
        if reason:
            raise UnreadableFile(f"{name}：文件内容不像讲话文字（{reason}），请确认选对了文件")
    return text


def _not_language(visible: str) -> str | None:
    if not visible:
        return None
    # One count of the window's characters answers every question about which characters it holds.
    counts = Counter(visible)
    chinese = {ch: count for ch, count in counts.items() if _CHINESE.match(ch)}
    total = sum(chinese.values())
    if total < _MIN_CHINESE * len(visible):
        return "汉字太少"
    if total >= 200 and sum(count for ch, count in chinese.items() if ch in _COMMON) < _MIN_COMMON * total:
        return "大多是生僻字，像是乱码或随机数据"
    if total >= 2000 and sum(sorted(chinese.values(), reverse=True)[:50]) < _MIN_TOP50 * total:
        return "字频分布像随机数据"
    if len(visible) >= 2000:
        if len(counts) < _MIN_DISTINCT:
            return "只有少数几个字符反复出现"
        if len(set(itertools.pairwise(visible))) < _MIN_PAIR_VARIETY * (len(visible) - 1):
            return "同一段文字反复出现"
    return None
