"""A worker killed in the middle of an import job: no half-written speech, and the job finishes later."""

import json
import os
import sys

from tests.corpus import PUBLIC, SEED

from .test_reliability import archived_counts, assert_database_intact, kill, wait_for


def test_a_worker_killed_mid_job_leaves_whole_speeches_and_the_next_worker_finishes_the_job(scratch_archive, tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    # The seed file first (names sort so), then short reports: the kill lands while a later file is read.
    for source in [SEED, *sorted(PUBLIC, key=lambda path: path.stat().st_size)[1:4]]:
        (folder / source.name).symlink_to(source)
    reference = scratch_archive()
    reference.manage("import_speeches", str(folder))
    whole = archived_counts(reference)

    archive = scratch_archive()
    # The queue the suite runs with (the database's, or Redis's under DJANGO_JOBS_URL).
    queue = {"DJANGO_JOBS_URL": os.environ["DJANGO_JOBS_URL"]} if os.environ.get("DJANGO_JOBS_URL") else {}
    queued = json.loads(archive.manage("import_speeches", "--queue", "--json", str(folder), **queue).stdout)
    job = queued["job"]["id"]
    worker = archive.popen([sys.executable, "manage.py", "run_jobs"], tmp_path / "worker.log", **queue)
    files_done = "SELECT count(*) FROM speeches_importjobfile WHERE done AND job_id = ?"
    wait_for(lambda: worker.poll() is not None or archive.scalar(files_done, (job,)) > 0)
    assert worker.poll() is None, (tmp_path / "worker.log").read_text()
    kill(worker)

    assert_database_intact(archive)
    assert archive.scalar("SELECT state FROM speeches_importjob WHERE id = ?", (job,)) == "running"
    after_kill = archived_counts(archive)
    assert 0 < len(after_kill) < len(whole)
    # Every speech there is whole: the same sections, commitments and targets as in a direct import.
    assert {digest: whole[digest] for digest in after_kill} == after_kill

    # The next worker takes the job up again (here at once: no wait for the heartbeat to go stale).
    archive.manage("run_jobs", "--until-empty", "--stale-after", "0", **queue)
    state = json.loads(archive.manage("import_speeches", "--job", str(job), "--json", **queue).stdout)["job"]
    assert state["state"] == "done" and state["files_done"] == state["files"] == 4
    assert archived_counts(archive) == whole
