"""Bytes of an uploaded file -> text, or a clear reason why the file is not a text."""

from __future__ import annotations

import codecs


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
        return data.decode("utf-8")
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
    return text


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        raise UnreadableFile(f"{name}：文件声明为 {encoding} 编码，但第 {error.start} 字节起无法解码") from None
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise UnreadableFile(f"{name}：文件是空的")
    return text


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
