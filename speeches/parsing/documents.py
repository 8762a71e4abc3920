"""Bytes of a .txt, .docx or .pdf file -> plain text lines for parse_text.

Each format ends as the lines a .txt of the same report would have, so the same report gives the
same outline, place, year and commitments whichever format staff hold it in.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterator
from io import BytesIO
from pathlib import PurePosixPath

from .characters import fold_radicals
from .decoding import UnreadableFile, check_language, decode_text
from .numerals import to_numeral
from .outline import read_marker

DOCUMENT_SUFFIXES = (".txt", ".docx", ".pdf")
_OLE = b"\xd0\xcf\x11\xe0"
_ZIP = b"PK\x03\x04"
_SAVE_AS_DOCX = "请另存为 .docx 后再导入"
# A .docx is a zip of XML; what it may inflate to, so a small file cannot unpack into gigabytes.
DEFAULT_MAX_INFLATED = 256 * 1024 * 1024


def read_document(data: bytes, name: str, *, max_inflated: int = DEFAULT_MAX_INFLATED) -> str:
    """The text of a file, chosen by its name and its first bytes; UnreadableFile says why not."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in (".doc", ".wps") or data.startswith(_OLE):
        raise UnreadableFile(f"{name}：这是旧版 Word（.doc）或 WPS 文档，{_SAVE_AS_DOCX}")
    if suffix == ".pdf" or data.startswith(b"%PDF"):
        return check_language(pdf_text(data, name), name)
    if suffix == ".docx" or (data.startswith(_ZIP) and _is_docx(data)):
        return check_language(docx_text(data, name, max_inflated=max_inflated), name)
    return fold_radicals(decode_text(data, name))


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError):
        return False


# --- Word -----------------------------------------------------------------------------------


def docx_text(data: bytes, name: str, *, max_inflated: int = DEFAULT_MAX_INFLATED) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if not data.strip():
        raise UnreadableFile(f"{name}：文件是空的")
    if data.startswith(_OLE):
        raise UnreadableFile(f"{name}：这是旧版 Word（.doc）或加密的 Word 文档，{_SAVE_AS_DOCX}")
    if not data.startswith(_ZIP):
        raise UnreadableFile(f"{name}：不是有效的 .docx 文件（文件已损坏或扩展名有误）")
    _check_inflated_size(data, name, max_inflated)
    try:
        document = docx.Document(BytesIO(data))
        lines = list(_docx_lines(document))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as error:
        # lxml's XMLSyntaxError is a SyntaxError; a missing part is a KeyError of the package.
        raise UnreadableFile(f"{name}：.docx 文件已损坏，无法读取（{type(error).__name__}）") from None
    text = fold_radicals("\n".join(lines))
    if not text.strip():
        raise UnreadableFile(f"{name}：文档中没有文字")
    return text


def _check_inflated_size(data: bytes, name: str, limit: int) -> None:
    """Inflate every part once, in pieces and without keeping them, before python-docx reads them whole."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            total = 0
            for info in archive.infolist():
                with archive.open(info) as stream:
                    while chunk := stream.read(1024 * 1024):
                        total += len(chunk)
                        if total > limit:
                            raise UnreadableFile(
                                f"{name}：.docx 解压后超过 {limit / 1024 / 1024:.0f} MB，可能是恶意构造的文件，已拒绝"
                            )
    except UnreadableFile:
        raise
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, EOFError):
        raise UnreadableFile(f"{name}：.docx 文件已损坏或已加密，无法读取") from None


_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
# Marker styles the outline parser reads, by rank of the Word heading levels a document uses.
_HEADING_MARKERS = ("{cn}、", "（{cn}）", "{n}.", "（{n}）")


def _docx_lines(document) -> Iterator[str]:
    """Paragraphs and table rows in document order, with numbering Word draws written out."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    numbering = _Numbering(document)
    blocks = []
    for element in _body_blocks(document.element.body):
        if element.tag.endswith("}p"):
            blocks.append(Paragraph(element, document))
        elif element.tag.endswith("}tbl"):
            blocks.append(Table(element, document))
    headings = _HeadingMarkers([block for block in blocks if isinstance(block, Paragraph)])
    for block in blocks:
        if isinstance(block, Table):
            yield from _table_lines(block)
            continue
        text = block.text.strip()
        if not text:
            yield ""
            continue
        if read_marker(text) is None:
            marker = numbering.marker(block) or headings.marker(block)
            if marker:
                text = marker + text
        yield text


def _body_blocks(parent) -> Iterator:
    for child in parent.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag in ("p", "tbl"):
            yield child
        elif tag in ("sdt", "sdtContent", "customXml"):
            # Content controls and custom XML wrap ordinary paragraphs.
            yield from _body_blocks(child)


def _table_lines(table) -> Iterator[str]:
    """One line a row, cells apart; a merged cell (python-docx repeats it per grid column) once."""
    for row in table.rows:
        seen, cells = set(), []
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            text = " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())
            if text:
                cells.append(text)
        if cells:
            yield "\u3000".join(cells)
    yield ""


def _style_chain(paragraph) -> Iterator:
    style = paragraph.style
    seen = set()
    while style is not None and style.style_id not in seen:
        seen.add(style.style_id)
        yield style
        style = style.base_style


class _HeadingMarkers:
    """Markers for paragraphs in Word heading styles that carry none: 一、 （一） 1. （1） by level.

    The first heading level is the document's title, not a section, when it is used once, first.
    """

    def __init__(self, paragraphs: list) -> None:
        self.levels: dict[int, int] = {}  # id(paragraph element) -> heading level
        for paragraph in paragraphs:
            level = _heading_level(paragraph)
            if level is not None and paragraph.text.strip():
                self.levels[id(paragraph._p)] = level
        used = list(self.levels.values())
        if used and used.count(used[0]) == 1 and min(used) == used[0]:
            first = next(iter(self.levels))
            if paragraphs and next((id(p._p) for p in paragraphs if p.text.strip()), None) == first:
                del self.levels[first]
        self.rank = {level: rank for rank, level in enumerate(sorted(set(self.levels.values())))}
        self.counters = [0] * len(_HEADING_MARKERS)

    def marker(self, paragraph) -> str | None:
        level = self.levels.get(id(paragraph._p))
        if level is None or self.rank[level] >= len(_HEADING_MARKERS):
            return None
        rank = self.rank[level]
        self.counters[rank] += 1
        self.counters[rank + 1 :] = [0] * (len(self.counters) - rank - 1)
        number = self.counters[rank]
        return _HEADING_MARKERS[rank].format(cn=to_numeral(number), n=number)


def _heading_level(paragraph) -> int | None:
    for style in _style_chain(paragraph):
        match = _HEADING_STYLE.match(style.name or "")
        if match:
            return int(match.group(1))
    return None


class _Numbering:
    """Word's automatic numbering (numPr), rendered the way Word draws it: 一、 （一） 1. ①."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId -> ilvl -> (format, text, start)
        self.styles: dict[str, dict[str, int]] = {}  # numId -> style id -> ilvl it is linked to
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return
        abstract = {}
        for element in root.findall(_w("abstractNum")):
            levels, styles = {}, {}
            for lvl in element.findall(_w("lvl")):
                ilvl = int(lvl.get(_w("ilvl"), "0"))
                levels[ilvl] = (
                    _val(lvl, "numFmt") or "decimal",
                    _val(lvl, "lvlText") or "",
                    int(_val(lvl, "start") or 1),
                )
                if (style := _val(lvl, "pStyle")) is not None:
                    styles[style] = ilvl
            abstract[element.get(_w("abstractNumId"))] = (levels, styles)
        for num in root.findall(_w("num")):
            num_id = num.get(_w("numId"))
            levels, styles = abstract.get(_val(num, "abstractNumId") or "", ({}, {}))
            levels = dict(levels)
            for override in num.findall(_w("lvlOverride")):
                ilvl = int(override.get(_w("ilvl"), "0"))
                start = _val(override, "startOverride")
                if ilvl in levels and start is not None:
                    levels[ilvl] = (*levels[ilvl][:2], int(start))
            self.levels[num_id] = levels
            self.styles[num_id] = styles

    def marker(self, paragraph) -> str | None:
        found = self._num_pr(paragraph)
        if found is None:
            return None
        num_id, ilvl = found
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return None
        counters = self.counters.setdefault(num_id, [levels[i][2] - 1 if i in levels else 0 for i in range(9)])
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = levels[deeper][2] - 1 if deeper in levels else 0
        number_format, text, _ = levels[ilvl]
        if number_format in ("bullet", "none") or not text:
            return None

        def number(match: re.Match) -> str:
            level = int(match.group(1)) - 1
            fmt = levels.get(level, ("decimal", "", 1))[0]
            return _format_number(max(counters[level], 1), fmt)

        marker = re.sub(r"%([1-9])", number, text)
        if marker and (marker[-1].isdigit() or marker[-1] in "一二三四五六七八九十百"):
            # "%1" alone: Word puts a tab after it; the outline needs the separator a typed marker has.
            marker += "、" if _is_chinese_format(number_format) else "."
        return marker

    def _num_pr(self, paragraph) -> tuple[str, int] | None:
        """(numId, ilvl) of the paragraph's own numbering, or of its style's."""
        num_pr = _find(paragraph._p, "pPr", "numPr")
        style_id = None
        if num_pr is None:
            for style in _style_chain(paragraph):
                num_pr = _find(style.element, "pPr", "numPr")
                if num_pr is not None:
                    style_id = style.style_id
                    break
        if num_pr is None:
            return None
        num_id = _val(num_pr, "numId")
        if num_id is None or num_id == "0":
            return None  # numId 0 switches off numbering a style would give
        ilvl = _val(num_pr, "ilvl")
        if ilvl is None:
            ilvl = self.styles.get(num_id, {}).get(style_id or paragraph.style.style_id, 0)
        return num_id, int(ilvl)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _w(tag: str) -> str:
    return _W + tag


def _find(element, *path: str):
    for tag in path:
        if element is None:
            return None
        element = element.find(_w(tag))
    return element


def _val(element, tag: str) -> str | None:
    child = element.find(_w(tag))
    return child.get(_w("val")) if child is not None else None


_CHINESE_FORMATS = {
    "chineseCounting",
    "chineseCountingThousand",
    "ideographDigital",
    "japaneseCounting",
    "taiwaneseCounting",
    "taiwaneseCountingThousand",
}
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"


def _is_chinese_format(number_format: str) -> bool:
    return number_format in _CHINESE_FORMATS or number_format in ("chineseLegalSimplified", "ideographTraditional")


def _format_number(number: int, number_format: str) -> str:
    if number_format in _CHINESE_FORMATS:
        return to_numeral(number)
    if number_format == "chineseLegalSimplified":
        return to_numeral(number, "up")
    if number_format == "ideographTraditional":
        return _HEAVENLY_STEMS[(number - 1) % 10]
    if number_format in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and number <= 20:
        return chr(0x2460 + number - 1)
    if number_format in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (number - 1) % 26) * ((number - 1) // 26 + 1)
        return letter.upper() if number_format == "upperLetter" else letter
    if number_format in ("lowerRoman", "upperRoman"):
        roman = _roman(number)
        return roman if number_format == "upperRoman" else roman.lower()
    if number_format == "decimalZero":
        return f"{number:02d}"
    return str(number)


def _roman(number: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):  # fmt: skip
        while number >= value:
            out, number = out + letters, number - value
    return out


# --- PDF ------------------------------------------------------------------------------------

# A PDF this sparse (visible characters per page, page numbers left out) has no text layer to speak of.
_MIN_CHARS_PER_PAGE = 50
_PAGE_NUMBER = re.compile(
    r"^[\s\-—–―－·•]*(?:第\s*)?[\d０-９]{1,4}\s*(?:页)?(?:\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[\s\-—–―－·•]*$"
)
_SENTENCE_FINAL = tuple("。！？!?；;：:…”’」』）)")
# Simplified-Chinese fonts draw 户 with the glyph they also give 戶, and PDF text maps the glyph
# back to the lower code point: a mainland report printed to PDF reads "108戶企业".
_SHARED_GLYPHS = str.maketrans({"戶": "户"})


def pdf_text(data: bytes, name: str) -> str:
    pages = [
        [line.rstrip() for line in fold_radicals(page).translate(_SHARED_GLYPHS).splitlines()]
        for page in _pdf_pages(data, name)
    ]
    lines = [line for page in _drop_page_furniture(pages) for line in page if line.strip()]
    visible = sum(len(re.sub(r"\s", "", line)) for line in lines)
    if visible < _MIN_CHARS_PER_PAGE * max(1, len(pages)):
        raise UnreadableFile(f"{name}：这是扫描版 PDF，没有可提取的文字层，请先做文字识别（OCR）或提供 .docx/.txt")
    return "\n".join(_join_wrapped_lines(lines))


def _pdf_pages(data: bytes, name: str) -> list[str]:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError

    if not data.strip():
        raise UnreadableFile(f"{name}：文件是空的")
    if b"%PDF" not in data[:1024]:
        raise UnreadableFile(f"{name}：不是有效的 PDF 文件（文件已损坏或扩展名有误）")
    encrypted = f"{name}：PDF 已加密（设有打开密码或权限限制），请提供未加密的文件"
    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted:
            try:
                # Many PDFs are encrypted only to restrict printing, with an empty open password.
                if not reader.decrypt(""):
                    raise UnreadableFile(encrypted)
            except (DependencyError, FileNotDecryptedError, NotImplementedError):
                raise UnreadableFile(encrypted) from None
        # Layout mode keeps each line's indent, which tells where a paragraph starts.
        return [page.extract_text(extraction_mode="layout") or "" for page in reader.pages]
    except UnreadableFile:
        raise
    except (FileNotDecryptedError, DependencyError):
        raise UnreadableFile(encrypted) from None
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError) as error:
        # A damaged PDF fails wherever the damage is met, with whatever error that part raises.
        raise UnreadableFile(f"{name}：PDF 文件已损坏，无法读取（{type(error).__name__}）") from None


def _drop_page_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Page numbers ("— 8 —", "- 8 -", "8", "第8页") and a running header or footer every page repeats."""

    def edges(page: list[str]) -> list[int]:
        filled = [i for i, line in enumerate(page) if line.strip()]
        return filled[:2] + filled[-2:]

    def shape(line: str) -> str:
        return re.sub(r"\d+", "#", line.strip())

    shapes: Counter[str] = Counter()
    for page in pages:
        shapes.update({shape(page[i]) for i in edges(page)})
    repeated = {key for key, count in shapes.items() if len(pages) >= 3 and count >= max(3, len(pages) / 2)}
    cleaned = []
    for page in pages:
        drop = {i for i in edges(page) if _PAGE_NUMBER.match(page[i]) or shape(page[i]) in repeated}
        cleaned.append([line for i, line in enumerate(page) if i not in drop])
    return cleaned


def _width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _join_wrapped_lines(lines: list[str]) -> list[str]:
    """Join the lines of a paragraph that the page's right margin cut.

    A line that runs to the margin continues on the next one unless it ends a sentence and the
    next line is indented as a paragraph's first line is. Only what is sure is joined: shorter
    lines (headings, a paragraph's last line) stay as they are, and repair_paragraphs joins the
    rest as it does for a .txt.
    """
    if not lines:
        return lines
    indents = [_indent(line) for line in lines]
    base = Counter(indents).most_common(1)[0][0]  # a paragraph has more continuing lines than first lines
    indented = sum(1 for indent in indents if indent > base) / len(lines)
    uses_indents = 0.02 <= indented <= 0.6
    # One column of layout text is about one CJK character wide.
    widths = [_width(line.strip()) + 2 * max(0, indent - base) for line, indent in zip(lines, indents, strict=True)]
    full = sorted(widths)[int(len(widths) * 0.9)] * 0.9  # most lines of prose run to the margin
    joined: list[str] = []
    for i, line in enumerate(lines):
        text = line.strip()
        previous = i - 1
        wrapped = (
            previous >= 0
            and full >= 20
            and widths[previous] >= full
            and (not lines[previous].endswith(_SENTENCE_FINAL) or (uses_indents and indents[i] <= base))
        )
        if wrapped and joined:
            joined[-1] += text
        else:
            joined.append(text)
    return joined
