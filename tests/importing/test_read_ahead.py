"""A batch is read in worker processes while it is written: the archive it makes must not differ."""

import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from speeches.importing import ImportOptions, import_paths, import_upload, outcome_report
from speeches.models import Speech
from speeches.parsing import pool
from speeches.parsing.pool import Document, read_ahead, read_speeches
from tests.corpus import CITY, CORPUS, SEED
from tests.importing.readers import read_or_die

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def workers_for_any_batch(monkeypatch):
    """These batches are small: the workers start for them as they do for a large one."""
    monkeypatch.setattr(pool, "WORTH_A_POOL", 0)


BATCH = [SEED, *CITY[:6], *sorted((CORPUS / "docx").glob("*.docx"))[:1]]


def _report(paths, settings, readers):
    settings.SPEECHES_IMPORT_READERS = readers
    return outcome_report(import_paths(paths, ImportOptions(dry_run=True)))


def test_a_batch_read_in_workers_reports_what_one_read_here_does(tmp_path, settings):
    bad = tmp_path / "空文件.txt"
    bad.write_bytes(b"")
    paths = [BATCH[0], bad, *BATCH[1:], tmp_path / "不存在.txt"]
    here = _report(paths, settings, readers=0)
    in_workers = _report(paths, settings, readers=2)
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
    settings.SPEECHES_IMPORT_READERS = 2
    outcomes = import_upload("2024年城市报告.zip", buffer.getvalue(), ImportOptions())
    assert [outcome.error for outcome in outcomes] == [None] * 5
    assert [outcome.path for outcome in outcomes] == [f"2024年城市报告.zip/{path.name}" for path in CITY[:5]]
    assert Speech.objects.count() == sum(outcome.created for outcome in outcomes) >= 5


def test_a_worker_killed_mid_batch_loses_no_file():
    documents = [Document(path.name, path.read_bytes()) for path in CITY[:3]]
    documents.insert(1, Document("死.txt", CITY[3].read_bytes()))
    read = list(read_ahead(documents, readers=2, read=read_or_die))
    assert [item.name for item, _ in read] == [document.name for document in documents]
    assert all(isinstance(speeches, list) and speeches for _, speeches in read)


_IMPORTER = """
import sys
from speeches.parsing import pool
from speeches.parsing.pool import Document, read_ahead, read_speeches
from tests.importing.readers import read_slowly
if __name__ == "__main__":
    pool.WORTH_A_POOL = 0
    for _ in read_ahead([Document(str(i), sys.argv[1].encode()) for i in range(4)], readers=2, read=read_slowly):
        pass
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child of this test's process would linger as a zombie; the readers are not its children.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:  # it ended between the two looks
        return False


def test_an_importer_killed_mid_batch_leaves_no_reader_running(tmp_path):
    pids = tmp_path / "pids"
    script = tmp_path / "importer.py"
    script.write_text(_IMPORTER)
    root = Path(__file__).resolve().parents[2]
    importer = subprocess.Popen(
        [sys.executable, str(script), str(pids)], cwd=root, env={**os.environ, "PYTHONPATH": str(root)}
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(pids.read_text().split() if pids.exists() else []) < 2:
        time.sleep(0.1)
    readers = [int(pid) for pid in pids.read_text().split()]
    assert len(readers) == 2
    importer.send_signal(signal.SIGKILL)
    importer.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in readers):
        time.sleep(0.1)
    assert not [pid for pid in readers if _alive(pid)]


def test_a_small_batch_is_read_without_starting_workers(monkeypatch):
    monkeypatch.undo()  # the real threshold
    documents = [Document(path.name, path.read_bytes()) for path in CITY[:3]]
    assert sum(len(document.data) for document in documents) < pool.WORTH_A_POOL
    # read_or_die kills a worker that reads 死.txt: read here, it reads.
    documents.append(Document("死.txt", CITY[3].read_bytes()))
    monkeypatch.setattr(pool, "ProcessPoolExecutor", None)  # starting workers would fail
    read = list(read_ahead(documents, readers=2, read=read_or_die))
    assert all(isinstance(speeches, list) and speeches for _, speeches in read)


@pytest.mark.parametrize("text", ["一、总体要求\n要确保完成700亿元以上投资。", "控制符\x1f也在文中\n要确保完成任务。"])
def test_a_speech_read_in_another_process_comes_back_the_same(text):
    import pickle

    [speech] = read_speeches(Document("示例.txt", text.encode()))
    again = pickle.loads(pickle.dumps(speech))
    assert again == speech and again.words == speech.words and "".join(again.words) == again.text
