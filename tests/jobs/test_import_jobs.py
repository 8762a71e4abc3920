"""Imports as background jobs: queued at once, imported by a worker as a direct import would be."""

import io
import json
from contextlib import redirect_stdout

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from speeches import jobs
from speeches.models import Speech
from speeches.models.jobs import ImportJob
from tests.corpus import CORPUS, PUBLIC, SEED

pytestmark = pytest.mark.django_db(transaction=True)

SPEECH = """在全市招商引资工作会议上的讲话（示例）

同志们：

一、明确目标任务

全年力争引进亿元以上项目100个以上，实际利用外资增长5%左右。

二、强化工作保障

6月底前，市商务局要完成重点产业招商图谱编制。
"""


def command(*args: str) -> dict:
    out = io.StringIO()
    with redirect_stdout(out):
        call_command(*args, stdout=out)
    return json.loads(out.getvalue())


def run_worker() -> None:
    call_command("run_jobs", "--until-empty", verbosity=0)


def without_ids(report: dict) -> list:
    """The report's files with the rows' ids left out: two imports give other ids to the same speeches."""
    files = json.loads(json.dumps(report["files"]))
    for file in files:
        for speech in file["speeches"]:
            speech.pop("id")
            for near in speech.get("near_duplicates", []):
                near.pop("id")
    return files


@pytest.mark.corpus
def test_a_queued_import_of_the_corpus_imports_as_a_direct_import_does(job_queue):
    queued = command("import_speeches", "--queue", "--json", str(CORPUS))
    job_id = queued["job"]["id"]
    assert queued == {"job": {"id": job_id, "state": "queued"}}
    assert not Speech.objects.exists()  # nothing is imported before a worker runs
    assert command("import_speeches", "--job", str(job_id), "--json")["job"]["state"] == "queued"

    run_worker()
    done = command("import_speeches", "--job", str(job_id), "--json")
    assert done["job"]["state"] == "done"
    assert done["job"]["files"] == done["job"]["files_done"] > 60
    assert done["job"]["created"] == Speech.objects.count() > 60
    by_job = {s.content_hash: (s.title, s.city_id, s.year, s.commitments.count()) for s in Speech.objects.all()}

    Speech.objects.all().delete()
    direct = command("import_speeches", "--json", str(CORPUS))
    assert without_ids(done) == without_ids(direct)
    assert {s.content_hash: (s.title, s.city_id, s.year, s.commitments.count()) for s in Speech.objects.all()} == by_job


def test_a_file_that_cannot_be_read_is_reported_and_the_others_import(job_queue, tmp_path):
    (tmp_path / "a.txt").write_text(SPEECH, encoding="utf-8")
    (tmp_path / "b.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    (tmp_path / "c.txt").write_text(SPEECH.replace("100个", "120个"), encoding="utf-8")
    job_id = command("import_speeches", "--queue", "--json", *map(str, sorted(tmp_path.iterdir())))["job"]["id"]
    run_worker()
    state = command("import_speeches", "--job", str(job_id), "--json")
    assert state["job"] | {"id": None} == {
        "id": None,
        "state": "done",
        "files": 3,
        "files_done": 3,
        "created": 2,
        "duplicates": 0,
        "near_duplicates": 0,
        "errors": 1,
        "error": None,
    }
    [failed] = [file for file in state["files"] if file["error"]]
    assert failed["path"].endswith("b.doc") and ".docx" in failed["error"]
    assert Speech.objects.count() == 2


def test_a_job_that_breaks_keeps_the_files_it_did_and_says_what_stopped_it(job_queue, tmp_path, monkeypatch):
    for number in range(3):
        (tmp_path / f"{number}.txt").write_text(SPEECH.replace("100个", f"{100 + number}个"), encoding="utf-8")
    job = jobs.queue_import([(p.name, p.read_bytes()) for p in sorted(tmp_path.iterdir())], jobs.ImportOptions())
    real = jobs.write_read

    def fail_on_the_third(read, options):
        if any(isinstance(entry, tuple) and entry[0] == "2.txt" for entry in read):
            raise OSError("磁盘已满")
        return real(read, options)

    monkeypatch.setattr(jobs, "write_read", fail_on_the_third)
    run_worker()
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED and "磁盘已满" in job.error
    assert list(job.files.values_list("done", flat=True)) == [True, True, False]
    assert Speech.objects.count() == 2


def test_a_stalled_job_is_taken_up_again_and_finishes_the_files_not_done(job_queue, tmp_path):
    for number in range(2):
        (tmp_path / f"{number}.txt").write_text(SPEECH.replace("100个", f"{100 + number}个"), encoding="utf-8")
    job = jobs.queue_import([(p.name, p.read_bytes()) for p in sorted(tmp_path.iterdir())], jobs.ImportOptions())
    # As a worker killed after its first file leaves it: running, one file done, the task gone.
    jobs._import_one(job.files.get(position=0).pk, jobs.ImportOptions())
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING, heartbeat_at=job.created_at)

    call_command("run_jobs", "--until-empty", "--stale-after", "0", verbosity=0)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert Speech.objects.count() == 2


def test_an_unknown_job_is_a_clear_error():
    with pytest.raises(CommandError, match="no import job 999"):
        call_command("import_speeches", "--job", "999")
    with pytest.raises(CommandError, match="--dry-run and --queue"):
        call_command("import_speeches", "--queue", "--dry-run", str(SEED))


def test_the_admin_confirm_queues_a_job_whose_page_follows_it_until_done(job_queue, importer, tmp_path, monkeypatch):
    from speeches.admin import PendingImport

    monkeypatch.setattr(PendingImport, "ROOT", tmp_path / "pending")
    client = Client()
    client.force_login(importer)
    url = reverse("admin:speeches_speech_import")
    previewed = client.post(url, {"text": SPEECH})
    confirmed = client.post(url, {"token": previewed.context["token"], "confirm": "1"})
    job = ImportJob.objects.get()
    assert confirmed.status_code == 302 and confirmed["Location"] == job.get_absolute_url()
    assert not Speech.objects.exists()

    waiting = client.get(job.get_absolute_url()).content.decode()
    assert "排队中" in waiting and '<meta http-equiv="refresh"' in waiting and "0</span> / 1 个文件" in waiting

    run_worker()
    done = client.get(job.get_absolute_url()).content.decode()
    speech = Speech.objects.get()
    assert "已完成" in done and '<meta http-equiv="refresh"' not in done
    assert f'href="{speech.get_absolute_url()}"' in done
    report = client.get(reverse("admin:speeches_importjob_report", args=[job.pk]))
    assert report.json()["files"][0]["speeches"][0]["id"] == speech.pk
    # The admin lists the jobs.
    assert f"导入任务 #{job.pk}" in client.get(reverse("admin:speeches_importjob_changelist")).content.decode()


def test_staff_who_may_not_import_do_not_see_the_jobs(staff_user, job_queue):
    job = jobs.queue_import([("a.txt", SPEECH.encode())], jobs.ImportOptions())
    client = Client()
    client.force_login(staff_user("reader", ("speeches.view_speech",)))
    assert client.get(job.get_absolute_url()).status_code == 403
    assert client.get(reverse("admin:speeches_importjob_report", args=[job.pk])).status_code == 403


@pytest.mark.parametrize("path", ["/admin/speeches/importjob/999/progress/", "/admin/speeches/importjob/x/change/"])
def test_odd_job_addresses_answer_404(importer, path):
    client = Client()
    client.force_login(importer)
    assert client.get(path).status_code == 404


def test_public_files_import_in_the_order_they_were_queued(job_queue):
    paths = PUBLIC[:3]
    job = jobs.queue_import([(str(p), p.read_bytes()) for p in paths], jobs.ImportOptions())
    run_worker()
    assert [entry["path"] for entry in job.report()["files"]] == [str(p) for p in paths]
