"""Backup and restore: export_archive, then import_archive into the other kind of database, gives
the same archive: every row with its id, the staff and their edits, the audit log, the same pages
and the same API answers."""

from __future__ import annotations

import json

import pytest

from tests.corpus import PUBLIC, SEED

from .conftest import ROOT, other_backend, suite_backend

pytestmark = pytest.mark.corpus

# What staff do in a week: import with their name on it, correct a speech and a commitment, and
# hand out permissions through a group.
STAFF_WORK = """
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission, User
from speeches.importing import ImportOptions, import_paths
from speeches.models import Commitment, Speech

group = Group.objects.create(name="录入员")
group.permissions.add(Permission.objects.get(codename="add_speech"))
editor = User.objects.create_user("editor", password="a-long-Staff-passw0rd", is_staff=True)
editor.groups.add(group)
editor.user_permissions.add(Permission.objects.get(codename="change_commitment"))
list(import_paths([{path!r}], ImportOptions(user=editor)))

speech = Speech.objects.order_by("pk").first()
speech.title = "改过的标题"
speech.edited_fields = ["title"]
speech.save()
LogEntry.objects.log_actions(editor.pk, [speech], CHANGE, change_message='[{{"changed": {{"fields": ["标题"]}}}}]')
commitment = Commitment.objects.filter(speech=speech).order_by("pk").first()
commitment.responsible = "市发展改革委"
commitment.edited = True
commitment.save()
"""

# Every row of every model in the backup, and the pages a visitor sees, as JSON.
SNAPSHOT = """
import hashlib, json
from django.test import Client
from django.test.utils import setup_test_environment
from speeches.management.commands.export_archive import archive_models
from speeches.models import Speech

setup_test_environment()
rows = {}
for model in archive_models():
    table = []
    for obj in model._default_manager.order_by("pk"):
        row = {field.attname: field.value_to_string(obj) for field in model._meta.concrete_fields}
        if model._meta.label == "admin.LogEntry":
            row["content_type_id"] = obj.content_type.natural_key()
        for field in model._meta.many_to_many:
            related = getattr(obj, field.name).all()
            row[field.name] = sorted(
                item.natural_key() if hasattr(item, "natural_key") else item.pk for item in related
            )
        table.append(row)
    rows[model._meta.label] = table
client = Client()
pages = {}
listings = ["/", "/speeches/", "/cities/", "/topics/", "/years/", "/speeches/export.jsonl", "/commitments/export.jsonl"]
api = ["/api/speeches/", "/api/commitments/", "/api/topics/"]
for url in listings + api + [
    url
    for speech in Speech.objects.all()
    for url in (speech.get_absolute_url(), f"/api/speeches/{speech.pk}/", f"/speeches/{speech.pk}.json")
]:
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    pages[url] = [response.status_code, hashlib.sha256(body).hexdigest()]
print(json.dumps({"rows": rows, "pages": pages}, ensure_ascii=False, default=str))
"""


GOING_ON = """
from django.contrib.auth import authenticate
from speeches.importing import ImportOptions, import_pasted_text
print(authenticate(username="editor", password="a-long-Staff-passw0rd"))
outcome = import_pasted_text("关于加快发展的讲话\\n\\n一、总体要求\\n力争完成固定资产投资700亿元以上。", ImportOptions())
print(outcome.speeches[0].speech.pk)
"""


def snapshot(archive) -> dict:
    result = archive.manage("shell", "--no-imports", "-c", SNAPSHOT)
    return json.loads(result.stdout)


def test_an_archive_moves_to_the_other_database_with_everything_identical(scratch_archive, tmp_path):
    source = scratch_archive(suite_backend())
    target = scratch_archive(other_backend())
    source.manage("import_speeches", str(SEED), str(PUBLIC[0]))
    source.manage("shell", "--no-imports", "-c", STAFF_WORK.format(path=str(PUBLIC[-1])))
    backup = tmp_path / "archive.jsonl.gz"

    exported = source.manage("export_archive", str(backup))
    assert "1 auth.Group, 1 auth.User" in exported.stdout
    restored = target.manage("import_archive", str(backup))
    assert "restored" in restored.stdout

    before, after = snapshot(source), snapshot(target)
    assert before["rows"]["speeches.Speech"], "the source archive is empty"
    assert any(row["edited_fields"] == ["title"] for row in before["rows"]["speeches.Speech"])
    assert len(before["rows"]["admin.LogEntry"]) >= 2
    for label in before["rows"]:
        assert after["rows"][label] == before["rows"][label], label
    assert after["pages"] == before["pages"]

    # The restored archive goes on: staff log in with their passwords, and the next speech gets
    # the id after the restored ones (PostgreSQL's sequences were moved past them).
    highest = max(int(row["id"]) for row in before["rows"]["speeches.Speech"])
    went_on = target.manage("shell", "--no-imports", "-c", GOING_ON)
    assert went_on.stdout.split() == ["editor", str(highest + 1)]


def test_a_restore_replaces_only_when_asked_and_a_broken_backup_changes_nothing(scratch_archive, tmp_path):
    archive = scratch_archive()
    archive.manage("import_speeches", str(SEED))
    backup = tmp_path / "archive.jsonl"
    archive.manage("export_archive", str(backup))
    assert backup.read_text(encoding="utf-8").startswith('{"format": "speech-archive-export"')

    refused = archive.manage("import_archive", str(backup), check=False)
    assert refused.returncode != 0
    assert "--replace" in refused.stderr
    # With --replace the archive is exactly the backup again, after a speech was added meanwhile.
    archive.manage("import_speeches", str(sorted((ROOT / "demo").glob("*.txt"))[0]))
    archive.manage("import_archive", "--replace", str(backup))
    assert archive.scalar("SELECT count(*) FROM speeches_speech") == 6

    # A backup cut off in the middle of the sections fails as a whole: the archive stays as it was.
    lines = backup.read_text(encoding="utf-8").splitlines()
    first_section = next(n for n, line in enumerate(lines) if '"model": "speeches.section"' in line)
    truncated = tmp_path / "truncated.jsonl"
    truncated.write_text("\n".join([*lines[: first_section + 3], lines[first_section + 3][:40]]), encoding="utf-8")
    failed = archive.manage("import_archive", "--replace", str(truncated), check=False)
    assert failed.returncode != 0
    assert archive.scalar("SELECT count(*) FROM speeches_speech") == 6
    assert archive.scalar("SELECT count(*) FROM speeches_commitment") > 0

    not_a_backup = tmp_path / "speech.txt"
    not_a_backup.write_text("一、总体要求\n", encoding="utf-8")
    refused = archive.manage("import_archive", "--replace", str(not_a_backup), check=False)
    assert "not an archive export" in refused.stderr
