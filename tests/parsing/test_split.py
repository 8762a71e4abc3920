from speeches.parsing import ParsedSpeech, parse_text

BODY = "同志们：\n今天召开会议，研究部署工作。\n一、抓好落实\n要确保各项任务完成。"


def test_collection_headings_start_speeches_and_the_preamble_belongs_to_none():
    text = "\n".join(
        [
            "讲话稿合集(精选2篇)",
            "以下是为大家整理的范文，仅供参考。",
            "工作会议上的讲话篇一",
            BODY,
            "工作会议上的讲话篇二",
            BODY.replace("研究", "总结"),
        ]
    )
    speeches = parse_text(text)
    assert [s.title for s in speeches] == ["工作会议上的讲话篇一", "工作会议上的讲话篇二"]
    assert all("仅供参考" not in s.text and "仅供参考" not in s.original_text for s in speeches)
    assert "总结" in speeches[1].text


def test_a_file_with_one_speech_stays_one_speech_with_its_title():
    speeches = parse_text("2026年某省政府工作报告\n——2026年1月27日在某省人民代表大会上\n" + BODY)
    assert len(speeches) == 1
    assert speeches[0].title == "2026年某省政府工作报告"
    assert speeches[0].text.startswith("——2026年1月27日")


def test_a_lone_numbered_heading_does_not_make_a_collection():
    speeches = parse_text("学习心得篇一\n" + BODY)
    assert len(speeches) == 1


def test_a_part_of_the_text_gets_the_words_segmentation_found_in_it():
    speech = ParsedSpeech(
        title="",
        text="要确保完成固定资产投资700亿元。",
        words=["要", "确保", "完成", "固定资产", "投资", "700", "亿元", "。"],
    )
    assert speech.words_of("完成固定资产投资") == ["完成", "固定资产", "投资"]
    assert speech.words_of("700亿元", start=5) == ["700", "亿元"]
    assert speech.words_of("定资产") is None  # its ends cut a word: the index segments it afresh
    assert speech.words_of("没有的话") is None
