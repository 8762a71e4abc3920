"""Decoded text -> clean lines: widths folded, stray spaces gone, web-page chrome dropped.

Every function here works line by line and keeps the raw line beside the clean one,
so a speech can keep its original text while the archive works on the clean form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .outline import MARKER, NUMERALS

# Full-width ASCII forms that are not Chinese punctuation: digits, letters and the
# signs that appear inside amounts. ，。：；！？（）“” stay as they are.
_WIDTH = {chr(code): chr(code - 0xFEE0) for code in range(0xFF10, 0xFF1A)}  # ０-９
_WIDTH |= {chr(code): chr(code - 0xFEE0) for code in range(0xFF21, 0xFF3B)}  # Ａ-Ｚ
_WIDTH |= {chr(code): chr(code - 0xFEE0) for code in range(0xFF41, 0xFF5B)}  # ａ-ｚ
_WIDTH |= {"％": "%", "．": ".", "＋": "+", "－": "-", "／": "/", "＝": "=", "＜": "<", "＞": ">"}
_WIDTH |= {"～": "~", "＃": "#", "＆": "&", "＊": "*", "＠": "@", "＿": "_", "\u00a0": " ", "\u3000": " "}
_WIDTH |= dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\xad", "")  # zero-width characters and soft hyphens
_TRANSLATE = str.maketrans(_WIDTH)

_SPACES = re.compile(r"[ \t\f\v]+")
_ASCII_WORD = re.compile(r"[A-Za-z]")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Sentence punctuation: a line that has it is prose, where a space between two Chinese
# characters is an artefact of copying; short lines without it are headers such as
# "国务院总理 李克强" where the space separates fields.
_PROSE = re.compile(r"[，。；！？]")
_LONE_BOX = re.compile(r"(?<!□)□(?!□)")

# One-line speeches mark paragraphs only with an ideographic-space indent, or, copied
# from some pages, with two ordinary spaces.
_PARAGRAPH_BREAK = re.compile(r"(?<=\S)[\u3000]{2,}|(?<=[。！？”）])[ \u3000\u00a0]{2,}(?=\S)")

# A marked heading followed, after a space, by its body: "一、肯定成绩…新思路 去年，我们…".
_RUN_IN_HEADING = re.compile(rf"^(\s*{MARKER}[^。！？\s]{{2,60}}?)[\s\u3000]+(?=\S{{8}})")

# A page number a PDF prints between dashes ("— 8 —", "－12－", "-12-"), copied into the text
# alone on a line or inside a sentence ("依法保护企业家—11—权益"). A dash with a digit, a per cent
# sign or another dash beside it is a range ("2023—2025年", "6%—7%", "3—5个") or a quotation
# dash ("——"), and a hyphen between letters and digits is part of a name ("COVID-19-"): none of
# them is a page mark.
_PAGE_DASH = "—―–-"  # after width folding, "－" is "-"
_PAGE_MARK = re.compile(
    rf"(?<![\d%.A-Za-z{_PAGE_DASH}])[{_PAGE_DASH}][ \t]*\d{{1,3}}[ \t]*[{_PAGE_DASH}](?![\d%A-Za-z{_PAGE_DASH}])"
)

# A whole report on one line (a PDF's text copied without its line breaks) is cut before each
# marker of a part (一、 （一） 1. （1） 第一，) standing after the end of a sentence, a space or
# a page mark: each then starts a line of its own, as in the report with its line breaks. "一是"
# is left inside its paragraph, where reports write it. Shorter lines are paragraphs, which may
# well hold "。（一）" of their own.
_ONE_LINE_REPORT = 1000
_PART_MARKER = (
    rf"(?:[{NUMERALS}]{{1,3}}、|[（(][{NUMERALS}]{{1,3}}[）)]|[（(]\d{{1,2}}[）)]|\d{{1,2}}(?:、|[.．](?!\d))"
    rf"|第[{NUMERALS}]{{1,3}}[，、,])"
)
_PART_BREAK = re.compile(rf"(?<=[。！？；\s{_PAGE_DASH}])(?={_PART_MARKER}[^{NUMERALS}\s])")


@dataclass(slots=True)  # one per line of a file: a file may hold hundreds of thousands
class Line:
    raw: str  # as decoded (one physical line, or one paragraph of a one-line speech)
    text: str  # clean form; "" for a blank line


def physical_lines(text: str) -> list[str]:
    """Split decoded text into lines, cutting one-line speeches at their paragraph indents."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    lines = []
    for line in text.split("\n"):
        for part in _PARAGRAPH_BREAK.split(line) if len(line) > 200 else [line]:
            lines.extend(_PART_BREAK.split(part) if len(part) > _ONE_LINE_REPORT else [part])
    return lines


def clean_line(raw: str) -> str:
    """The clean form of one line (see the module docstring)."""
    line = raw.translate(_TRANSLATE)
    line = _PAGE_MARK.sub("", line)
    line = _RUN_IN_HEADING.sub(lambda m: m.group(1) + "\n", line)
    return "\n".join(_clean_spaces(part) for part in line.split("\n"))


def _clean_spaces(line: str) -> str:
    line = _SPACES.sub(" ", line).strip()
    if " " not in line:
        return _fix_boxes(line)
    prose = bool(_PROSE.search(line))
    parts = line.split(" ")
    out = [parts[0]]
    for part in parts[1:]:
        left, right = out[-1][-1:], part[:1]
        if _keep_space(left, right, prose):
            out.append(" ")
        out.append(part)
    return _fix_boxes("".join(out))


def _keep_space(left: str, right: str, prose: bool) -> bool:
    if not left or not right:
        return False
    if _ASCII_WORD.match(left) and _ASCII_WORD.match(right):
        return True  # "Essential Science Indicators"
    # "广东省省长 孟凡利" keeps its space; numbers, units and punctuation never do.
    return not prose and bool(_CJK.match(left)) and bool(_CJK.match(right))


def _fix_boxes(line: str) -> str:
    # A lone □ is a punctuation mark the source font could not show ("建设实际□20xx年");
    # a run of them stands for unknown characters and stays as written.
    return _LONE_BOX.sub("，", line) if "□" in line else line


# --- web-page chrome --------------------------------------------------------------------

_CHROME_WORDS = {
    "下载", "打印", "全屏", "收藏", "分享", "分享到", "加大", "还原", "减小", "放大", "缩小", "默认",
    "关闭", "关闭窗口", "打印本页", "打印此页", "返回顶部", "字号", "字体", "大", "中", "小", "【", "】",
    "【打印】", "【关闭】", "【关闭窗口】", "【打印本页】", "相关附件>>", "相关链接>>", "扫一扫",
}  # fmt: skip
_CHROME_LINE = re.compile(
    r"^(?:"
    r"[（(]?(?:来源|稿源|作者|编辑|责任编辑|发布时间|发布日期|浏览次数|点击数)[:：].{0,24}?[）)]?"
    r"|\d{4}[-/年]\d{1,2}[-/月]\d{1,2}日?\s*\d{1,2}[:时]\d{2}(?:分|:\d{2})?"  # a page's publishing time
    r"|【(?:字号|字体)[:：].*】"
    r"|[0-9a-f]{32}[:：]?"  # link ids left by a page's "related" box
    r"|(?:时间|日期)[:：]\s*\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
    # Where the page stood in its site: "您的位置：首页 > 政府信息公开 > …", "首页>要闻>正文".
    r"|(?:您的位置|您现在的位置|当前位置|所在位置|现在的位置)[:：].{0,80}"
    r"|(?:网站)?首页\s*[>＞»›/|｜]\s*[^。！？]{0,80}"
    r")$"
)
_CHROME_BLOCK_START = re.compile(r"^【(?:字号|字体)[:：]?")
# What follows these is the page's footer (related links, licence), not the speech.
_FOOTER_START = re.compile(
    r"^(?:责任编辑[:：]?|相关报道[:：]?|相关链接|相关附件|相关阅读|扫一扫在手机打开当前页|打印本页|关闭窗口"
    r"|本作品是中华人民共和国的|本作品在全世界都属于公有领域|Public domain)"
)
# Footer mode ends at a line this long: it is prose again, not a list of links.
_FOOTER_PROSE = 60


_CHROME_WORDS_MAX = 200


def is_chrome(line: str) -> bool:
    if not line:
        return False
    if _CHROME_LINE.match(line):
        return True
    if len(line) > _CHROME_WORDS_MAX:
        return False  # a button bar is a handful of words; a long line is not split into millions
    words = line.replace("【", " 【 ").replace("】", " 】 ").replace("：", " ").replace(":", " ").split()
    return bool(words) and all(word in _CHROME_WORDS for word in words)


def clean_lines(text: str) -> list[Line]:
    """Clean lines of a decoded file, with web-page chrome removed (blank lines kept)."""
    lines: list[Line] = []
    in_block = in_footer = False
    pending_source = False
    for raw in physical_lines(text):
        for clean in clean_line(raw).split("\n"):
            if in_block:
                in_block = "】" not in clean
                continue
            if _CHROME_BLOCK_START.match(clean) and "】" not in clean:
                in_block = True
                continue
            if _FOOTER_START.match(clean):
                in_footer = True
                continue
            if in_footer:
                if len(clean) < _FOOTER_PROSE:
                    continue
                in_footer = False
            if pending_source:
                pending_source = False
                # "来源:" alone on a line is followed by the source's name.
                if clean and len(clean) <= 12 and not _PROSE.search(clean):
                    continue
            if clean in {"来源:", "来源："}:
                pending_source = True
                continue
            if is_chrome(clean):
                continue
            lines.append(Line(raw, clean))
    return lines


# --- broken lines -------------------------------------------------------------------------

_ENDS_SENTENCE = tuple("。！？!?；;…”’）)」』】：:")
_ENDS_OPEN = tuple("，,、（(“‘《〈—")
_STARTS_CLOSED = tuple("。，、；：！？）)”’》〉")
_MARKED = re.compile(MARKER)
_NOTES_HEADING = re.compile(r"^(?:附[:：]?)?(?:名词解释|注释|注解|附注|注)[:：]?$")
_DASH = ("—", "―", "-", "－")
# Words that cannot end a sentence or a heading: a line ending in one was cut
# ("…经济社会发展的" / "主要目标" / "是：…", around a phrase a web page set in bold).
_ENDS_UNFINISHED = tuple("的和与及或把被将对为从向")
_STARTS_UNFINISHED = re.compile(r"^是[：:，,]")


class _Paragraph:
    """A paragraph being joined from lines, with what `_continues` reads of it kept up to date.

    Joining by `paragraph += line` copies the whole paragraph for every line, quadratic in a
    paragraph of many short lines (a PDF's text cut at every line); the pieces are joined once.
    """

    # Markers and dashes are read at the start: a few characters (spaces inside a line are at
    # most single, lines never start or end with one), far fewer than this.
    _HEAD = 32

    def __init__(self, line: str) -> None:
        self.pieces = [line]
        self.head = line[: self._HEAD]
        self.length = len(line)
        self.full_stop = "。" in line
        self.prose = bool(_PROSE.search(line))

    def add(self, line: str) -> None:
        self.pieces.append(line)
        if len(self.head) < self._HEAD:
            self.head = (self.head + line)[: self._HEAD]
        self.length += len(line)
        self.full_stop = self.full_stop or "。" in line
        self.prose = self.prose or bool(_PROSE.search(line))

    @property
    def last(self) -> str:
        return self.pieces[-1][-1]  # lines are never empty


def _continues(previous: _Paragraph, line: str) -> bool:
    """Whether `line` is the rest of a sentence that a line break cut after `previous`."""
    if line.startswith(_STARTS_CLOSED):
        return True  # no line starts with a comma or a full stop
    if _MARKED.match(line) or _NOTES_HEADING.match(line):
        return False
    last = previous.last
    if last in _ENDS_OPEN or _STARTS_UNFINISHED.match(line):
        return True
    if last in _ENDS_SENTENCE:
        return False
    if len(line) <= 2 or last in _ENDS_UNFINISHED:
        return True  # "政府工作报" / "告", "在全省位" / "次。"
    if previous.head.startswith(_DASH) and line.endswith("上") and len(line) <= 30:
        return True  # a date line cut in two: "——2026年1月26日在广东省第十四届" / "人民代表大会第五次会议上"
    if _MARKED.match(previous.head):
        # A marked heading stands alone; a marked paragraph ("(六)…工作。对已经…重点") was cut.
        return previous.full_stop
    return previous.prose or previous.length >= 40


def repair_paragraphs(lines: list[str]) -> list[str]:
    """Join sentences that line breaks (and the blank lines around them) cut apart."""
    paragraphs: list[_Paragraph] = []
    for line in lines:
        if not line:
            continue
        if paragraphs and _continues(paragraphs[-1], line):
            paragraphs[-1].add(line)
        else:
            paragraphs.append(_Paragraph(line))
    return ["".join(paragraph.pieces) for paragraph in paragraphs]
