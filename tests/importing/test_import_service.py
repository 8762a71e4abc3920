import io
import zipfile

import pytest
from django.db import DatabaseError

from speeches import importing
from speeches.importing import ImportOptions, import_file, import_paths, import_upload, outcome_report
from speeches.models import Commitment, Region, Section, Speech
from tests.corpus import PUBLIC, SEED

pytestmark = pytest.mark.django_db

SPEECH = "示例：在全市招商工作会议上的讲话\n同志们：\n今天召开会议。\n一、抓好招商\n要确保完成任务。\n二、抓好落实\n要加强督查。"


def archive_counts():
    return Speech.objects.count(), Section.objects.count(), Commitment.objects.count()


def test_seed_imports_as_six_speeches_with_their_outline():
    outcome = import_file(SEED.name, SEED.read_bytes(), ImportOptions())
    assert outcome.error is None
    assert Speech.objects.count() == 6
    first = Speech.objects.get(pk=outcome.speeches[0].speech.pk)
    top = first.sections.filter(parent=None).exclude(marker="")
    assert [(s.marker, s.children.exclude(marker="").count()) for s in top] == [("一、", 5), ("二、", 6), ("三、", 4)]
    assert first.source_name == SEED.name
    assert "仅供参考" not in first.original_text
    assert "700 亿元" in first.original_text and "700亿元" in first.text


def test_every_corpus_file_imports():
    outcomes = list(import_paths([SEED, *PUBLIC], ImportOptions()))
    assert [o.error for o in outcomes] == [None] * (1 + len(PUBLIC))
    assert Speech.objects.count() == 6 + len(PUBLIC)


def test_importing_again_even_re_encoded_or_rewrapped_adds_nothing():
    import_file(SEED.name, SEED.read_bytes(), ImportOptions())
    before = archive_counts()
    text = SEED.read_text(encoding="utf-8")
    for name, data in [
        ("again.txt", SEED.read_bytes()),
        ("gb18030.txt", text.encode("gb18030")),
        ("crlf.txt", text.replace("\n", "\r\n").encode("utf-8")),
        ("utf16.txt", text.encode("utf-16")),
    ]:
        outcome = import_file(name, data, ImportOptions())
        assert outcome.error is None
        assert [item.duplicate for item in outcome.speeches] == [True] * 6, name
    assert archive_counts() == before


def test_bad_files_fail_alone_and_change_nothing(tmp_path, settings):
    settings.SPEECHES_MAX_FILE_BYTES = 4096
    (tmp_path / "a_empty.txt").write_bytes(b"")
    (tmp_path / "b_picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (tmp_path / "c_big.txt").write_bytes(("要确保完成任务。" * 400).encode("utf-8"))
    (tmp_path / "d_good_gb18030.txt").write_bytes(SPEECH.encode("gb18030"))
    (tmp_path / "e_good_utf16.txt").write_bytes(SPEECH.replace("招商", "项目").encode("utf-16"))
    outcomes = {o.path.rsplit("/", 1)[-1]: o for o in import_paths([tmp_path], ImportOptions())}
    assert "空" in outcomes["a_empty.txt"].error
    assert "PNG" in outcomes["b_picture.txt"].error
    assert "超过上限" in outcomes["c_big.txt"].error
    assert outcomes["d_good_gb18030.txt"].error is None
    assert outcomes["e_good_utf16.txt"].error is None
    assert Speech.objects.count() == 2


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_members_import_one_by_one_and_unsafe_or_binary_members_are_refused():
    data = zip_of(
        {
            "../../x.txt": SPEECH.encode("utf-8"),
            "/etc/passwd.txt": SPEECH.encode("utf-8"),
            "pic.txt": b"\x89PNG\r\n\x1a\n\x00\x00",
            "folder/good.txt": SPEECH.encode("utf-8"),
        }
    )
    outcomes = import_upload("batch.zip", data, ImportOptions())
    errors = {o.path: o.error for o in outcomes}
    assert "不安全" in errors["batch.zip/../../x.txt"]
    assert "不安全" in errors["batch.zip//etc/passwd.txt"]
    assert "PNG" in errors["batch.zip/pic.txt"]
    assert errors["batch.zip/folder/good.txt"] is None
    assert Speech.objects.count() == 1


def test_a_broken_zip_is_a_clear_error():
    [outcome] = import_upload("broken.zip", b"PK\x03\x04 not really a zip", ImportOptions())
    assert "压缩包" in outcome.error


def test_a_failure_while_writing_leaves_nothing_of_that_file(monkeypatch):
    two = "\n".join(["合集", "讲话篇一", SPEECH, "讲话篇二", SPEECH.replace("招商", "改革")])
    real = importing.store_sections
    calls = []

    def fail_on_second(speech, tree):
        calls.append(speech)
        if len(calls) == 2:
            raise DatabaseError("disk full")
        return real(speech, tree)

    monkeypatch.setattr(importing, "store_sections", fail_on_second)
    outcome = import_file("two.txt", two.encode("utf-8"), ImportOptions())
    assert "disk full" in outcome.error
    assert archive_counts() == (0, 0, 0)
    monkeypatch.setattr(importing, "store_sections", real)
    assert import_file("two.txt", two.encode("utf-8"), ImportOptions()).error is None
    assert Speech.objects.count() == 2


def test_dry_run_writes_nothing_but_reports_everything():
    outcome = import_file(SEED.name, SEED.read_bytes(), ImportOptions(dry_run=True))
    assert Speech.objects.count() == 0
    report = outcome_report([outcome])
    speeches = report["files"][0]["speeches"]
    assert len(speeches) == 6
    assert speeches[0]["id"] is None and speeches[0]["duplicate"] is False
    assert [s["marker"] for s in speeches[0]["sections"] if s["marker"]] == ["一、", "二、", "三、"]


def test_staff_options_place_and_date_every_speech():
    zhengzhou = Region.objects.get(name="郑州市", level=Region.Level.CITY)
    outcome = import_file("a.txt", SPEECH.encode("utf-8"), ImportOptions(city=zhengzhou, year=2024))
    speech = outcome.speeches[0].speech
    speech.refresh_from_db()
    assert (speech.city.name, speech.province.name, speech.year) == ("郑州市", "河南省", 2024)
    report = outcome_report([outcome])["files"][0]["speeches"][0]
    assert report["city"] == {"code": "410100", "name": "郑州市"}
    assert report["province"] == {"code": "410000", "name": "河南省"}
    assert report["id"] == speech.pk
