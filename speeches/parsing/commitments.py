"""Commitments: what a speech pledges, sentence by sentence.

A speech's sections are read in order, each in a *context* taken from the nearest heading
that says what the part is about:

- ``review``: a look back (工作回顾, 肯定成绩, 取得了新突破): nothing in it is a pledge, numbers or not;
- ``plan``: targets and tasks (主要预期目标, 重点工作, 明确任务): every sentence that does or
  sets something is a pledge, with or without a modal verb (疏解提质一般制造业企业80家);
- ``neutral``: anything else (an opening, 形势, 认识): only sentences with a modal verb
  (要, 将, 必须, 力争…) or a time limit are pledges.

Inside every context, clauses that report the past (了, 已经, 累计, 截至, 去年, 一年来…) are
dropped, and a paragraph that opens with a look back (近年来，…) stays in the past until a
sentence turns to what is to be done.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .amounts import find_amounts
from .deadlines import find_deadline, five_year_plan_end, year_number
from .structures import ParsedCommitment, ParsedDeadline, ParsedSection, ParsedTarget

REVIEW, PLAN, NEUTRAL, NOTES = "review", "plan", "neutral", "notes"

# --- what a heading (or a lead-in ending in "：") says about the part below it --------------
_REVIEW_HEADING = re.compile(
    r"回顾|成绩|成就|总结|体会|以来|过去|做了|取得了|实现了|取得的|完成情况|执行情况|发展历程|工作情况|进展情况"
    r"|基本情况|主要成效|工作成效|显著成效|主要做法|主要经验|基本经验"
)
_PLAN_HEADING = re.compile(
    r"目标|任务|安排|部署|重点工作|主要工作|工作要点|计划(?!生育)|打算|下步|思路|举措|措施|建议|展望|要求|考虑|下一步|今后|民生实事"
)
_SITUATION_HEADING = re.compile(r"形势|认识|意义|必要性|重要性|紧迫性|问题|不足|差距|挑战|机遇|现状")
_NOTES_HEADING = re.compile(r"^(?:附[:：]?)?(?:名词解释|注释|注解|附注|说明|参考资料)")
_QUOTED_NAME = re.compile(r"“[^“”]*”|《[^《》]*》")

# --- what a clause says about time and will -------------------------------------------------
_PAST = re.compile(
    r"(?<![为除罢])了(?!解|如|然|结|却|不起|得)"
    r"|已经|已(?!开工|签约|建成|批复|批准|出台|有的|有基础|列入|认定|纳入)"
    r"|去年|上一年|过去|以来|[一二三四五六七八九十两多几近\d]年来|累计|截至|截止|先后|相继|曾经|刚刚"
)
_RETROSPECT_OPENING = re.compile(
    r"^(?:过去[^，。]{0,6}|[^，。]{0,8}以来|[一二三四五六七八九十两多近几\d]+年来|去年|上年|截至[^，。]*|刚刚过去[^，。]*)，"
)
_CN_DIGITS = "一二三四五六七八九"
_YEAR_MENTION = re.compile(
    r"(?P<towards>到|至)?(?:(?<!\d)(?P<year>(?:19|20)\d\d|[一二][〇○零一二三四五六七八九]{3})年"
    r"|“?十(?P<plan>[一二三四五六七八九])五”?(?:时期|期间|规划|末))"
)
_MODAL = re.compile(
    r"(?<![重主需只想纲概首扼摘显必紧])(?<!提出)(?<!指出)(?<!强调)要(?![求素点件闻领害塞职紧是么不然])"
    r"|将(?=[达实完建新增超突全进继加推开启形提保有于在重更力会逐成])"
    r"|必须|确保|务必|坚决|一定要|力争|争取|力求|努力|应当|拟(?=[定订建新开于将在])"
)
_ACTION = re.compile(
    r"推进|推动|实施|完成|实现|加快|加强|加大|建设|建成|开展|落实|提高|提升|促进|深化|强化|完善|健全|打造|培育"
    r"|发展|新增|新建|改造|扩大|保持|控制|稳定|坚持|支持|鼓励|引导|做好|做强|做大|抓好|抓实|抓紧|狠抓|着力|优化|构建|建立|开工|投产"
    r"|达到|增长|降低|下降|减少|组织|制定|出台|启动|聚焦|围绕|突出|深入|持续|继续|大力|积极|进一步|统筹|规范|整治"
    r"|治理|保障|提供|引进|招引|疏解|提质|筑牢|守住|守牢|防范|化解|巩固|拓展|扩容|改革|创建|申请|对接|报|召开|举办"
    r"|设立|选配|考核|督查|通报|观摩|调整|衔接|纳入|列入|吸引|带动|覆盖|补齐|加力|聚力|用好|抓住|牢牢|全面|切实|严格"
)
_LIMIT = re.compile(r"前|底|末|内|到|至|时间")
_BINDING = re.compile(r"必须|确保|务必|坚决|一定要|严禁|不得|决不|绝不")
_ASPIRATIONAL = re.compile(r"力争|争取|努力|力求|尽力|争创")
# Sentences about the speech itself or about seeing things, not about doing them.
_NOT_A_PLEDGE = re.compile(
    r"^(?:下面|下边|以下|各位代表|同志们)|我(?:讲|谈|说)|讲几点|谢谢|请予审议|散会|结束|让我们|我们(?:深知|相信|坚信)"
    r"|(?:要|必须|应当)(?:清醒|充分|深刻|进一步|更加)?地?(?:看到|认识到|认识|意识到|看清|了解|懂得|明白)"
    r"|(?:应当|必须|需要)指出|值得注意"
)

# "X是Y", "X处于Y": a sentence that says what something is, not what is to be done.
_DESCRIPTION = re.compile(
    r"^[^，]{0,40}?(?<![一二三四五六七八九十还就但而总凡尤特别正要])是(?!否)"
    r"|^[^，]{0,30}?(?:处在|处于|拥有|具有|面临|承载着|意味着|在于)"
)

# --- who is to act: a body named just before its modal verb (市直有关部门要…), or after 由 -----
_BODY = (
    r"部门|单位|政府|党委|党组|机关|集聚区|开发区|园区|办公室|管委会|委员会|领导小组|小组|局|厅|委|办|县区"
    r"|县\(市、区\)|县（市、区）|乡镇|街道|社区|各地|各级|企业|银行|公司|中心|系统|班子|全局上下|上下|财政"
)
_ACTOR = re.compile(
    rf"(?:^|(?<=[，：；]))(?P<actor>[^，。；：“”《》]{{0,30}}?(?:{_BODY}))"
    r"(?=(?:都|也|还|均)?(?:要|将|必须|务必|一定要|应当|负责|牵头))"
)
_ACTOR_BY = re.compile(
    rf"由(?P<actor>[^，。；：“”]{{2,30}}?(?:{_BODY}))(?=(?:统一|具体|定期|按|每)?[^，。；]{{0,2}}(?:负责|牵头|组织|会同|实施))"
)
_ACTOR_PREFIX = re.compile(
    r"^(?:今年|明年|今后|目前|当前|同时|此外|其中|为此|对此|特别是|尤其是|[一二三四五六七八九十]是|第[一二三四五六七八九十]，?)+"
)
_NOT_AN_ACTOR = re.compile(r"^(?:对|把|按照|根据|在|从|通过|围绕|以|为|确保|推动|支持|鼓励|引导|组织|加强|我们)")
_DEADLINE_PREFIX = re.compile(r"^(?:\d{1,2}月(?:份|底|末)?(?:前|之前|以前)|年底前|年内|上半年|下半年)")

# --- sentences and clauses -------------------------------------------------------------------
_SPLIT = re.compile(r"[。！？!?；;：:\n]")
_OPEN = "“（(《"
_PAIRED = re.compile(r"[“”（）()《》]")
_QUOTATION = re.compile(r"“[^“”]{0,150}”")
_QUOTE_SPAN = 150  # a quotation or bracket left open longer than this is a typo, not a quotation
_CLAUSE = re.compile(r"[，,]")
_TRIM = " \t—-―·…、，,。"
_MIN_LENGTH = 5
_HEADING_LIKE = re.compile(r"^[^，。；！？：,;!?]{2,30}$")


@dataclass
class _Segment:
    text: str
    lead_in: bool  # ended with "：" and introduces what follows


def _protected_spans(text: str) -> list[tuple[int, int]]:
    """Spans inside quotes and brackets, where a "。" or "：" does not end a sentence."""
    spans: list[tuple[int, int]] = []
    stack: list[int] = []
    for m in _PAIRED.finditer(text):
        char, at = m.group(), m.start()
        if char in _OPEN:
            stack.append(at)
        elif stack:
            start = stack.pop()
            if at - start <= _QUOTE_SPAN and not stack:
                spans.append((start, at))
    return spans


def split_segments(paragraph: str) -> list[_Segment]:
    """A paragraph -> sentences and ；/：-separated parts, not breaking inside quotes."""
    spans = _protected_spans(paragraph)
    segments, start = [], 0
    for m in _SPLIT.finditer(paragraph):
        at = m.start()
        if any(a < at < b for a, b in spans):
            continue
        piece = paragraph[start:at].strip(_TRIM)
        if piece:
            segments.append(_Segment(piece, m.group() in "：:"))
        start = m.end()
    piece = paragraph[start:].strip(_TRIM)
    if piece:
        segments.append(_Segment(piece, False))
    return segments


def split_clauses(segment: str) -> list[str]:
    """A sentence -> its "，"-separated clauses (not breaking inside quotes)."""
    spans = _protected_spans(segment)
    if not spans:
        return _CLAUSE.split(segment)
    clauses, start = [], 0
    for m in _CLAUSE.finditer(segment):
        at = m.start()
        if any(a < at < b for a, b in spans):
            continue
        clauses.append(segment[start:at])
        start = m.end()
    clauses.append(segment[start:])
    return clauses


def heading_context(heading: str, year: int | None = None) -> str | None:
    """What a heading says about the text below it, or None when it says nothing.

    Words decide first (工作回顾 / 主要目标任务); failing them, and only when the speech's year
    is given (for real headings, not lines of text), a year before the speech's
    (一九五七年经济战线上的胜利) marks a look back and the speech's own year or later a plan.
    """
    if _NOTES_HEADING.match(heading):
        return NOTES
    words = _QUOTED_NAME.sub("", heading)  # “双高计划” names a programme; it says nothing of the part
    if _PLAN_HEADING.search(words):
        return PLAN  # 发展成就和主要目标任务: the plan part is why it is there; clauses sort the rest
    if _REVIEW_HEADING.search(words):
        return REVIEW
    if _SITUATION_HEADING.search(words):
        return NEUTRAL
    years = [mentioned for mentioned, _ in _years_mentioned(heading)]
    if year is not None and years:
        return REVIEW if max(years) < year else PLAN
    return None


def _years_mentioned(text: str) -> Iterator[tuple[int, bool]]:
    """Years named in `text` (2025年, 一九五七年, “十三五” as its last year), each with whether 到/至 leads to it."""
    if "年" not in text and "五" not in text:
        return
    for m in _YEAR_MENTION.finditer(text):
        if m["plan"]:
            mentioned = five_year_plan_end(10 + _CN_DIGITS.index(m["plan"]) + 1)
        else:
            mentioned = int(m["year"]) if m["year"].isdigit() else year_number(m["year"])
        if mentioned is not None:
            yield mentioned, bool(m["towards"])


def _mentions_earlier_year(clause: str, year: int | None) -> bool:
    if year is None:
        return False
    return any(mentioned < year and not towards for mentioned, towards in _years_mentioned(clause))


def is_past(clause: str, *, year: int | None = None) -> bool:
    """A clause that reports what has been done: 累计完成固定资产投资550亿元, 取得了新突破."""
    clause = unquoted(clause)
    if _MODAL.search(clause):
        return False
    return bool(_PAST.search(clause)) or _mentions_earlier_year(clause, year)


def strength_of(text: str, amount_end: int | None = None) -> str:
    """binding (必须, 确保…), aspirational (力争, 争取…) or planned.

    With an amount, the words up to the end of its clause rule: in "增长4.5%—5%，在实际工作中
    全力争取更好结果" the target itself is planned; 争取 is about doing better.
    """
    if amount_end is not None:
        clause_end = text.find("，", amount_end)
        text = text[: clause_end if clause_end >= 0 else len(text)]
    words = unquoted(text)
    if _BINDING.search(words):
        return "binding"
    if _ASPIRATIONAL.search(words):
        return "aspirational"
    return "planned"


def responsible_of(text: str) -> str | None:
    """The body named as the one to act: 市直有关部门要制定工作方案 -> 市直有关部门."""
    for pattern in (_ACTOR, _ACTOR_BY):
        for m in pattern.finditer(text):
            actor = _ACTOR_PREFIX.sub("", m["actor"])
            actor = _DEADLINE_PREFIX.sub("", actor)
            if len(actor) >= 2 and not _NOT_AN_ACTOR.match(actor) and not _PAST.search(actor):
                return actor
    return None


def _is_pledge(text: str, context: str, targets: list[ParsedTarget], deadline: ParsedDeadline | None) -> bool:
    if len(text) < _MIN_LENGTH or _NOT_A_PLEDGE.search(text):
        return False
    if targets and context == PLAN:
        return True
    own_words = unquoted(text)
    clauses = split_clauses(own_words)
    described = [bool(_DESCRIPTION.search(clause)) for clause in clauses[:2]]
    if any(described):
        # "X是Y，要Z" still pledges Z; "X是…确保粮食安全的重大举措" pledges nothing.
        doing = [clause for i, clause in enumerate(clauses) if i >= len(described) or not described[i]]
        return any(_MODAL.search(clause) for clause in doing)
    if _MODAL.search(own_words):
        return True
    if context == PLAN:
        return bool(deadline or _ACTION.search(own_words))
    # Outside a plan "上半年，全市完成投资300亿元" reports a period; "6月底前完成" sets a limit.
    return deadline is not None and bool(_LIMIT.search(deadline.text))


def unquoted(text: str) -> str:
    """`text` without what it quotes: a cited “务必…” is someone else's pledge."""
    return _QUOTATION.sub("“”", text)


def _forward_runs(segment: str, year: int | None) -> Iterator[str]:
    """The parts of a sentence left once clauses about the past are dropped."""
    clauses = split_clauses(segment)
    past = [is_past(clause, year=year) for clause in clauses]
    if not any(past):
        yield segment
        return
    run: list[str] = []
    for clause, in_past in [*zip(clauses, past, strict=True), ("", True)]:
        if not in_past:
            run.append(clause)
            continue
        if run:
            yield "，".join(run).strip(_TRIM)
        run = []


def _future_deadline(deadline: ParsedDeadline | None, year: int | None) -> ParsedDeadline | None:
    # 到2025年底 in a 2026 report is when something was done, not a limit.
    if deadline is None or year is None or deadline.year is None:
        return deadline
    return deadline if deadline.year >= year else None


@dataclass
class _Reader:
    year: int | None
    commitments: list[ParsedCommitment] = field(default_factory=list)
    index: int = 0  # of the section being read, in walk_sections() order
    opening: bool = False
    outlined: bool = False  # the speech has headings, so its first section is an opening

    def read(self, sections: list[ParsedSection]) -> None:
        carried: str | None = None
        self.outlined = len(sections) > 1 or any(section.children for section in sections)
        for section in sections:
            # A new part after a look back is not a look back unless its heading says so.
            carried = self._visit(section, [], None if carried == REVIEW else carried, parent=None)

    def _visit(
        self, section: ParsedSection, ancestors: list[ParsedSection], carried: str | None, parent: str | None
    ) -> str | None:
        """Read one section and its subsections; returns the context in force at its end."""
        own = heading_context(section.heading, self.year) if section.heading else None
        if parent in (REVIEW, NOTES):
            own = parent  # the parts of a look back are a look back, whatever their headings say
        elif parent == PLAN and own == NEUTRAL:
            own = PLAN  # （三）着力解决突出问题 is a task of the plan, not a look at the situation
        context = own or carried or parent
        path = [s.label for s in [*ancestors, section] if s.label]
        # The words before the first heading greet and introduce; only an amount or a limit there is a pledge.
        self.opening = self.index == 0 and not section.label and self.outlined
        if section.heading and own is None and context not in (REVIEW, NOTES):
            self._consider(section.heading, context or NEUTRAL, path)
        context = self._read_text(section.text, context, path)
        self.index += 1
        carried_on = None
        for child in section.children:
            carried_on = self._visit(
                child, [*ancestors, section], None if carried_on == REVIEW else carried_on, context
            )
        return carried_on or context

    def _read_text(self, text: str, context: str | None, path: list[str]) -> str | None:
        for paragraph in text.split("\n"):
            paragraph = paragraph.strip()
            if not paragraph or context == NOTES:
                continue
            if _HEADING_LIKE.match(paragraph) and not _MODAL.search(paragraph) and heading_context(paragraph):
                # An unmarked heading left in the text ("2026年重点工作") switches the context.
                context = heading_context(paragraph)
                continue
            in_past = bool(_RETROSPECT_OPENING.match(paragraph))
            paragraph_context = context
            segments = split_segments(paragraph)
            for number, segment in enumerate(segments, 1):
                if segment.lead_in:
                    found = heading_context(segment.text)
                    if found is not None:
                        paragraph_context = found
                        if number == len(segments):  # the list it opens follows in the next paragraphs
                            context = found
                    continue
                if in_past:
                    if not _MODAL.search(segment.text):
                        continue
                    in_past = False
                if paragraph_context in (REVIEW, NOTES):
                    continue
                for run in _forward_runs(segment.text, self.year):
                    self._consider(run, paragraph_context or NEUTRAL, path)
        return context

    def _consider(self, text: str, context: str, path: list[str]) -> None:
        text = text.strip(_TRIM)
        if context in (REVIEW, NOTES) or is_past(text, year=self.year):
            return
        targets = find_amounts(text)
        deadline = _future_deadline(find_deadline(text, year=self.year), self.year)
        if not _is_pledge(text, context, targets, deadline) or (self.opening and not (targets or deadline)):
            return
        kind = "target" if targets else ("deadline" if deadline else "action")
        first_amount = text.find(targets[0].text) + len(targets[0].text) if targets else None
        self.commitments.append(
            ParsedCommitment(
                text=text,
                kind=kind,
                strength=strength_of(text, first_amount),
                section_index=self.index,
                position=len(self.commitments),
                targets=targets,
                deadline=deadline,
                responsible=responsible_of(text),
                section_path=list(path),
            )
        )


def extract_commitments(sections: list[ParsedSection], *, year: int | None = None) -> list[ParsedCommitment]:
    """The pledges of one speech, in order; `year` is the speech's year when known."""
    reader = _Reader(year=year)
    reader.read(sections)
    return reader.commitments


__all__ = ["extract_commitments", "heading_context", "is_past", "split_clauses", "split_segments"]
