"""Word and PDF files through the import service: the command, folders and zip archives alike."""

import io
import json
import zipfile

import pytest
from django.core.management import call_command

from speeches.importing import ImportOptions, expand_paths, import_paths, import_upload
from speeches.models import Speech
from tests.corpus import CORPUS
from tests.printing import print_pdfs, scanned_html, text_html

pytestmark = [pytest.mark.django_db, pytest.mark.corpus]

STEM = "jgdg_嘉兴_2024"
TXT = CORPUS / "city" / f"{STEM}.txt"
DOCX = CORPUS / "docx" / f"{STEM}.docx"


@pytest.fixture(scope="module")
def pdfs():
    from speeches.parsing.documents import read_document

    report, scanned = print_pdfs(text_html(read_document(TXT.read_bytes(), TXT.name)), scanned_html())
    return {"report": report, "scanned": scanned}


def report_of(outcome):
    speech = outcome.speeches[0].parsed
    return speech.city_code, speech.year, [s.marker for s in speech.sections if s.marker], len(speech.commitments)


def test_the_same_report_as_txt_docx_and_pdf_imports_alike(pdfs):
    dry = ImportOptions(dry_run=True)
    (txt,) = import_upload(TXT.name, TXT.read_bytes(), dry)
    (word,) = import_upload(DOCX.name, DOCX.read_bytes(), dry)
    (pdf,) = import_upload(f"{STEM}.pdf", pdfs["report"], dry)
    assert [txt.error, word.error, pdf.error] == [None, None, None]
    city, year, outline, commitments = report_of(txt)
    assert city and year and outline
    for other in (word, pdf):
        other_city, other_year, other_outline, other_commitments = report_of(other)
        assert (other_city, other_year, other_outline) == (city, year, outline)
        assert abs(other_commitments - commitments) <= 0.15 * commitments
    assert Speech.objects.count() == 0


def test_a_folder_batch_imports_word_and_pdf_and_refuses_the_scanned_pdf_alone(tmp_path, pdfs):
    (tmp_path / "报告.docx").write_bytes(DOCX.read_bytes())
    (tmp_path / "扫描件.pdf").write_bytes(pdfs["scanned"])
    (tmp_path / "旧版.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "打印件.pdf").write_bytes(pdfs["report"])
    (tmp_path / "图片.png").write_bytes(b"\x89PNG\r\n")

    assert {p.name for p in expand_paths([tmp_path])} == {"报告.docx", "扫描件.pdf", "打印件.pdf"}
    outcomes = {o.path.rsplit("/", 1)[-1]: o for o in import_paths([tmp_path, tmp_path / "旧版.doc"], ImportOptions())}
    assert outcomes["报告.docx"].error is None and outcomes["打印件.pdf"].error is None
    assert "扫描版 PDF" in outcomes["扫描件.pdf"].error and "OCR" in outcomes["扫描件.pdf"].error
    assert outcomes["旧版.doc"].error.endswith("请另存为 .docx 后再导入")
    # The printed PDF is the same report as the .docx: whichever comes second is a duplicate.
    assert sorted(o.speeches[0].duplicate for o in (outcomes["报告.docx"], outcomes["打印件.pdf"])) == [False, True]
    assert Speech.objects.count() == 1


def test_zip_members_may_be_word_and_pdf(pdfs):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("报告.docx", DOCX.read_bytes())
        archive.writestr("扫描件.pdf", pdfs["scanned"])
        archive.writestr("旧版.wps", b"\xd0\xcf\x11\xe0" + bytes(600))
        archive.writestr("表格.xlsx", b"PK\x03\x04")
    errors = {o.path: o.error for o in import_upload("批量.zip", buffer.getvalue(), ImportOptions())}
    assert errors["批量.zip/报告.docx"] is None
    assert "扫描版 PDF" in errors["批量.zip/扫描件.pdf"]
    assert "请另存为 .docx" in errors["批量.zip/旧版.wps"]
    assert "只能导入 .txt、.docx 或 .pdf" in errors["批量.zip/表格.xlsx"]
    assert Speech.objects.count() == 1


def test_the_command_imports_a_pdf_and_reports_the_scanned_one(tmp_path, pdfs, capsys):
    (tmp_path / "打印件.pdf").write_bytes(pdfs["report"])
    (tmp_path / "扫描件.pdf").write_bytes(pdfs["scanned"])
    with pytest.raises(SystemExit) as exited:
        call_command("import_speeches", str(tmp_path), "--json")
    assert exited.value.code == 1
    report = json.loads(capsys.readouterr().out)
    by_name = {f["path"].rsplit("/", 1)[-1]: f for f in report["files"]}
    assert (
        by_name["扫描件.pdf"]["error"]
        == "扫描件.pdf：这是扫描版 PDF，没有可提取的文字层，请先做文字识别（OCR）或提供 .docx/.txt"
    )
    assert by_name["打印件.pdf"]["error"] is None
    assert by_name["打印件.pdf"]["speeches"][0]["city"]["name"] == "嘉兴市"
    assert Speech.objects.count() == 1
