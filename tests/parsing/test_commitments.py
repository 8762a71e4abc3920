"""Commitment extraction on hand-made outlines, and on the shared corpus."""

import re
from decimal import Decimal

import pytest

from speeches.parsing import parse_document
from speeches.parsing.commitments import extract_commitments, is_past, split_segments
from speeches.parsing.structures import ParsedSection
from tests.corpus import PUBLIC, SEED


def section(marker, heading, *paragraphs, children=(), level=1):
    return ParsedSection(marker, heading, "\n".join(paragraphs), level, list(children))


def texts(commitments):
    return [c.text for c in commitments]


def the(commitments, words):
    (found,) = [c for c in commitments if words in c.text]
    return found


# --- what counts as a pledge -----------------------------------------------------------------


def test_review_part_yields_nothing_even_with_numbers_and_verbs():
    sections = [
        section("一、", "肯定成绩，认清差距", "全市累计完成固定资产投资550亿元，比上年增长52.7%。要继续加快发展。"),
        section("二、", "明确任务", "今年要完成固定资产投资700亿元以上。"),
    ]
    found = extract_commitments(sections)
    assert texts(found) == ["今年要完成固定资产投资700亿元以上"]


def test_plan_part_pledges_without_a_modal_verb():
    sections = [section("二、", "今年重点工作", "疏解提质一般制造业企业80家。")]
    (commitment,) = extract_commitments(sections)
    assert commitment.kind == "target"
    assert [(t.value, t.unit) for t in commitment.targets] == [(Decimal(80), "家")]


def test_outside_a_plan_only_modal_sentences_pledge():
    sections = [section("", "", "这次会议很重要。全市完成投资200亿元。各县区要抓紧落实。")]
    assert texts(extract_commitments(sections)) == ["各县区要抓紧落实"]


def test_outside_a_plan_a_period_is_a_report_and_a_limit_a_pledge():
    sections = [section("", "", "上半年，全市完成固定资产投资300亿元。6月底前完成全部清理。")]
    assert texts(extract_commitments(sections)) == ["6月底前完成全部清理"]


def test_lead_in_with_targets_makes_the_list_after_it_a_plan():
    paragraph = "今年经济社会发展的主要预期目标是：地区生产总值增长4.5%—5%；地方一般公共预算收入增长3%左右；"
    found = extract_commitments([section("", "", paragraph)])
    assert texts(found) == ["地区生产总值增长4.5%—5%", "地方一般公共预算收入增长3%左右"]
    growth = found[0].targets[0]
    assert (growth.value, growth.value_max, growth.unit) == (Decimal("4.5"), Decimal(5), "%")


def test_lead_in_of_a_review_keeps_its_list_out():
    sections = [section("", "", "主要做了以下工作：", "全省新增就业110万人，建成高速公路200公里。")]
    assert extract_commitments(sections) == []


def test_paragraph_that_looks_back_stays_in_the_past_until_a_pledge():
    sections = [
        section(
            "二、",
            "今年主要任务",
            "过去一年，全省建成区面积达到86平方公里。新增就业30万人。今年要新增就业35万人。",
        )
    ]
    assert texts(extract_commitments(sections)) == ["今年要新增就业35万人"]


def test_clauses_about_the_past_are_dropped_from_a_pledge():
    sections = [section("二、", "今年主要任务", "在去年完成造林500万公顷的基础上，今年要完成造林600万公顷。")]
    (commitment,) = extract_commitments(sections)
    assert commitment.text == "今年要完成造林600万公顷"
    assert [t.value for t in commitment.targets] == [Decimal(600)]


def test_years_before_the_speech_are_the_past():
    sections = [section("三、", "2026年工作安排", "2025年地区生产总值增长3.9%。全年投资增长5%左右。")]
    assert texts(extract_commitments(sections, year=2026)) == ["全年投资增长5%左右"]


@pytest.mark.parametrize(
    "clause",
    ["累计完成固定资产投资550亿元", "基础设施建设取得了新突破", "截至年底建成100个", "一年来新增企业500家"],
)
def test_past_results(clause):
    assert is_past(clause)


@pytest.mark.parametrize("clause", ["要完成固定资产投资700亿元", "为了加快发展", "推动已开工项目尽快投产"])
def test_not_past(clause):
    assert not is_past(clause)


def test_descriptions_and_greetings_are_not_pledges():
    sections = [
        section("", "", "同志们：", "今天召开这次会议。"),
        section(
            "一、",
            "今年工作安排",
            "2026年是开局之年，意义重大。",
            "以经济建设为中心是兴国之要。",
            "下面，我讲三点意见。",
            "建成城市快速路20公里。",
        ),
    ]
    assert texts(extract_commitments(sections, year=2026)) == ["建成城市快速路20公里"]


def test_what_others_are_quoted_saying_is_not_the_speakers_pledge():
    sections = [section("", "", "书记作出批示，“此事意义重大，务必精心组织”。")]
    assert extract_commitments(sections) == []


def test_what_others_say_they_will_do_is_not_the_speakers_pledge():
    sections = [section("二、", "主要任务", "现在，对方说它要撤军，但是事实表明它并无诚意。")]
    assert extract_commitments(sections) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "随着建设的进展，各方面对新材料的要求越来越高，任务十分艰巨",
        "对文化建设来说，守正才能不迷失方向，创新才能引领时代",
        "坚持以经济建设为中心，坚持改革开放，是实现发展目标的根本保证",
        "这个增长速度，大体相当于上一个五年计划规定的增长速度",
        "我们的信心来源于经济长期向好的基本面",
        "除了生产性的建设存在着浪费现象以外，在非生产性的建设中，也还存在着浪费现象",
        "如不及时解除旱情，苗情将继续恶化，后果将不堪设想",
        "例如，某煤矿原来日产量总是停留在六百吨，不能增长上去",
    ],
)
def test_judgements_and_reasons_in_a_plan_are_not_pledges(sentence):
    assert extract_commitments([section("二、", "主要任务", sentence)]) == []


@pytest.mark.parametrize("sentence", ["要着力解决存在的突出问题", "要坚持守正，才能不迷失方向"])
def test_a_judgement_with_something_to_do_still_pledges(sentence):
    (commitment,) = extract_commitments([section("二、", "主要任务", sentence)])
    assert commitment.text == sentence


def test_effort_already_made_is_not_a_pledge():
    sections = [section("", "", "经过长期努力，我们比以往更有条件做好这项工作。各地要共同努力完成任务。")]
    assert texts(extract_commitments(sections)) == ["各地要共同努力完成任务"]


def test_a_sentence_framed_in_the_past_stays_in_the_past_until_it_turns():
    sections = [
        section(
            "二、",
            "主要任务",
            "我们从1955年以来，通过降低建筑标准，使非生产性投资的比重降低到20%左右。",
            "去年以来，全省新建学校120所，今年要再建学校150所。",
        )
    ]
    assert texts(extract_commitments(sections, year=1958)) == ["今年要再建学校150所"]


def test_a_year_compared_against_is_not_the_past():
    sections = [section("二、", "今后五年的任务", "我国国民生产总值将比1980年增长1.7倍。")]
    (commitment,) = extract_commitments(sections, year=1988)
    assert [(t.value, t.unit) for t in commitment.targets] == [(Decimal("1.7"), "倍")]


def test_the_opening_pledges_only_what_is_set_for_the_year():
    sections = [
        section("", "", "同志们：", "刚才几位同志讲的很好，大家要认真学习。今年全市要坚持项目为王，推动产业焕新。"),
        section("一、", "抓好重点项目建设", "市发展改革委要建立项目台账。"),
    ]
    found = extract_commitments(sections, year=2025)
    assert texts(found) == ["今年全市要坚持项目为王，推动产业焕新", "市发展改革委要建立项目台账"]


def test_a_paragraph_that_opens_on_the_situation_reports_it():
    paragraph = (
        "今年发展环境虽然好于去年，但是面临的形势极为复杂。国内外因素相互交织，经济社会发展中的问题增多。"
        "我们要增强忧患意识，做好应对风险的准备。"
    )
    found = extract_commitments([section("二、", "2026年主要任务", paragraph)], year=2026)
    assert texts(found) == ["我们要增强忧患意识，做好应对风险的准备"]


def test_what_a_past_clause_goes_on_to_is_past_too():
    sentence = "我们已经能够用自己制造的设备，来建设所需要的大多数企业，并且加强国防力量。"
    assert extract_commitments([section("二、", "主要任务", sentence)]) == []


def test_a_comparison_with_last_year_is_not_the_past():
    sentence = "今年赤字率拟按3.2%左右安排、比去年有所降低。"
    (commitment,) = extract_commitments([section("二、", "2026年主要任务", sentence)], year=2026)
    assert [(t.value, t.unit) for t in commitment.targets] == [(Decimal("3.2"), "%")]


def test_a_ratio_does_not_end_a_sentence():
    sentence = "争创国家现代农业产业园3个，农产品加工业总产值与农业总产值之比突破1：1。"
    (commitment,) = extract_commitments([section("二、", "主要任务", sentence)])
    assert commitment.text == sentence.rstrip("。")


# --- the section tree ------------------------------------------------------------------------


def test_parts_of_a_review_stay_review_whatever_their_headings_say():
    review = section(
        "一、",
        "2025年工作回顾",
        children=[section("三是", "打好三大攻坚战，主要目标任务如期完成。", "贫困县全部摘帽。", level=2)],
    )
    plan = section("二、", "2026年重点工作", "新增城镇就业100万人。")
    assert texts(extract_commitments([review, plan], year=2026)) == ["新增城镇就业100万人"]


def test_a_new_part_after_a_review_is_not_a_review():
    sections = [
        section("一、", "过去五年工作回顾", "各地要继续努力。"),
        section("二、", "关于外交工作", "我们要坚持独立自主的和平外交政策。"),
    ]
    assert texts(extract_commitments(sections)) == ["我们要坚持独立自主的和平外交政策"]


def test_subsections_of_a_plan_inherit_it_and_their_headings_are_its_context():
    plan = section(
        "二、",
        "确定目标，明确任务",
        children=[section("（一）", "着力培育主导产业集群。", "各产业集聚区确定一个优先发展的主导产业。", level=2)],
    )
    (commitment,) = extract_commitments([plan])
    assert commitment.text == "各产业集聚区确定一个优先发展的主导产业"
    assert commitment.kind == "action"
    assert commitment.section_path == ["二、确定目标，明确任务", "（一）着力培育主导产业集群。"]


def test_a_task_about_problems_is_still_part_of_the_plan():
    plan = section(
        "二、",
        "今年主要任务",
        children=[section("（三）", "着力解决突出问题", "新建停车位2000个。", level=2)],
    )
    assert texts(extract_commitments([plan])) == ["新建停车位2000个"]


def test_an_unmarked_heading_left_in_the_text_switches_the_context():
    sections = [
        section(
            "", "“十四五”时期工作回顾", "全省生产总值达到1万亿元。", "2026年重点工作", "粮食产量稳定在1300万吨以上。"
        )
    ]
    assert texts(extract_commitments(sections, year=2026)) == ["粮食产量稳定在1300万吨以上"]


def test_a_heading_naming_an_earlier_year_is_a_review():
    sections = [
        section("（一）", "一九五七年经济战线上的胜利", "钢产量达到五百万吨。"),
        section("（二）", "争取一九五八年国民经济的新跃进", "钢产量达到六百万吨。"),
    ]
    assert texts(extract_commitments(sections, year=1958)) == ["钢产量达到六百万吨"]


def test_notes_after_the_speech_are_not_pledges():
    sections = [
        section("三、", "2026年工作安排", "新建充电设施50万个。"),
        section("", "名词解释", "“双高计划”：", "是指建设一批高水平学校，推动职业教育发展。"),
    ]
    assert texts(extract_commitments(sections, year=2026)) == ["新建充电设施50万个"]


def test_index_position_and_path():
    tree = [
        section("", "", "同志们："),
        section(
            "一、",
            "明确任务",
            "要完成投资700亿元。",
            children=[section("（一）", "着力抓好招商", "要引进项目15个。要完成签约。", level=2)],
        ),
    ]
    found = extract_commitments(tree)
    assert [(c.section_index, c.position) for c in found] == [(1, 0), (2, 1), (2, 2)]
    assert found[1].text == "要引进项目15个"
    assert found[-1].section_path == ["一、明确任务", "（一）着力抓好招商"]
    assert all(c.topic is None for c in found)


def test_a_heading_that_sets_a_task_makes_its_part_a_plan():
    sections = [
        section("", "", "制造业是我市的立身之本。"),
        section("一、", "抓好重点项目建设", "全年实施亿元以上工业项目200个以上，完成工业投资增长10%左右。"),
    ]
    found = extract_commitments(sections, year=2025)
    assert texts(found) == ["全年实施亿元以上工业项目200个以上", "完成工业投资增长10%左右"]
    assert [(t.value, t.unit, t.qualifier) for c in found for t in c.targets] == [
        (Decimal(200), "个", "以上"),
        (Decimal(10), "%", "左右"),
    ]


def test_a_heading_about_the_situation_is_not_a_plan():
    sections = [section("一、", "坚定信心，认清文旅产业发展的新形势", "全市接待游客8000万人次，旅游收入稳步增长。")]
    assert extract_commitments(sections) == []


def test_a_heading_that_reports_a_result_makes_its_part_a_look_back():
    sections = [section("（三）", "着力整治城市秩序，营造了和谐的城市环境。", "拆除破旧建筑500处，规范沿街门头。")]
    assert extract_commitments(sections) == []


def test_subsections_of_a_heading_that_looks_back_first_are_a_look_back_until_the_plan():
    part = section(
        "一、",
        "肯定成绩，正视问题，理清城市管理工作新思路",
        children=[
            section("（一）", "大力实施环境卫生整治工程，群众居住环境明显改善。", "全市清运垃圾1.2万立方米。", level=2),
            section(
                "（二）",
                "加快基础设施改造步伐，城市新亮点凸现。",
                "亮化楼体100余座。",
                "今后一段时期城市管理工作的总体思路是：",
                "加大管理投入，完善基础设施。",
                level=2,
            ),
        ],
    )
    assert texts(extract_commitments([part])) == ["加大管理投入，完善基础设施"]


def test_a_heading_is_a_commitment_when_it_sets_an_amount_or_is_all_there_is():
    plan = section(
        "二、",
        "今年主要任务",
        children=[
            section("（一）", "新建停车位2000个。", "在老城区优先建设。", level=2),
            section("（二）", "加强统计基础工作。", level=2),
            section("（三）", "着力抓好招商。", "要引进项目15个。", level=2),
        ],
    )
    found = texts(extract_commitments([plan]))
    assert found == ["新建停车位2000个", "在老城区优先建设", "加强统计基础工作", "要引进项目15个"]


def test_items_run_into_the_text_are_commitments():
    plan = section(
        "二、",
        "今年主要任务",
        children=[section("一是", "加强土地整治。", "二是继续加大财政投入。", level=2)],
    )
    assert texts(extract_commitments([plan])) == ["加强土地整治", "二是继续加大财政投入"]


# --- what is recorded ------------------------------------------------------------------------


def test_enumerated_items_inside_a_paragraph_are_separate_commitments():
    sections = [section("二、", "主要任务", "一是加强土地整治。二是继续加大财政投入。三是加强人才保障。")]
    assert texts(extract_commitments(sections)) == ["一是加强土地整治", "二是继续加大财政投入", "三是加强人才保障"]


def test_kinds():
    sections = [
        section(
            "二、",
            "主要任务",
            "全市力争完成固定资产投资700亿元以上。2月底前报市领导小组办公室。加强统计基础工作。",
        )
    ]
    found = extract_commitments(sections)
    assert [c.kind for c in found] == ["target", "deadline", "action"]
    assert (found[1].deadline.text, found[1].deadline.month) == ("2月底前", 2)


@pytest.mark.parametrize(
    ("sentence", "strength"),
    [
        ("必须增强忧患意识", "binding"),
        ("确保按计划竣工投产", "binding"),
        ("一定要把好质量关", "binding"),
        ("要倒排工期", "planned"),
        ("抓好统计基础工作", "planned"),
        ("力争完成固定资产投资700亿元以上", "aspirational"),
        ("争取早日通过认定", "aspirational"),
        # The target is planned; 争取 is about doing better than it.
        ("地区生产总值增长4.5%—5%，在实际工作中全力争取更好结果", "planned"),
        ("全省地区生产总值增长4.5%左右、力争更好结果", "planned"),
    ],
)
def test_strength(sentence, strength):
    (commitment,) = extract_commitments([section("二、", "主要任务", sentence)])
    assert commitment.strength == strength


@pytest.mark.parametrize(
    ("sentence", "body"),
    [
        ("市直有关部门要制定工作方案", "市直有关部门"),
        ("发改、国土、规划、环保等部门要搞好服务，6月份前要完成规划调整", "发改、国土、规划、环保等部门"),
        ("按照规划，各产业集聚区要选配干部充实管委会队伍", "各产业集聚区"),
        ("今年市政府要设立专门的协调机构", "市政府"),
        ("由市产业集聚区规划建设工作领导小组办公室每月组织一次督导检查", "市产业集聚区规划建设工作领导小组办公室"),
        ("年底前新增专精特新企业50家以上，由市工业和信息化局负责", "市工业和信息化局"),
        ("各县区要抓紧制定实施方案", "各县区"),
        ("完成老旧小区改造300个（责任单位：市住房城乡建设局）", "市住房城乡建设局"),
        ("要倒排工期", None),
        ("对没有列入重点培育范围的产业集聚区，要对照创建标准", None),
    ],
)
def test_responsible_body(sentence, body):
    (commitment,) = extract_commitments([section("二、", "主要任务", sentence)])
    assert commitment.responsible == body


def test_a_label_after_a_task_names_who_carries_it_out():
    sections = [section("二、", "主要任务", "完成老旧小区改造300个。责任单位：市住房城乡建设局、各区政府。")]
    (commitment,) = extract_commitments(sections)
    assert commitment.responsible == "市住房城乡建设局、各区政府"


def test_deadline_with_placeholder_year_has_no_year():
    (commitment,) = extract_commitments([section("二、", "主要任务", "到20xx年底建成污水处理厂。")], year=2026)
    assert (commitment.kind, commitment.deadline.year, commitment.deadline.month) == ("deadline", None, 12)


def test_a_limit_already_passed_is_not_a_deadline():
    (commitment,) = extract_commitments([section("二、", "主要任务", "巩固到2025年底建成的成果。")], year=2026)
    assert commitment.deadline is None


def test_sentences_do_not_break_inside_quotes():
    segments = split_segments("坚持“属地管理。分级负责”原则：加强指导。")
    assert [s.text for s in segments] == ["坚持“属地管理。分级负责”原则", "加强指导"]
    assert [s.lead_in for s in segments] == [True, False]


def test_a_list_of_targets_gives_one_commitment_per_target():
    paragraph = (
        "今年的主要预期目标是：地区生产总值增长6%左右，固定资产投资增长7%左右，"
        "城镇调查失业率控制在5.5%左右，居民收入增长和经济增长同步。"
    )
    found = extract_commitments([section("", "", paragraph)], year=2026)
    assert [(c.text, [(t.value, t.unit, t.qualifier) for t in c.targets]) for c in found] == [
        ("地区生产总值增长6%左右", [(Decimal(6), "%", "左右")]),
        ("固定资产投资增长7%左右", [(Decimal(7), "%", "左右")]),
        ("城镇调查失业率控制在5.5%左右", [(Decimal("5.5"), "%", "左右")]),
        ("居民收入增长和经济增长同步", []),
    ]


def test_later_targets_of_a_list_share_its_actor_limit_and_strength():
    sections = [section("二、", "主要任务", "年底前，各县区要力争新增就业1万人，培训农民工5000人次。")]
    first, second = extract_commitments(sections, year=2026)
    assert second.text == "培训农民工5000人次"
    assert (second.responsible, second.deadline.text, second.strength) == ("各县区", "年底前", "aspirational")
    assert (first.responsible, first.deadline.month) == ("各县区", 12)


@pytest.mark.parametrize(
    "sentence",
    [
        "全市力争完成固定资产投资700亿元以上，占全省的比重超过60%",
        "实现地区生产总值5000亿元，增长6%左右",
        "建设年产150万吨的煤矿，年产5万吨的化肥厂",
        "粮食产量34，250万吨，比上年增加1，000万吨",
    ],
)
def test_what_goes_on_about_one_target_stays_with_it(sentence):
    (commitment,) = extract_commitments([section("二、", "主要任务", sentence)])
    assert commitment.text == sentence


def test_a_part_of_a_list_that_only_says_why_stays_with_the_target_before_it():
    sentence = "新建充电桩3000个，改造停车场20个，让群众出行更加便利。"
    found = extract_commitments([section("二、", "主要任务", sentence)])
    assert texts(found) == ["新建充电桩3000个", "改造停车场20个，让群众出行更加便利"]


def test_thousands_separators_do_not_cut_an_amount():
    (commitment,) = extract_commitments([section("二、", "主要任务", "粮食产量34，250万吨，比上年增加1，000万吨。")])
    assert [(t.value, t.unit) for t in commitment.targets] == [(Decimal(34250), "万吨"), (Decimal(1000), "万吨")]


# --- the shared corpus -----------------------------------------------------------------------


def speech_commitments(path, index=0):
    speech = parse_document(path.read_bytes(), path.name)[index]
    year = re.search(r"_(\d{4})", path.name)
    return speech, extract_commitments(speech.sections, year=int(year.group(1)) if year else None)


REPORTS = [path for path in PUBLIC if "provgwr2026" in path.name]


@pytest.mark.corpus
@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name)
def test_provincial_growth_target_comes_out_of_the_plan_not_the_review(path):
    _, found = speech_commitments(path)
    growth = [c for c in found if "地区生产总值增长" in c.text and any(t.unit == "%" for t in c.targets)]
    assert growth, "the 主要预期目标 growth target"
    assert not any("回顾" in "".join(c.section_path) for c in found)


@pytest.mark.corpus
def test_guangdong_range_target():
    guangdong = next(path for path in REPORTS if "guangdong" in path.name)
    _, found = speech_commitments(guangdong)
    commitment = the(found, "地区生产总值增长4.5%—5%")
    target = commitment.targets[0]
    assert (target.value, target.value_max, target.unit) == (Decimal("4.5"), Decimal(5), "%")


@pytest.mark.corpus
@pytest.mark.parametrize(
    "path", [p for p in PUBLIC if "预期目标" in p.read_text(encoding="utf-8")], ids=lambda p: p.name
)
def test_every_report_stating_targets_yields_amounts(path):
    _, found = speech_commitments(path)
    assert any(c.kind == "target" for c in found)


@pytest.mark.corpus
def test_seed_city_speech_review_stays_out_and_plan_comes_in():
    _, found = speech_commitments(SEED)
    assert the(found, "力争完成固定资产投资700亿元以上").strength == "aspirational"
    assert the(found, "2月底前报市产业集聚区规划建设工作领导小组办公室").kind == "deadline"
    assert not [c for c in found if "累计" in c.text or "肯定成绩" in "".join(c.section_path)]
