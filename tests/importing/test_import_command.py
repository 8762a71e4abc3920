import json

import pytest
from django.core.management import CommandError, call_command

from speeches.models import Speech
from tests.corpus import SEED

pytestmark = pytest.mark.django_db


def test_command_imports_a_folder_and_prints_a_summary(tmp_path, capsys):
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "seed.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "notes.md").write_text("not a speech")
    call_command("import_speeches", str(tmp_path))
    assert Speech.objects.count() == 6
    assert "1 files: imported 6 speeches, 0 duplicates, 0 failed" in capsys.readouterr().out


def test_json_report_is_the_only_thing_on_stdout(capsys):
    call_command("import_speeches", str(SEED), "--dry-run", "--json")
    report = json.loads(capsys.readouterr().out)
    assert Speech.objects.count() == 0
    [entry] = report["files"]
    assert entry["error"] is None
    assert len(entry["speeches"]) == 6
    keys = {"id", "duplicate", "title", "city", "province", "year", "delivered_on", "speaker", "occasion", "topics"}
    assert keys | {"sections", "commitments"} <= set(entry["speeches"][0])


def test_a_failed_file_exits_1_while_the_others_import(tmp_path, capsys):
    (tmp_path / "bad.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00")
    (tmp_path / "good.txt").write_bytes(SEED.read_bytes())
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_speeches", str(tmp_path))
    assert exit_info.value.code == 1
    assert Speech.objects.count() == 6
    captured = capsys.readouterr()
    assert "bad.txt" in captured.err and "PNG" in captured.err
    assert "1 failed" in captured.out


def test_city_and_province_options_take_names():
    call_command("import_speeches", str(SEED), "--city", "商丘", "--year", "2013")
    assert set(Speech.objects.values_list("city__name", "province__name", "year")) == {("商丘市", "河南省", 2013)}


def test_unknown_city_is_a_clear_error():
    with pytest.raises(CommandError, match="no 地级 region called '亚特兰蒂斯'"):
        call_command("import_speeches", str(SEED), "--city", "亚特兰蒂斯")
