"""A batch is read in worker processes while it is written: the archive it makes must not differ."""

import io
import multiprocessing
import os
import zipfile

import pytest

from speeches.importing import ImportOptions, import_paths, import_upload, outcome_report
from speeches.models import Speech
from speeches.parsing.pool import Document, read_ahead, read_speeches
from tests.corpus import CITY, CORPUS, SEED

pytestmark = pytest.mark.django_db

BATCH = [SEED, *CITY[:6], *sorted((CORPUS / "docx").glob("*.docx"))[:1]]


def _report(paths, settings, processes):
    settings.SPEECHES_IMPORT_PROCESSES = processes
    return outcome_report(import_paths(paths, ImportOptions(dry_run=True)))


def test_a_batch_read_in_workers_reports_what_one_read_here_does(tmp_path, settings):
    bad = tmp_path / "空文件.txt"
    bad.write_bytes(b"")
    paths = [BATCH[0], bad, *BATCH[1:], tmp_path / "不存在.txt"]
    here = _report(paths, settings, processes=1)
    in_workers = _report(paths, settings, processes=2)
    assert in_workers == here
    # In the order given, the bad files where they stood and with their message.
    assert [file["path"] for file in in_workers["files"]] == [str(path) for path in paths]
    assert in_workers["files"][1]["error"] and in_workers["files"][-1]["error"]
    assert sum(len(file["speeches"]) for file in in_workers["files"]) >= len(BATCH)


def test_a_zip_of_many_files_imports_the_same_with_workers(settings):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in CITY[:5]:
            archive.writestr(path.name, path.read_bytes())
    settings.SPEECHES_IMPORT_PROCESSES = 2
    outcomes = import_upload("2024年城市报告.zip", buffer.getvalue(), ImportOptions())
    assert [outcome.error for outcome in outcomes] == [None] * 5
    assert [outcome.path for outcome in outcomes] == [f"2024年城市报告.zip/{path.name}" for path in CITY[:5]]
    assert Speech.objects.count() == sum(outcome.created for outcome in outcomes) >= 5


def read_or_die(document: Document):
    """Reading kills the worker process that reads the file named 死; in the importing process it reads."""
    if document.name == "死.txt" and multiprocessing.parent_process() is not None:
        os._exit(1)
    return read_speeches(document)


def test_a_worker_killed_mid_batch_loses_no_file():
    documents = [Document(path.name, path.read_bytes()) for path in CITY[:3]]
    documents.insert(1, Document("死.txt", CITY[3].read_bytes()))
    read = list(read_ahead(documents, processes=2, read=read_or_die))
    assert [item.name for item, _ in read] == [document.name for document in documents]
    assert all(isinstance(speeches, list) and speeches for _, speeches in read)
