"""Title, year, date, speaker and occasion of one speech, read from its heading and first paragraphs.

A government work report opens with header lines before its salutation:

    ——2026年1月26日在广东省第十四届人民代表大会第五次会议上
    广东省省长 孟凡利
    各位代表：

A speech published by a news agency names itself in one run-in line:
"在文化传承发展座谈会上的讲话（2023年6月2日）习近平". A speech copied out of a
collection only has the collection's heading ("城市工作会议上的讲话篇一"); its own
title comes from the meeting its opening names.

Years are read only where they are real: a date line, the title, a "2026年" in the header,
or a full "2026年1月" date in the opening. Speeches mention many other years in their body,
and collections hide theirs behind "20xx" placeholders, which must stay unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .dating import DATE_LINE, OPENING, TITLE
from .numerals import to_number

# Chinese-numeral years are written digit by digit (二〇二六年); months and days as numbers (二十七日).
_CN_DIGITS = "〇零一二三四五六七八九"
_CN_NUMBER = "一二三四五六七八九十"
_YEAR = rf"(?<![\d.])(?P<year>1[89]\d\d|20\d\d)年|(?<![{_CN_DIGITS}十百千万])(?P<cn_year>[{_CN_DIGITS}]{{4}})年"
_MONTH = rf"(?P<month>\d{{1,2}}|[{_CN_NUMBER}]{{1,3}})月"
_DAY = rf"(?P<day>\d{{1,2}}|[{_CN_NUMBER}]{{1,3}})[日号]"
_DATE = rf"(?:{_YEAR})\s*{_MONTH}\s*{_DAY}"

_DASHES = r"[—―–─\-~～]*"
# "——2026年1月26日在广东省第十四届人民代表大会第五次会议上", with or without dashes or brackets.
_DATE_LINE = re.compile(rf"^{_DASHES}\s*[（(]?\s*{_DATE}\s*(?:在(?P<occasion>.{{2,100}}?)上)?\s*[）)]?$")
# Starts like a date line but its occasion goes on in the next paragraph.
_DATE_LINE_START = re.compile(rf"^{_DASHES}\s*[（(]?\s*{_DATE}\s*在")

_NAME = r"[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff]+·[\u4e00-\u9fff·]+"
_OFFICE = r"(?:总理|省长|市长|区长|县长|州长|盟长|主席|主任|书记|部长|厅长|局长|院长|行长|秘书长|委员长)"
# "广东省省长 孟凡利", "国务院总理周恩来", "国务院副总理兼国家经济委员会主任薄一波".
_SPEAKER_LINE = re.compile(rf"^[\u4e00-\u9fff、]*?{_OFFICE}\s*(?P<name>{_NAME})$")
_OFFICE_LINE = re.compile(rf"^[\u4e00-\u9fff、]*{_OFFICE}$")

_SPEECH_KIND = r"(?:讲话|致辞|报告|发言|演讲)"
# "在文化传承发展座谈会上的讲话（2023年6月2日）习近平", possibly after a dateline and before the salutation.
_RUN_IN_TITLE = re.compile(
    rf"(?P<title>在(?P<occasion>[^，。；：！？（）()\s]{{2,40}}?)上的{_SPEECH_KIND})\s*"
    rf"[（(]\s*{_DATE}\s*(?:[，,、]?\s*[上下]午)?\s*[）)]\s*"
    rf"(?:(?P<speaker>[\u4e00-\u9fff]{{2,4}}?)(?=同志们|各位|朋友们|女士们|\s|$))?"
)
_TITLE_OCCASION = re.compile(rf"^在(?P<occasion>[^，。；！？]{{2,60}}?)上的{_SPEECH_KIND}")

# 志们： is 同志们： that lost its first character in copying.
_SALUTATION = re.compile(
    r"(?:各位代表|各位委员|各位来宾|同志们|^志们|朋友们|女士们[，、]先生们)(?:[，、](?:同志们|朋友们))*[：:！!，,]"
)
# Header lines come before the salutation, within this many paragraphs.
_HEADER_LIMIT = 20
_OPENING_PARAGRAPHS = 2
_OPENING_CHARS = 400

# The meeting an opening names: "今天这次产业集聚区建设工作会议", "召开这次…动员会议".
_MEETING = r"(?:会议|大会|座谈会|推进会|动员会|现场会|表彰会|团拜会|报告会|研讨会|论坛)"
_OPENING_OCCASION = re.compile(
    rf"(?:这次|本次|此次|今天的?|召开)(?:召开的?)?(?:这次|本次)?(?P<occasion>[^，。；：！？、“”（）\s]{{2,30}}?{_MEETING})(?!议)"
)
# Words that show a match ran into a sentence ("这次会议是在…召开的一次重要会议") rather than a meeting's name.
_NOT_A_NAME = re.compile(r"会议.|^[会的了一]|是|我们|大家|一次")

# Headings shared by every speech of a collection, or no title at all.
_COLLECTION_HEADING = re.compile(
    r"篇[一二三四五六七八九十\d]+$|[（(]精选\d+篇[）)]|范文|^(?:领导)?(?:讲话|讲话稿|发言|致辞)$"
)
_REPORT_ONLY = "政府工作报告"
_OFFICE_REPORT = "行政公署工作报告"  # a league's (盟) government is its 行政公署
# "我代表市人民政府向大会报告工作", "我代表国务院，向大会作政府工作报告", "我代表行署作工作报告".
_REPORTS_WORK = re.compile(r"我代表[^。]{0,20}?(?:报告|作)[^。]{0,6}?(?:工作|报告)")
# "这次会议的主要任务是，总结交流…经验，安排部署社会管理创新综合试点工作".
_MEETING_TASK = re.compile(r"会议的?主要(?:任务|内容)是[，,]?(?P<task>[^。]{4,120})")
_TASK_VERBS = re.compile(
    r"^(?:(?:安排|部署|总结|研究|动员|推进|交流|回顾|分析)+(?:前一阶段|上半年|当前|今年|下一步)?的?)+"
)
# A record copied from a web page labels its fields: "标题：高阳县2015年政府工作报告".
_LABEL = re.compile(r"^(?:标题|题目|文章标题)[:：]\s*")
_SPACED = re.compile(r"(?<=[\u4e00-\u9fff])[ \u3000]+(?=[\u4e00-\u9fff])")
_TITLE_LIKE = re.compile(rf"(?:{_SPEECH_KIND}|报告[（(]草案[）)])$")
_MAX_TITLE = 100
# "广东省第十四届人民代表大会…" -> 广东省; national congresses name no place.
_OCCASION_PLACE = re.compile(
    r"^(?P<place>[\u4e00-\u9fff]{2,12}?(?:省|自治区|特别行政区|市|州|盟|县|区))第?[一二三四五六七八九十]+届"
)
# A year in a title may lack 年 ("2010政府工作报告") but must not be an amount ("2026亿元").
_TITLE_YEAR = re.compile(
    r"(?<![\d.])(?P<year>1[89]\d\d|20\d\d)(?=年|[\u4e00-\u9fff])(?![亿万千百十元个多余人次项件户家座所名吨米亩倍])"
)
_YEAR_RE = re.compile(_YEAR)
# An explicit date in the opening: a year with its month.
_YEAR_MONTH = re.compile(rf"(?:{_YEAR})\s*{_MONTH}")


@dataclass
class SpeechMetadata:
    title: str
    year: int | None
    delivered_on: date | None
    speaker: str | None
    occasion: str | None
    year_source: str = ""  # how the year was found: dating.DATE_LINE, TITLE or OPENING


def read_metadata(heading: str | None, paragraphs: list[str]) -> SpeechMetadata:
    """What the heading and header lines tell about a speech (see the module docstring)."""
    heading = _LABEL.sub("", unspaced(heading or ""))
    header, opening = _split_front(paragraphs)
    front = [heading, *header] if heading else header

    delivered_on = occasion = speaker = run_in_title = None
    for line in _joined_lines(front, _DATE_LINE_START):
        match = _DATE_LINE.match(line)
        if match:
            delivered_on = _date(match)
            occasion = match["occasion"]
            break
    for line in _joined_lines(front, _OFFICE_LINE):
        match = _SPEAKER_LINE.match(line)
        if match:
            speaker = match["name"]
            break
    for line in front:
        match = _RUN_IN_TITLE.search(line[:_OPENING_CHARS])
        if match:
            run_in_title = match["title"]
            occasion = occasion or match["occasion"]
            delivered_on = delivered_on or _date(match)
            speaker = speaker or match["speaker"] or None
            break

    title = run_in_title or _own_title(heading, header)
    if title:
        title_occasion = _TITLE_OCCASION.match(title)
        occasion = occasion or (title_occasion["occasion"] if title_occasion else None)
    occasion = occasion or _opening_occasion(opening)
    if not title and occasion:
        # A congress hears the government's work report; any other meeting a speech.
        report = _report_title(opening) if "人民代表大会" in occasion else None
        title = report or f"在{occasion}上的讲话"

    year, year_source = delivered_on.year if delivered_on else None, DATE_LINE
    if year is None:
        year, year_source = _front_year(title, heading, header), TITLE
    if year is None:
        year, year_source = _opening_year(opening), OPENING
    if title in (_REPORT_ONLY, _OFFICE_REPORT) and year:
        place = _OCCASION_PLACE.match(occasion or "")
        title = f"{year}年{place['place'] if place else ''}{_REPORT_ONLY}"
    if not title:
        title = heading[:_MAX_TITLE]
    title = title or _report_title(opening) or ""
    return SpeechMetadata(
        title=title,
        year=year,
        delivered_on=delivered_on,
        speaker=speaker,
        occasion=occasion,
        year_source=year_source if year else "",
    )


def name_speech(title: str, *, year: int | None, place: str, opening: str = "", first_heading: str = "") -> str:
    """A title that tells a reader what the speech is, for one that does not say it.

    A work report is named by its year and place (2024年嘉兴市政府工作报告); a speech known only by its
    collection's heading (城市工作会议上的讲话篇二) by the work its meeting is for
    (长沙市关于社会管理创新综合试点工作的讲话), or else by its place and its first point.
    """
    if title in (_REPORT_ONLY, _OFFICE_REPORT):
        return f"{year or ''}{'年' if year else ''}{place}{title}"
    if title and not _COLLECTION_HEADING.search(title):
        return title
    task = _MEETING_TASK.search(opening[:_OPENING_CHARS])
    works = [clause for clause in re.split(r"[，,、；]", task["task"]) if clause.endswith("工作")] if task else []
    if works:
        subject = _TASK_VERBS.sub("", works[-1])
        return f"{place}关于{subject}的讲话"[:_MAX_TITLE]
    if first_heading:
        return f"{place}讲话：{first_heading}"[:_MAX_TITLE]
    return f"{year}年{place}讲话" if year else f"{place}讲话"


def unspaced(line: str) -> str:
    """ "政 府 工 作 报 告" -> "政府工作报告": spaces set between characters for looks, not words."""
    return _SPACED.sub("", line.strip())


def _report_title(opening: list[str]) -> str | None:
    """政府工作报告 when the opening says the speaker reports the government's work."""
    for paragraph in opening:
        match = _REPORTS_WORK.search(paragraph[:_OPENING_CHARS])
        if match:
            return _OFFICE_REPORT if "行署" in match.group() else _REPORT_ONLY
    return None


def _split_front(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    """Header lines (before the salutation) and the opening (the first body paragraphs after it)."""
    for index, paragraph in enumerate(paragraphs[:_HEADER_LIMIT]):
        match = _SALUTATION.search(paragraph[:_OPENING_CHARS])
        if not match and len(paragraph) > _OPENING_CHARS and "。" in paragraph:
            break  # prose has begun: a "各位代表，" further on addresses the hearers mid-speech
        if match:
            header = [*paragraphs[:index], paragraph[: match.start()]]
            rest = paragraph[match.end() :].strip()
            opening = [rest] if rest else []
            opening += paragraphs[index + 1 : index + 1 + _OPENING_PARAGRAPHS - len(opening)]
            return [line.strip() for line in header if line.strip()], opening
    # Without a salutation the header is what comes before the first paragraph of prose.
    count = 0
    while count < min(len(paragraphs), _HEADER_LIMIT) and "。" not in paragraphs[count]:
        count += 1
    header = [line.strip() for line in paragraphs[:count] if line.strip()]
    return header, paragraphs[count : count + _OPENING_PARAGRAPHS]


def _joined_lines(lines: list[str], starts_run_on: re.Pattern[str]) -> list[str]:
    """Each line, and a line that `starts_run_on` also joined to the next (a header broken over two lines)."""
    out = []
    for index, line in enumerate(lines):
        out.append(line)
        if index + 1 < len(lines) and starts_run_on.match(line):
            out.append(line + lines[index + 1].strip())
    return out


def _number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    try:
        return int(to_number(text, "normal"))
    except ValueError:  # a run such as 十十 is no number
        return None


def _year(match: re.Match[str]) -> int | None:
    year = _number(match["year"] or match["cn_year"])
    return year if year is not None and 1800 <= year <= 2099 else None


def _date(match: re.Match[str]) -> date | None:
    year, month, day = _year(match), _number(match["month"]), _number(match["day"])
    if year is None or month is None or day is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _own_title(heading: str, header: list[str]) -> str | None:
    """The heading when it names this speech; a title line of the header when the heading does not."""
    if not _is_own_title(heading):
        heading = ""
    elif _TITLE_LIKE.search(heading):
        return heading
    elif header and len(header[0]) <= 4 and _TITLE_LIKE.search(heading + header[0]):
        # A title broken over two lines by the page: "政府工作报" / "告".
        return heading + header[0]
    for line in header:
        if _is_own_title(line) and _TITLE_LIKE.search(line) and not _DATE_LINE_START.match(line):
            return line
    return heading or None


def _is_own_title(line: str) -> bool:
    return bool(line) and len(line) <= _MAX_TITLE and "。" not in line and not _COLLECTION_HEADING.search(line)


def _opening_occasion(opening: list[str]) -> str | None:
    for paragraph in opening:
        for match in _OPENING_OCCASION.finditer(paragraph[:_OPENING_CHARS]):
            name = match["occasion"]
            if not _NOT_A_NAME.search(name[:-2]):
                return name
    return None


def _front_year(title: str | None, heading: str, header: list[str]) -> int | None:
    for line in (title or "", heading):
        match = _TITLE_YEAR.search(line)
        if match:
            return int(match["year"])
    for line in (title or "", heading, *header):
        for match in _YEAR_RE.finditer(line):
            year = _year(match)
            if year:
                return year
    return None


def _opening_year(opening: list[str]) -> int | None:
    for paragraph in opening:
        for match in _YEAR_MONTH.finditer(paragraph[:_OPENING_CHARS]):
            if 1 <= (_number(match["month"]) or 0) <= 12:
                return _year(match)
    return None
