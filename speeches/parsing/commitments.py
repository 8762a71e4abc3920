"""Commitments: what a speech pledges, sentence by sentence.

A speech's sections are read in order, each in a *context* taken from the nearest heading
that says what the part is about:

- ``review``: a look back (工作回顾, 肯定成绩, 取得了新突破): nothing in it is a pledge, numbers or not;
- ``plan``: targets and tasks (主要预期目标, 重点工作, 明确任务): every sentence that does or
  sets something is a pledge, with or without a modal verb (疏解提质一般制造业企业80家);
- ``neutral``: anything else (an opening, 形势, 认识): only sentences with a modal verb
  (要, 将, 必须, 力争…) or a time limit are pledges.

A heading that names no part but sets a task (着力培育主导产业集群, 抓好重点项目建设) makes
its part a plan; one that reports a result (营造了和谐的城市环境) makes it a look back. A
heading that names both, look back first (肯定成绩，正视问题，理清新思路), is read as a
look back in its subsections, which report what was done, until its text turns to the plan.

Headings are the context of the sentences below them, shown in each commitment's
``section_path``, not commitments of their own: a pledge appears once. A heading is a
commitment only when it is all its part says, when it sets an amount or a time limit, or
when it is an item run into the text (一是…, 第一，…) rather than a title.

Inside every context, clauses that report the past (了, 已经, 累计, 截至, 去年, 一年来…) are
dropped, and a paragraph that opens with a look back (近年来，…) stays in the past until a
sentence turns to what is to be done; so does a sentence framed in the past (从1955年以来，…).
A paragraph in a plan that opens on the situation (面临的形势极为复杂) reports it, and an
example (例如，…) illustrates; neither pledges unless it says what is to be done (要…).
Descriptions and judgements (X是Y, 任务十分艰巨, 存在着浪费现象) pledge nothing without a
modal verb, numbers or not. A sentence that lists several targets
(地区生产总值增长6%左右，固定资产投资增长7%左右…) gives one commitment per target, so each
amount keeps the indicator it belongs to.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .amounts import FoundAmount, find_amounts, iter_amounts
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
# A title that sets a task: a verb of doing, after an adverb or a "以…" of manner (以更高标准打造…).
_TASK_ADVERB = (
    r"大力|切实|全面|深入|积极|持续|扎实|着力|聚力|全力|努力|进一步|加快|加紧|不断|认真|坚定不移地?|更好地?"
    r"|更大力度|更加|继续|坚决|稳步|有序|统筹|纵深|高标准|高质量|毫不放松地?"
)
_TASK_VERB = (
    r"抓好|抓实|抓住|狠抓|加快|加强|加大|推进|推动|实施|完成|实现|建设|建成|开展|落实|提高|提升|促进|深化|强化"
    r"|完善|健全|打造|培育|发展|扩大|构建|建立|优化|做好|做强|做大|做优|做实|筑牢|守住|守牢|防范|化解|巩固|拓展"
    r"|保障|改善|增进|保持|突出|聚焦|围绕|坚持|注重|提振|激发|增强|夯实|加力|用好|维护|治理|整治|保护|振兴"
    r"|繁荣|弘扬|支持|引导|规范|改革"
)
_TASK_TITLE = re.compile(rf"(?:^|[，,])(?:以[^，,]{{0,12}}?)?(?:{_TASK_ADVERB})*(?:{_TASK_VERB})")
# 一是…, 第一，…: items run into the text, whose "heading" is the item's first sentence.
_RUN_IN_MARKER = re.compile(r"^(?:[一二三四五六七八九十]{1,3}是|第[一二三四五六七八九十]{1,3}[，,、：:])$")
_NOTES_HEADING = re.compile(r"^(?:附[:：]?)?(?:名词解释|注释|注解|附注|说明|参考资料)")
_QUOTED_NAME = re.compile(r"“[^“”]*”|《[^《》]*》")

# --- what a clause says about time and will -------------------------------------------------
_PAST = re.compile(
    r"(?<![为除罢])了(?!解|如|然|结|却|不起|得)"
    r"|已经|已(?!开工|签约|建成|批复|批准|出台|有的|有基础|列入|认定|纳入)"
    r"|(?<![比较于])去年|(?<![比较于])上一?年|过去|以来|[一二三四五六七八九十两多几近\d]年来|累计|截至|截止|先后|相继|曾经|刚刚|原来(?!的)"
)
_GOES_ON = re.compile(r"^(?:来|以|用以|从而|进而|并且|并|使|让|和|及|以及)")
# A clause that only says what the one before is for or adds to it: 让…, 以便…, 加上…, 约等于…
_LEANS_BACK = re.compile(r"^(?:让|使|以便?|从而|进而|为了|来|加上|约等于|相当于|这|同时在)")
_PAST_FRAME = re.compile(r"以来$|年来$|^(?:过去|去年|上年|截至|截止|刚刚过去)")
_FORWARD = re.compile(r"今年|明年|今后|下一步|未来|下半年|年底前|到20\d\d年")
_RETROSPECT_OPENING = re.compile(
    r"^(?:过去[^，。]{0,6}|[^，。]{0,8}以来|[一二三四五六七八九十两多近几\d]+年来|去年|上年|截至[^，。]*|刚刚过去[^，。]*)，"
)
_CN_DIGITS = "一二三四五六七八九"
_YEAR_MENTION = re.compile(
    r"(?P<lead>到|至|比|较)?(?:(?<!\d)(?P<year>(?:19|20)\d\d|[一二][〇○零一二三四五六七八九]{3})年"
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
_AFTER_AMOUNT = re.compile(r"[，、；,;]")
_SITUATION = re.compile(r"形势|态势")
_EXAMPLE = re.compile(r"^(?:例如|比如|譬如)")
_THIS_YEAR = re.compile(r"今年|全年|本年度|明年|今后")
_EFFORT_MADE = re.compile(r"经过[^，。；]{0,10}努力")
_BINDING = re.compile(r"必须|确保|务必|坚决|一定要|严禁|不得|决不|绝不")
_ASPIRATIONAL = re.compile(r"力争|争取|努力|力求|尽力|争创")
# Sentences about the speech itself or about seeing things, not about doing them.
_NOT_A_PLEDGE = re.compile(
    r"^(?:下面|下边|以下|各位代表|同志们)|我(?:讲|谈|说)|讲几点|谢谢|请予审议|散会|结束|让我们|我们(?:深知|相信|坚信)"
    r"|(?:要|必须|应当)(?:清醒|充分|深刻|进一步|更加)?地?(?:看到|认识到|认识|意识到|看清|了解|懂得|明白)"
    r"|(?:应当|必须|需要)指出|值得注意"
    # A warning of what follows if nothing is done (如不及时解除旱情，苗情将继续恶化) foretells, not pledges.
    r"|^(?:如不|如果不|若不|倘若不)"
    # What others say they will do (越南方面说它要撤军) is their word, not the speaker's pledge.
    r"|(?<!我)(?<!我们)(?:方面|他们|它们|对方)?(?:声称|宣称|扬言|说)(?:它|他们|它们|其)要"
)

# "X是Y", "X处于Y": a sentence that says what something is, not what is to be done.
_DESCRIPTION = re.compile(
    r"^[^，]{0,40}?(?<![一二三四五六七八九十还就但而总凡尤特别正要])是(?!否)"
    r"|^[^，]{0,30}?(?:处在|处于|拥有|具有|面临|承载着|意味着|在于|来源于|源于|得益于|取决于|归功于|相当于)"
    r"|^(?:这|这些|这一切|上述|事实|实践)[^，]{0,6}?(?:说明|表明|证明)"
)
# "任务十分艰巨", "要求越来越高", "守正才能不迷失方向", "也还存在着浪费现象": a clause that judges,
# reasons or finds fault rather than does.
_EVALUATION = re.compile(
    r"(?:十分|非常|很|越来越|日益|相当|尤为|极为|依然|仍然|还很)"
    r"(?:艰巨|繁重|重要|紧迫|突出|严峻|复杂|必要|迫切|薄弱|困难|大|高|多)$"
    r"|才能|才会|才可能"
    r"|(?<!解决)(?<!消除)(?<!针对)(?<!查找)(?<!整改)存在着?(?!的)[^，的]{0,12}(?:问题|现象|矛盾|不足|差距|短板|风险|隐患)$"
)
# A lead-in that opens the list of this year's tasks: 重点做好10个方面工作, 着力抓好以下工作.
_PLAN_LEAD_IN = re.compile(r"(?:做好|抓好|抓实|推进|突出)[^，。]{0,10}(?:方面|项|以下)的?工作$")
# What a look back reads like without its heading: results reached, with their numbers, prizes won.
_RESULT = re.compile(
    r"(?:增长|下降|提高|达到|达|完成|实现|新增|建成|开工|引进|签约|获批|突破|超过|占)[^，。；]{0,12}?\d"
    r"|获评|荣获|入选|被评为|被列为|获批|成功举办|圆满完成|全面完成|位居|居全[省国市区]|排名全?[省国市区]?第|增至|翻番"
    # A state reached, said at the end of a sentence: 成效明显, 基础更加坚实, 规模不断壮大.
    r"|(?:成效|成果|进展)(?:明显|显著|丰硕)$|(?:更加|日益|不断|持续|稳步|显著|明显)"
    r"(?:坚实|巩固|完善|优化|壮大|增强|提升|向好|改善|增长|提高|扩大|凸显|彰显)$"
)
# A number aimed at rather than reached.
# 规模以上, 省级以上 and 亿元以上项目 name a class; 争取 followed by what was obtained (争取资金6亿元) reports it.
_AIMED = re.compile(
    r"(?<!规模)(?<!限额)(?<!级)以上(?=$|[，。；、）)])|左右|以内|以下|不低于|不超过|力争|争取(?![^，。；]{0,20}\d)|确保"
)
_GAINED = re.compile(r"争取[^，。；]{0,20}\d")
# A part is a look back when it reports this many results, and twice as many as it plans.
_RESULTS_OF_A_REVIEW = 3
_EVALUATION_WORDS = re.compile(r"十分|非常|很|越来越|日益|相当|尤为|极为|依然|仍然|还很|才|存在")
# "坚持以经济建设为中心，坚持改革开放，是…的根本保证": the clauses before a "，是…" are its subject.
_SUBJECT_OF = re.compile(r"^(?:这|也|都|就|正|更|还|均|仍然?)?是(?!否|要)")

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
_ACTOR_LABELLED = re.compile(r"(?:责任|牵头|主责|承办)(?:单位|部门)[:：]\s*(?P<actor>[^）)。；;，,]{2,60})")
_ACTOR_PREFIX = re.compile(
    r"^(?:今年|明年|今后|目前|当前|同时|此外|其中|为此|对此|特别是|尤其是|[一二三四五六七八九十]是|第[一二三四五六七八九十]，?"
    r"|由(?!于))+"
)
_NOT_AN_ACTOR = re.compile(r"^(?:对|把|按照|根据|在|从|通过|围绕|以|为|确保|推动|支持|鼓励|引导|组织|加强|我们)")
_DEADLINE_PREFIX = re.compile(r"^(?:\d{1,2}月(?:份|底|末)?(?:前|之前|以前)|年底前|年内|上半年|下半年)")

# A clause that goes on about the amount before it: 增长6%, 比上年增长, 占全市的比重超过60%, 其中…
_CONTINUATION = re.compile(
    r"^(?:同比|比(?![重例较])|年均|平均每年|每年|分别|其中|即|占|增长|下降|提高|降低|增加|减少|上涨|增速|等等?$"
    # "地区生产总值增长6%，达到3200亿元": the level the same indicator reaches.
    r"|(?:总量|规模)?(?:达到|达|突破)(?=\d))"
)
# A clause that only leads into the next one: 其中，农业总产值增长4%.
_CONNECTIVE = re.compile(r"^(?:其中|同时|此外|另外|包括|即|主要是)$")
# 责任单位：市发展改革委 — a label naming who carries out the task before it.
_RESPONSIBLE_LABEL = re.compile(r"^[（(]?(?:责任|牵头|主责|承办)(?:单位|部门)$")

# --- sentences and clauses -------------------------------------------------------------------
_SPLIT = re.compile(r"[。！？!?；;\n]|(?<!\d)[：:]|[：:](?!\d)")  # not the colon of a ratio (1：1)
_OPEN = "“（(《"
_PAIRED = re.compile(r"[“”（）()《》]")
_QUOTATION = re.compile(r"“[^“”]{0,150}”")
_QUOTE_SPAN = 150  # a quotation or bracket left open longer than this is a typo, not a quotation
_CLAUSE = re.compile(r"(?<!\d)[，,]|[，,](?!\d{3}(?!\d))")  # not the comma of 34，250万吨
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
    if not _PAIRED.search(segment):
        return _CLAUSE.split(segment)
    return [segment[start:end] for start, end in _clause_spans(segment)]


def _clause_spans(segment: str) -> list[tuple[int, int]]:
    spans = _protected_spans(segment)
    clauses, start = [], 0
    for m in _CLAUSE.finditer(segment):
        at = m.start()
        if spans and any(a < at < b for a, b in spans):
            continue
        clauses.append((start, at))
        start = m.end()
    clauses.append((start, len(segment)))
    return clauses


def heading_context(heading: str, year: int | None = None) -> str | None:
    """What a heading says about the text below it, or None when it says nothing.

    Words that name the part decide first (工作回顾 / 主要目标任务, see `named_context`);
    failing them a result reported (推动了城市管理上台阶) marks a look back and a task set
    (着力培育主导产业集群, 抓好重点项目建设) a plan.
    """
    named = named_context(heading, year)
    if named is not None:
        return named
    words = _QUOTED_NAME.sub("", heading)
    if is_past(words, year=year):
        return REVIEW
    if _TASK_TITLE.search(words):
        return PLAN
    return None


def named_context(heading: str, year: int | None = None) -> str | None:
    """The part a heading or a lead-in names by its words, or None.

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


def _looks_back_first(heading: str) -> bool:
    """肯定成绩，正视问题，理清新思路: a heading naming a look back before the plan."""
    words = _QUOTED_NAME.sub("", heading)
    review, plan = _REVIEW_HEADING.search(words), _PLAN_HEADING.search(words)
    return bool(review and plan and review.start() < plan.start())


def _years_mentioned(text: str) -> Iterator[tuple[int, bool]]:
    """Years named in `text` (2025年, 一九五七年, “十三五” as its last year), each with whether 到/至 leads to it.

    A year compared against (将比1980年增长1.7倍) is a base, not a time, and is left out.
    """
    if "年" not in text and "五" not in text:
        return
    for m in _YEAR_MENTION.finditer(text):
        if m["lead"] in ("比", "较"):
            continue
        if m["plan"]:
            mentioned = five_year_plan_end(10 + _CN_DIGITS.index(m["plan"]) + 1)
        else:
            mentioned = int(m["year"]) if m["year"].isdigit() else year_number(m["year"])
        if mentioned is not None:
            yield mentioned, m["lead"] in ("到", "至")


def _mentions_earlier_year(clause: str, year: int | None) -> bool:
    if year is None:
        return False
    return any(mentioned < year and not towards for mentioned, towards in _years_mentioned(clause))


def _modal(text: str) -> re.Match[str] | None:
    """A word of will (要, 将, 必须, 力争…); "经过长期努力" tells of effort made, not to be made."""
    return _MODAL.search(_EFFORT_MADE.sub("", text)) if "经过" in text else _MODAL.search(text)


def is_past(clause: str, *, year: int | None = None) -> bool:
    """A clause that reports what has been done: 累计完成固定资产投资550亿元, 取得了新突破."""
    clause = unquoted(clause)
    if _modal(clause):
        return False
    return bool(_PAST.search(clause)) or _mentions_earlier_year(clause, year)


def strength_of(text: str, amount_end: int | None = None) -> str:
    """binding (必须, 确保…), aspirational (力争, 争取…) or planned.

    With an amount, the words up to the end of its clause rule: in "增长4.5%—5%，在实际工作中
    全力争取更好结果" (or "增长4.5%左右、力争更好结果") the target itself is planned; 争取 is
    about doing better.
    """
    if amount_end is not None:
        clause_end = _AFTER_AMOUNT.search(text, amount_end)
        text = text[: clause_end.start() if clause_end else len(text)]
    words = unquoted(text)
    if _BINDING.search(words):
        return "binding"
    if _ASPIRATIONAL.search(words):
        return "aspirational"
    return "planned"


def responsible_of(text: str) -> str | None:
    """The body named as the one to act: 市直有关部门要制定工作方案 -> 市直有关部门.

    Also 由市发展改革委负责 -> 市发展改革委, and （责任单位：市住房城乡建设局） -> 市住房城乡建设局.
    """
    labelled = _ACTOR_LABELLED.search(text)
    if labelled:
        return labelled["actor"].strip()
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
    # A description opens a sentence ("X是Y", "X处于Y") or judges in any clause ("任务十分艰巨")
    # without saying what is to be done about it.
    judging = bool(_EVALUATION_WORDS.search(own_words))
    described = [
        (i < 2 and bool(_DESCRIPTION.search(clause)))
        or (judging and bool(_EVALUATION.search(clause)) and not _modal(clause))
        for i, clause in enumerate(clauses)
    ]
    if "是" in own_words:
        said_of = next((i for i, clause in enumerate(clauses) if i and _SUBJECT_OF.match(clause)), None)
        if said_of is not None:
            described[: said_of + 1] = [True] * (said_of + 1)
    if any(described):
        # "X是Y，要Z" still pledges Z; "X是…确保粮食安全的重大举措" pledges nothing.
        doing = [clause for clause, is_described in zip(clauses, described, strict=True) if not is_described]
        return any(_modal(clause) for clause in doing)
    if _modal(own_words):
        return True
    if context == PLAN:
        return bool(deadline or _ACTION.search(own_words))
    # Outside a plan "上半年，全市完成投资300亿元" reports a period; "6月底前完成" sets a limit.
    return deadline is not None and bool(_LIMIT.search(deadline.text))


def unquoted(text: str) -> str:
    """`text` without what it quotes: a cited “务必…” is someone else's pledge."""
    return _QUOTATION.sub("“”", text)


def _forward_runs(segment: str, year: int | None) -> Iterator[str]:
    """The parts of a sentence left once clauses about the past are dropped.

    A sentence framed in the past (我们从一九五五年以来，通过…，使…比重降低到20%左右) stays in
    the past until a clause turns to what is to be done (…，今年要…).
    """
    clauses = split_clauses(segment)
    past = [is_past(clause, year=year) for clause in clauses]
    if past[0] and _PAST_FRAME.search(clauses[0]):
        for i in range(1, len(clauses)):
            if _modal(unquoted(clauses[i])) or _FORWARD.search(clauses[i]):
                break
            past[i] = True
    for i in range(1, len(clauses)):
        # 已经能够用自己制造的设备，来建设…: what a past clause goes on to is past too.
        if past[i - 1] and not past[i] and _GOES_ON.match(clauses[i]) and not _modal(clauses[i]):
            past[i] = True
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


def target_list(sentence: str, amounts: list[FoundAmount] | None = None) -> list[str]:
    """A sentence listing several targets -> one part per target; any other sentence stays whole.

    "地区生产总值增长6%左右，固定资产投资增长7%左右，居民收入增长和经济增长同步" gives three
    parts. Clauses before the first target lead into it (全市力争完成投资700亿元以上), a clause
    that only goes on about the target before it (增长6%, 占全市的比重超过60%) stays with it, and
    amounts that describe a thing (年产150万吨的煤矿) are not targets to list.
    `amounts`: the sentence's amounts when already found.
    """
    if amounts is None:
        amounts = list(iter_amounts(sentence))
    starts = [found.start for found in amounts if not sentence.startswith("的", found.end)]
    if len(starts) < 2:
        return [sentence]
    spans = _clause_spans(sentence)
    with_target = [any(start <= at < end for at in starts) for start, end in spans]
    if sum(with_target) < 2:
        return [sentence]
    pieces: list[list[str]] = [[]]
    seen_target = leading_into = False
    for (start, end), has_target in zip(spans, with_target, strict=True):
        clause = sentence[start:end]
        connective = bool(_CONNECTIVE.match(clause.strip()))
        if seen_target and not leading_into and (connective or not _CONTINUATION.match(clause)):
            pieces.append([])
        pieces[-1].append(clause)
        seen_target = seen_target or has_target
        leading_into = connective
    joined = ["，".join(piece).strip(_TRIM) for piece in pieces]
    return [piece for piece in joined if piece]


def _stands_alone(piece: str) -> bool:
    """A part of a target list that sets a target, or does something rather than say why or what it is."""
    if find_amounts(piece):
        return True
    if len(piece) < _MIN_LENGTH or _LEANS_BACK.match(piece):
        return False
    return _modal(piece) is not None or not (_DESCRIPTION.search(piece) or _EVALUATION.search(piece))


def _opening_pledge(text: str, targets: list[ParsedTarget], deadline: ParsedDeadline | None) -> bool:
    """The words before the first heading greet and introduce ("大家要认真学习"); a pledge there
    sets an amount or a limit, or says who is to do what this year (今年全市要坚持项目为王)."""
    if targets or deadline:
        return True
    return bool(_modal(text) and (_THIS_YEAR.search(text) or responsible_of(text)))


def _future_deadline(deadline: ParsedDeadline | None, year: int | None) -> ParsedDeadline | None:
    # 到2025年底 in a 2026 report is when something was done, not a limit.
    if deadline is None or year is None or deadline.year is None:
        return deadline
    return deadline if deadline.year >= year else None


def reads_as_review(text: str, year: int | None = None) -> bool:
    """Whether a part with no heading to say so is a look back: it reports results (完成投资550亿元,
    获评全国文明城市, 2023年…增长5.2%) and hardly says what is to be done."""
    results = planned = 0
    for paragraph in text.split("\n"):
        for segment in split_segments(paragraph):
            sentence = unquoted(segment.text)
            if _RESULT.search(sentence) and not _AIMED.search(sentence):
                results += 1
            elif _modal(_GAINED.sub("", sentence)) or _AIMED.search(sentence) or _FORWARD.search(sentence):
                planned += 1
            elif is_past(sentence, year=year):
                results += 1
    return results >= _RESULTS_OF_A_REVIEW and results >= 2 * planned


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
        self,
        section: ParsedSection,
        ancestors: list[ParsedSection],
        carried: str | None,
        parent: str | None,
        looking_back: bool = False,
    ) -> str | None:
        """Read one section and its subsections; returns the context in force at its end.

        `looking_back`: the parent's heading names a look back before its plan, so a subsection
        is a look back unless its own heading names another part.
        """
        heading = section.heading
        named = named_context(heading, self.year) if heading else None
        own = heading_context(heading, self.year) if heading else None
        if parent in (REVIEW, NOTES) and carried != PLAN:
            own = parent  # the parts of a look back are a look back, whatever their headings say
        elif named is None and own != REVIEW and parent is None and self._looks_back(section):
            # A look back whose heading was lost (a text that starts in the middle of the review) or
            # that names no part (（一）坚持稳中求进，经济运行持续向好): its results are no pledges.
            own = REVIEW
        elif looking_back and named is None:
            own = REVIEW  # （一）大力实施环境卫生整治工程，群众居住环境明显改善: a result, told as a task
        elif parent == PLAN and own == NEUTRAL:
            own = PLAN  # （三）着力解决突出问题 is a task of the plan, not a look at the situation
        context = own or carried or parent
        path = [s.label for s in [*ancestors, section] if s.label]
        self.opening = self.index == 0 and not section.label and self.outlined
        if heading and named is None and context not in (REVIEW, NOTES) and self._heading_pledges(section):
            for run in _forward_runs(heading.strip(_TRIM), self.year):
                self._consider(run, context or NEUTRAL, path)
        context = self._read_text(section.text, context, path)
        self.index += 1
        children_look_back = own == PLAN and bool(heading) and _looks_back_first(heading)
        carried_on = None
        for child in section.children:
            carried_on = self._visit(
                child,
                [*ancestors, section],
                None if carried_on == REVIEW else carried_on,
                context,
                looking_back=children_look_back and carried_on != PLAN,
            )
        return carried_on or context

    def _looks_back(self, section: ParsedSection) -> bool:
        if not (section.heading or self.outlined):
            return False  # a speech without parts is read sentence by sentence
        text = "\n".join(part.text for part in section.walk())
        return reads_as_review(text, self.year)

    def _heading_pledges(self, section: ParsedSection) -> bool:
        """Whether a heading is a commitment rather than the context of the ones below it."""
        if _RUN_IN_MARKER.match(section.marker.strip()) or not (section.text.strip() or section.children):
            return True
        return bool(find_amounts(section.heading) or find_deadline(section.heading, year=self.year))

    def _read_text(self, text: str, context: str | None, path: list[str]) -> str | None:
        for paragraph in text.split("\n"):
            paragraph = paragraph.strip()
            if not paragraph or context == NOTES:
                continue
            if _HEADING_LIKE.match(paragraph) and not _modal(paragraph) and named_context(paragraph):
                # An unmarked heading left in the text ("2026年重点工作") switches the context.
                context = named_context(paragraph)
                continue
            in_past = bool(_RETROSPECT_OPENING.match(paragraph))
            paragraph_context = context
            segments = split_segments(paragraph)
            opening = segments[0] if segments else None
            # "今年发展环境虽然好于去年，但是面临的形势极为复杂。…": a paragraph that opens on the
            # situation reports it; only what it says is to be done (要…) is a pledge.
            if (
                context == PLAN
                and opening
                and not opening.lead_in
                and _SITUATION.search(opening.text)
                and not _modal(opening.text)
            ):
                paragraph_context = NEUTRAL
            for number, segment in enumerate(segments, 1):
                if segment.lead_in:
                    if _RESPONSIBLE_LABEL.match(segment.text):
                        self._name_responsible(segments[number].text if number < len(segments) else "")
                        continue
                    found = named_context(segment.text)
                    if found is None and _PLAN_LEAD_IN.search(segment.text) and not is_past(segment.text):
                        found = PLAN  # 重点做好10个方面工作：
                    if found is not None:
                        paragraph_context = found
                        if number == len(segments):  # the list it opens follows in the next paragraphs
                            context = found
                        elif context == REVIEW and found == PLAN and _THIS_YEAR.search(segment.text):
                            # "今年全市经济社会发展主要预期目标是：…": the text has turned to the plan.
                            context = PLAN
                    continue
                if number > 1 and segments[number - 2].lead_in and _RESPONSIBLE_LABEL.match(segments[number - 2].text):
                    continue  # the bodies named after 责任单位：
                if in_past:
                    if not _modal(segment.text):
                        continue
                    in_past = False
                if _EXAMPLE.match(segment.text):
                    continue  # 例如，…: an illustration of the point, not a pledge of its own
                if paragraph_context in (REVIEW, NOTES):
                    continue
                for run in _forward_runs(segment.text, self.year):
                    self._consider(run, paragraph_context or NEUTRAL, path)
        return context

    def _name_responsible(self, bodies: str) -> None:
        """责任单位：市发展改革委 after a task names who carries it out."""
        bodies = bodies.strip(_TRIM)
        if self.commitments and bodies and self.commitments[-1].responsible is None:
            self.commitments[-1].responsible = bodies

    def _consider(self, text: str, context: str, path: list[str]) -> None:
        text = text.strip(_TRIM)
        if context in (REVIEW, NOTES) or is_past(text, year=self.year):
            return
        amounts = list(iter_amounts(text))
        targets = [found.target for found in amounts]
        deadline = _future_deadline(find_deadline(text, year=self.year), self.year)
        if not _is_pledge(text, context, targets, deadline) or (
            self.opening and not _opening_pledge(text, targets, deadline)
        ):
            return
        pieces = self._own_pieces(target_list(text, amounts))
        if len(pieces) == 1:
            self.commitments.append(self._commitment(text, path, amounts, deadline))
            return
        lead = self._commitment(pieces[0], path)
        self.commitments.append(lead)
        for piece in pieces[1:]:
            # The later targets of a list share what its lead says: who acts, by when, how firmly.
            commitment = self._commitment(piece, path)
            commitment.responsible = commitment.responsible or lead.responsible
            if commitment.deadline is None and lead.deadline is not None:
                commitment.deadline = lead.deadline
                commitment.kind = "target" if commitment.targets else "deadline"
            if commitment.strength == "planned":
                commitment.strength = lead.strength
            self.commitments.append(commitment)

    def _own_pieces(self, pieces: list[str]) -> list[str]:
        """Parts of a target list that stand on their own; any other part stays with the one before
        (汽车16万辆，这是根据需要安排的; 提供个案服务超3000个，让心理健康服务更加触手可及)."""
        kept = pieces[:1]
        for piece in pieces[1:]:
            if _stands_alone(piece):
                kept.append(piece)
            else:
                kept[-1] = f"{kept[-1]}，{piece}"
        return kept

    def _commitment(
        self,
        text: str,
        path: list[str],
        amounts: list[FoundAmount] | None = None,
        deadline: ParsedDeadline | None = None,
    ) -> ParsedCommitment:
        if amounts is None:
            amounts = list(iter_amounts(text))
            deadline = _future_deadline(find_deadline(text, year=self.year), self.year)
        targets = [found.target for found in amounts]
        kind = "target" if targets else ("deadline" if deadline else "action")
        return ParsedCommitment(
            text=text,
            kind=kind,
            strength=strength_of(text, amounts[0].end if amounts else None),
            section_index=self.index,
            position=len(self.commitments),
            targets=targets,
            deadline=deadline,
            responsible=responsible_of(text),
            section_path=list(path),
        )


def extract_commitments(sections: list[ParsedSection], *, year: int | None = None) -> list[ParsedCommitment]:
    """The pledges of one speech, in order; `year` is the speech's year when known."""
    reader = _Reader(year=year)
    reader.read(sections)
    return reader.commitments


__all__ = ["extract_commitments", "heading_context", "is_past", "split_clauses", "split_segments"]
