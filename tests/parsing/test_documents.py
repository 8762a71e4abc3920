"""Word and PDF files read into the same lines a .txt of the same report gives."""

import io
import re

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from pypdf import PdfReader, PdfWriter

from speeches.parsing import UnreadableFile, parse_document
from speeches.parsing.characters import fold_radicals
from speeches.parsing.documents import docx_text, read_document
from speeches.parsing.extraction import extract
from tests.corpus import CORPUS
from tests.printing import print_pdfs, scanned_html, text_html

DOCX = sorted((CORPUS / "docx").glob("*.docx"))
PROSE = "全市将加快推进产业转型升级，力争全年完成固定资产投资700亿元以上，确保重点项目按期开工建设。"


def docx_bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def summary(speeches):
    speech = extract(speeches[0])
    return speech.city_code, speech.year, [s.marker for s in speech.sections if s.marker], len(speech.commitments)


def test_radicals_that_pdf_fonts_produce_fold_to_ordinary_characters():
    assert fold_radicals("⾸⼊⾼⻘，市⼈⺠政府，意⻅，厦⻔，增⻓") == "首入高青，市人民政府，意见，厦门，增长"
    assert fold_radicals("\uf900") == "豈"  # a compatibility ideograph
    assert fold_radicals("⸺经济发展") == "——经济发展"


def test_folding_keeps_chinese_punctuation_and_full_width_forms():
    text = "（一）着力稳住经济大盘：增长３％！"
    assert fold_radicals(text) == text


# --- Word --------------------------------------------------------------------------------


def numbered(document, *levels: tuple[int, str, str]) -> str:
    """A list definition, (ilvl, number format, level text) a level; returns its numId."""
    numbering = document.part.numbering_part.element
    abstract_id = str(len(numbering.findall(f"{{{numbering.nsmap['w']}}}abstractNum")) + 10)
    num_id = str(int(abstract_id) + 100)
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
            + "".join(
                f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                f'<w:lvlText w:val="{text_pattern}"/></w:lvl>'
                for level, fmt, text_pattern in levels
            )
            + "</w:abstractNum>"
        ),
    )
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/></w:num>')
    )
    return num_id


def number_paragraph(paragraph, num_id: str, level: int) -> None:
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


def test_word_automatic_numbering_becomes_the_markers_the_outline_reads():
    document = docx.Document()
    outline = numbered(document, (0, "chineseCounting", "%1、"), (1, "chineseCounting", "（%2）"))
    document.add_paragraph("各位代表：")
    for heading in ("2023年工作回顾", "2024年重点工作"):
        number_paragraph(document.add_paragraph(heading), outline, 0)
        for part in ("扩大有效投资", "培育新兴产业"):
            number_paragraph(document.add_paragraph(part), outline, 1)
            document.add_paragraph(PROSE)
    lines = [line for line in read_document(docx_bytes(document), "报告.docx").splitlines() if line]
    assert lines[:4] == ["各位代表：", "一、2023年工作回顾", "（一）扩大有效投资", PROSE]
    assert "二、2024年重点工作" in lines
    assert lines.count("（一）扩大有效投资") == 2  # the sub-list counts again under each heading

    speech = parse_document(docx_bytes(document), "报告.docx")[0]
    assert [(s.marker, [c.marker for c in s.children]) for s in speech.sections if s.marker] == [
        ("一、", ["（一）", "（二）"]),
        ("二、", ["（一）", "（二）"]),
    ]


def test_word_heading_styles_without_typed_markers_become_sections():
    document = docx.Document()
    document.add_heading("某市2024年政府工作报告", level=1)
    for heading in ("过去一年的工作", "今年的主要任务"):
        document.add_heading(heading, level=2)
        document.add_heading("扩大有效投资", level=3)
        document.add_paragraph(PROSE)
    speech = parse_document(docx_bytes(document), "报告.docx")[0]
    assert speech.title == "某市2024年政府工作报告"
    assert [(s.marker, s.heading) for s in speech.sections if s.marker] == [
        ("一、", "过去一年的工作"),
        ("二、", "今年的主要任务"),
    ]
    assert speech.sections[-1].children[0].marker == "（一）"


def test_typed_markers_are_not_numbered_twice():
    document = docx.Document()
    num_id = numbered(document, (0, "chineseCounting", "%1、"))
    number_paragraph(document.add_paragraph("一、2023年工作回顾"), num_id, 0)
    document.add_paragraph(PROSE)
    assert read_document(docx_bytes(document), "报告.docx").splitlines()[0] == "一、2023年工作回顾"


def test_word_tables_are_read_in_place_one_row_a_line():
    document = docx.Document()
    document.add_paragraph("今年重点项目如下：")
    table = document.add_table(rows=2, cols=3)
    for row, cells in zip(table.rows, [("项目", "投资", "时限"), ("城南污水厂", "12亿元", "2025年底")], strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    table.rows[0].cells[1].merge(table.rows[0].cells[2])
    document.add_paragraph(PROSE)
    lines = [line for line in read_document(docx_bytes(document), "报告.docx").splitlines() if line]
    assert lines[0] == "今年重点项目如下："
    assert lines[2] == "城南污水厂\u300012亿元\u30002025年底"
    assert lines[1].count("投资") == 1  # a merged cell once
    assert lines[3] == PROSE


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("旧报告.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "请另存为 .docx 后再导入"),
        ("报告.wps", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "请另存为 .docx 后再导入"),
        ("改名的.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "请另存为 .docx 后再导入"),
        ("坏的.docx", b"PK\x03\x04 this is not a zip", "已损坏"),
        ("空的.docx", b"", "空"),
        ("不是.docx", "各位代表：现在我代表市人民政府作报告。".encode(), "不是有效的 .docx"),
        ("坏的.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage", "PDF 文件已损坏"),
        ("不是.pdf", "各位代表：现在我代表市人民政府作报告。".encode(), "不是有效的 PDF"),
    ],
)
def test_files_that_cannot_be_read_are_refused_with_what_to_do(name, data, reason):
    with pytest.raises(UnreadableFile) as caught:
        parse_document(data, name)
    assert str(caught.value).startswith(name + "：")
    assert reason in str(caught.value)


def test_a_docx_that_inflates_past_the_limit_is_refused_before_it_is_parsed():
    document = docx.Document()
    for _ in range(200):
        document.add_paragraph(PROSE * 20)
    data = docx_bytes(document)
    with pytest.raises(UnreadableFile, match="解压后超过"):
        parse_document(data, "大.docx", max_inflated=len(data))
    assert PROSE in docx_text(data, "大.docx")  # the default limit reads it


@pytest.mark.corpus
@pytest.mark.parametrize("path", DOCX, ids=lambda p: p.stem)
def test_a_word_report_reads_like_its_txt(path):
    txt = CORPUS / "city" / f"{path.stem}.txt"
    from_docx = parse_document(path.read_bytes(), path.name)
    from_txt = parse_document(txt.read_bytes(), txt.name)
    assert len(from_docx) == len(from_txt) == 1
    assert summary(from_docx) == summary(from_txt)
    assert re.sub(r"\s", "", from_docx[0].text) == re.sub(r"\s", "", from_txt[0].text)


# --- PDF ---------------------------------------------------------------------------------

PRINTED = ["jgdg_厦门_2024", "jgdg_吉林_2024"]


@pytest.fixture(scope="module")
def printed():
    texts = {stem: (CORPUS / "city" / f"{stem}.txt").read_bytes() for stem in PRINTED}
    decoded = {stem: read_document(data, f"{stem}.txt") for stem, data in texts.items()}
    pdfs = print_pdfs(*(text_html(text) for text in decoded.values()), scanned_html())
    return dict(zip([*PRINTED, "scanned"], pdfs, strict=True)), texts


@pytest.mark.corpus
@pytest.mark.parametrize("stem", PRINTED)
def test_a_pdf_printed_from_a_report_reads_like_the_report(printed, stem):
    pdfs, texts = printed
    from_pdf = parse_document(pdfs[stem], f"{stem}.pdf")
    from_txt = parse_document(texts[stem], f"{stem}.txt")
    assert len(PdfReader(io.BytesIO(pdfs[stem])).pages) > 5
    pdf_city, pdf_year, pdf_outline, pdf_commitments = summary(from_pdf)
    txt_city, txt_year, txt_outline, txt_commitments = summary(from_txt)
    assert (pdf_city, pdf_year, pdf_outline) == (txt_city, txt_year, txt_outline)
    assert abs(pdf_commitments - txt_commitments) <= 0.15 * txt_commitments
    pdf_text = from_pdf[0].text
    assert not re.search(r"[\u2e80-\u2fdf]", pdf_text)  # ⼈⺠ came back as 人民
    assert "— 2 —" not in pdf_text and "— 3 —" not in pdf_text  # page numbers are gone
    assert re.sub(r"\s", "", pdf_text) == re.sub(r"\s", "", from_txt[0].text)
    # Lines the page cut are whole paragraphs again: no more paragraphs than the .txt has, give or take.
    assert len(pdf_text.splitlines()) <= len(from_txt[0].text.splitlines()) * 1.15


def test_a_scanned_pdf_is_refused_with_what_to_do(printed):
    pdfs, _ = printed
    with pytest.raises(UnreadableFile) as caught:
        parse_document(pdfs["scanned"], "扫描件.pdf")
    assert str(caught.value) == "扫描件.pdf：这是扫描版 PDF，没有可提取的文字层，请先做文字识别（OCR）或提供 .docx/.txt"


def test_an_encrypted_pdf_is_refused(printed):
    pdfs, _ = printed
    writer = PdfWriter(clone_from=io.BytesIO(pdfs[PRINTED[0]]))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(UnreadableFile, match="PDF 已加密"):
        parse_document(out.getvalue(), "加密.pdf")


def test_a_pdf_encrypted_only_against_printing_still_reads(printed):
    pdfs, _ = printed
    writer = PdfWriter(clone_from=io.BytesIO(pdfs[PRINTED[0]]))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    assert summary(parse_document(out.getvalue(), "限制打印.pdf"))[2] == ["一、", "二、", "三、"]
