from speeches.parsing.outline import build_outline


def shape(sections):
    return [(s.marker, s.heading, shape(s.children)) for s in sections]


def test_markers_nest_in_the_order_their_styles_appear():
    tree = build_outline(
        [
            "同志们：",
            "今天召开这次会议。",
            "一、充分肯定成绩",
            "近年来，我们做了大量工作。",
            "（一）基础设施建设取得新突破。今年以来，各地加快建设。",
            "1.道路建设。完成道路100公里。",
            "2.管网建设。完成管网50公里。",
            "（二）产业发展取得新突破。",
            "二、明确今年任务",
            "第一，抓招商。要引进项目。",
            "第二，抓落实。要完成任务。",
        ]
    )
    assert shape(tree) == [
        ("", "", []),
        (
            "一、",
            "充分肯定成绩",
            [
                ("（一）", "基础设施建设取得新突破。", [("1.", "道路建设。", []), ("2.", "管网建设。", [])]),
                ("（二）", "产业发展取得新突破。", []),
            ],
        ),
        ("二、", "明确今年任务", [("第一，", "抓招商。", []), ("第二，", "抓落实。", [])]),
    ]
    assert tree[0].text == "同志们：\n今天召开这次会议。"
    assert tree[1].children[0].text == "今年以来，各地加快建设。"
    assert [s.level for s in tree[1].children[0].children] == [3, 3]


def test_both_bracket_widths_and_yi_shi_markers_open_sections():
    tree = build_outline(
        ["一、任务", "(一)抓投资。", "一是扩大有效投资。要加快项目建设。", "二是稳定消费。", "(二)抓改革。"]
    )
    assert shape(tree) == [
        (
            "一、",
            "任务",
            [
                ("(一)", "抓投资。", [("一是", "扩大有效投资。", []), ("二是", "稳定消费。", [])]),
                ("(二)", "抓改革。", []),
            ],
        )
    ]


def test_a_marker_that_breaks_its_sequence_or_an_amount_is_plain_text():
    tree = build_outline(["一、目标", "1.5亿元的投资要落实到位。", "3.这不是第三项，因为没有第一项。", "二、措施"])
    assert shape(tree) == [("一、", "目标", []), ("二、", "措施", [])]
    assert tree[0].text == "1.5亿元的投资要落实到位。\n3.这不是第三项，因为没有第一项。"


def test_short_unmarked_line_before_prose_is_a_heading():
    tree = build_outline(
        [
            "同志们：",
            "今天召开动员会议，我强调四点意见。",
            "要在提高认识中增强责任感",
            "开展农村土地整治是统筹城乡发展的一项重要内容，意义重大。",
            "第一，土地整治是农业提升的需要。近年来如此。",
            "第二，土地整治是城乡统筹的需要。",
        ]
    )
    assert shape(tree) == [
        ("", "", []),
        (
            "",
            "要在提高认识中增强责任感",
            [("第一，", "土地整治是农业提升的需要。", []), ("第二，", "土地整治是城乡统筹的需要。", [])],
        ),
    ]


def test_table_of_contents_before_the_body_does_not_become_sections():
    tree = build_outline(
        [
            "目录",
            "一、工作回顾",
            "二、今年任务",
            "三、自身建设",
            "一、工作回顾",
            "过去一年，我们做了很多工作。",
            "二、今年任务",
            "今年要完成很多任务。",
            "三、自身建设",
            "要加强政府自身建设。",
        ]
    )
    assert [(s.marker, s.heading) for s in tree] == [
        ("", ""),
        ("一、", "工作回顾"),
        ("二、", "今年任务"),
        ("三、", "自身建设"),
    ]
    assert "二、今年任务" in tree[0].text


def test_numbered_notes_after_the_body_stay_in_one_notes_section():
    tree = build_outline(
        [
            "一、工作回顾",
            "过去一年，我们做了很多工作。",
            "二、今年任务",
            "今年要完成很多任务。",
            "名词解释",
            "1.“两重”：是指国家重大战略实施和重点领域安全能力建设。",
            "2.“两新”：是指大规模设备更新和消费品以旧换新。",
        ]
    )
    assert [(s.marker, s.heading, len(s.children)) for s in tree] == [
        ("一、", "工作回顾", 0),
        ("二、", "今年任务", 0),
        ("", "名词解释", 0),
    ]
    assert tree[2].text.count("\n") == 1


def test_text_without_any_heading_is_one_section():
    tree = build_outline(["各位代表：", "我代表国务院作报告。", "请予审议。"])
    assert shape(tree) == [("", "", [])]


def test_unmarked_headings_naming_a_year_are_siblings_of_the_other_parts():
    tree = build_outline(
        [
            "各位代表：",
            "现在，我代表省人民政府向大会报告工作。",
            "“十四五”时期工作回顾",
            "过去五年，全省经济总量迈上新台阶，人民生活持续改善。",
            "2026年重点工作",
            "今年是“十五五”开局之年，做好政府工作意义重大。",
            "（一）扩大有效需求。要加快重大项目建设。",
            "（二）建设现代化产业体系。",
        ]
    )
    assert [(s.heading, [c.marker for c in s.children]) for s in tree] == [
        ("", []),
        ("“十四五”时期工作回顾", []),
        ("2026年重点工作", ["（一）", "（二）"]),
    ]
