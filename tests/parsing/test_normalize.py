from speeches.parsing.normalize import clean_line, clean_lines, physical_lines, repair_paragraphs


def texts(raw: str) -> list[str]:
    return [line.text for line in clean_lines(raw) if line.text]


def test_full_width_digits_and_letters_become_half_width_but_chinese_punctuation_stays():
    assert (
        clean_line("新增就业９００万人，ＧＤＰ增长５．５％左右（预期）。")
        == "新增就业900万人，GDP增长5.5%左右（预期）。"
    )


def test_spaces_inside_numbers_and_before_units_go():
    assert clean_line("完成固定资产投资700 亿元以上，1 ~2 季度，占比80 %。") == (
        "完成固定资产投资700亿元以上，1~2季度，占比80%。"
    )
    assert clean_line("年产冰箱冷柜1 000 万台。") == "年产冰箱冷柜1000万台。"


def test_stray_spaces_in_prose_go_but_header_fields_and_english_keep_theirs():
    assert clean_line("要把加强和创新社会管理摆到突出位 置来抓。") == "要把加强和创新社会管理摆到突出位置来抓。"
    assert clean_line("广东省省长  孟凡利") == "广东省省长 孟凡利"
    assert clean_line("Essential Science Indicators，基本科学指标数据库。") == (
        "Essential Science Indicators，基本科学指标数据库。"
    )


def test_placeholders_are_kept_and_a_lone_box_becomes_a_comma_without_losing_text():
    assert clean_line("结合建设实际□20xx年我市要") == "结合建设实际，20xx年我市要"
    assert clean_line("深入谋划“□□”规划") == "深入谋划“□□”规划"


def test_zero_width_characters_vanish():
    assert clean_line("\u200b政府\u200b工作报告\ufeff") == "政府工作报告"


def test_web_page_chrome_is_dropped_and_the_speech_kept():
    raw = "\n".join(
        [
            "下载 打印 【字号：加大 还原 减小】",
            "下载",
            "【字号：",
            "加大",
            "减小",
            "】",
            "2026年某省政府工作报告",
            "2026年02月10日 07时41分",
            "来源:",
            "某某日报",
            "来源：某某日报",
            "各位代表：",
            "现在，我代表省人民政府，向大会报告工作。",
            "责任编辑：",
            "张三",
            "相关链接>>",
            "打印本页",
        ]
    )
    assert texts(raw) == ["2026年某省政府工作报告", "各位代表：", "现在，我代表省人民政府，向大会报告工作。"]


def test_where_the_page_stood_in_its_site_is_dropped_but_prose_naming_the_home_page_kept():
    raw = "\n".join(
        [
            "您的位置：首页 > 政府信息公开 > 政府工作报告",
            "当前位置：首页>要闻动态",
            "首页>政府信息公开>规划计划",
            "首页 » 新闻中心 » 正文",
            "时间：2026-02-10",
            "政府工作报告",
            "各位代表：",
            "首页改版后，政务服务网上办理率达到95%。",
        ]
    )
    assert texts(raw) == ["政府工作报告", "各位代表：", "首页改版后，政务服务网上办理率达到95%。"]


def test_one_line_speech_is_cut_into_paragraphs_at_ideographic_indents():
    body = "第一段讲的是文化传承，内容很长。" * 10
    raw = f"在座谈会上的讲话（2023年6月2日）某某\u3000\u3000{body}\u3000\u3000{body}"
    assert physical_lines(raw) == ["在座谈会上的讲话（2023年6月2日）某某", body, body]


def test_heading_with_its_body_on_the_same_line_is_cut_in_two():
    lines = texts("一、肯定成绩，正视问题，理清城市管理工作新思路 去年，我们组织开展了城市管理年活动。")
    assert lines == ["一、肯定成绩，正视问题，理清城市管理工作新思路", "去年，我们组织开展了城市管理年活动。"]


def test_sentences_cut_by_line_breaks_and_blank_lines_are_joined():
    lines = [
        "累计吸纳就业人员达30万人以上。在春节过后省委、省政府组织的全省产业",
        "",
        "集聚区和重点项目观摩活动中，我市获得了好成绩。",
        "(六)着力开展示范创建工作。对已经列入省示范集聚区重点",
        "",
        "培育范围的产业集聚区，要加快发展。",
        "及时掌握我市产业集聚区发展数据以及在全省位",
        "",
        "次。",
    ]
    assert repair_paragraphs(lines) == [
        "累计吸纳就业人员达30万人以上。在春节过后省委、省政府组织的全省产业集聚区和重点项目观摩活动中，我市获得了好成绩。",
        "(六)着力开展示范创建工作。对已经列入省示范集聚区重点培育范围的产业集聚区，要加快发展。",
        "及时掌握我市产业集聚区发展数据以及在全省位次。",
    ]


def test_headings_and_finished_sentences_stay_apart():
    lines = [
        "政府工作报",
        "告",
        "——2026年1月26日在广东省第十四届",
        "人民代表大会第五次会议上",
        "各位代表：",
        "下面，我讲三点意见",
        "一、肯定成绩，认清差距，增强紧迫感",
        "近年来，我们坚持把产业集聚区建设放在战略高度。",
        "要在提高认识中增强责任感",
        "开展农村土地整治是一项重要内容。",
    ]
    assert repair_paragraphs(lines) == [
        "政府工作报告",
        "——2026年1月26日在广东省第十四届人民代表大会第五次会议上",
        "各位代表：",
        "下面，我讲三点意见",
        "一、肯定成绩，认清差距，增强紧迫感",
        "近年来，我们坚持把产业集聚区建设放在战略高度。",
        "要在提高认识中增强责任感",
        "开展农村土地整治是一项重要内容。",
    ]


def test_a_phrase_set_apart_by_a_web_page_is_joined_back_into_its_sentence():
    lines = ["“十五五”时期经济社会发展的", "主要目标", "是：地区生产总值年均增长5%左右，质量效益明显提升。"]
    assert repair_paragraphs(lines) == [
        "“十五五”时期经济社会发展的主要目标是：地区生产总值年均增长5%左右，质量效益明显提升。"
    ]
