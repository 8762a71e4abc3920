import codecs

import pytest

from speeches.parsing.decoding import UnreadableFile, decode_text

TEXT = "同志们：今年全市力争完成固定资产投资700亿元以上。"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        TEXT.encode("gb18030"),
        TEXT.encode("gbk"),
        TEXT.encode("utf-16"),  # carries its BOM
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
    ],
    ids=["utf-8", "utf-8-bom", "gb18030", "gbk", "utf-16-le-bom", "utf-16-be-bom"],
)
def test_every_accepted_encoding_gives_the_same_text(data):
    assert decode_text(data, "讲话.txt") == TEXT


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "空"),
        (b"  \n\r\n ", "空"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG"),
        (b"%PDF-1.7\n...", "PDF"),
        (b"\x00\x01\x02binary\x00data", "二进制"),
        (bytes(range(128, 256)) * 20, "编码"),
    ],
    ids=["empty", "blank", "png", "pdf", "nul-bytes", "noise"],
)
def test_unreadable_input_names_the_file_and_the_reason(data, reason):
    with pytest.raises(UnreadableFile) as caught:
        decode_text(data, "坏文件.txt")
    assert "坏文件.txt" in str(caught.value)
    assert reason in str(caught.value)


def test_text_that_only_decodes_as_mojibake_is_refused():
    # Latin-1 text with accents is valid GB18030 byte-wise but reads as nonsense.
    data = "Ça a été très élégant, où êtes-vous ? " * 30
    with pytest.raises(UnreadableFile):
        decode_text(data.encode("latin-1"), "fr.txt")
