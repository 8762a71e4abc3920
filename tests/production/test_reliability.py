"""Imports under load and imports that die: readers never fail, and no speech is ever half there.

These run against scratch archives (a file on SQLite, a database of their own on PostgreSQL)
with the import in other processes, as on a server: the admin imports while visitors read.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from speeches.importing import content_hash
from speeches.parsing import parse_document, walk_sections
from speeches.parsing.decoding import decode_text
from tests.corpus import PUBLIC, SEED

from .conftest import ROOT, gunicorn

pytestmark = pytest.mark.corpus

DEMO = ROOT / "demo"


def expected_speeches(*paths: Path) -> dict[str, int]:
    """content hash -> number of sections, for every speech the files hold (parsing only, no database)."""
    expected = {}
    for path in paths:
        files = sorted(path.glob("*.txt")) if path.is_dir() else [path]
        for file in files:
            for speech in parse_document(file.read_bytes(), file.name):
                expected.setdefault(content_hash(speech.text), sum(1 for _ in walk_sections(speech.sections)))
    return expected


def archived_speeches(archive) -> dict[str, int]:
    rows = archive.query(
        "SELECT s.content_hash, (SELECT count(*) FROM speeches_section c WHERE c.speech_id = s.id) "
        "FROM speeches_speech s"
    )
    return dict(rows)


def archived_counts(archive) -> dict[str, tuple[int, int, int]]:
    """content hash -> (sections, commitments, targets) of every speech in the archive."""
    rows = archive.query(
        "SELECT s.content_hash,"
        " (SELECT count(*) FROM speeches_section c WHERE c.speech_id = s.id),"
        " (SELECT count(*) FROM speeches_commitment c WHERE c.speech_id = s.id),"
        " (SELECT count(*) FROM speeches_target t JOIN speeches_commitment c ON t.commitment_id = c.id"
        "  WHERE c.speech_id = s.id)"
        " FROM speeches_speech s"
    )
    return {row[0]: tuple(row[1:]) for row in rows}


def large_file(folder: Path, sources: list[Path]) -> Path:
    """One file holding several whole reports one after another, as staff paste a collection."""
    path = folder / "collection.txt"
    texts = [decode_text(source.read_bytes(), source.name) for source in sources]
    path.write_text("\n\n\n".join(texts), encoding="utf-8")
    return path


def reader_urls(archive) -> list[str]:
    ids = [row[0] for row in archive.query("SELECT id FROM speeches_speech ORDER BY id")]
    city = archive.scalar("SELECT min(c.code) FROM speeches_speech s JOIN speeches_region c ON s.city_id = c.id")
    year = archive.scalar("SELECT max(year) FROM speeches_speech")
    slug = archive.scalar("SELECT slug FROM speeches_topic ORDER BY position LIMIT 1")
    return [
        "/",
        "/speeches/",
        "/speeches/?page=2",
        *[f"/speeches/{pk}/" for pk in ids],
        "/commitments/",
        "/commitments/?q=投资",
        "/commitments/?q=发展+改革",
        "/commitments/?q=700亿元",
        "/speeches/?q=工作报告",
        "/api/speeches/",
        "/api/commitments/?q=投资",
        f"/cities/{city}/",
        f"/topics/{slug}/",
        "/years/",
        *([f"/years/{year}/"] if year else []),
        "/healthz",
    ]


def test_readers_and_searches_never_fail_while_imports_write(scratch_archive, collected_static, tmp_path):
    archive = scratch_archive()
    archive.manage("import_speeches", str(SEED))
    collection = large_file(tmp_path, PUBLIC[:4])
    expected = expected_speeches(SEED, collection, DEMO)
    urls = reader_urls(archive)

    with gunicorn(archive, collected_static, workers=2, threads=2) as server:
        results: Counter[tuple[str, int]] = Counter()
        failures: list[str] = []
        done = threading.Event()

        def read(offset: int) -> None:
            position = offset
            while not done.is_set():
                url = urls[position % len(urls)]
                position += 1
                try:
                    status, _, body = server.get(url, timeout=60)
                except OSError as error:
                    failures.append(f"{url}: {error}")
                    continue
                results[url, status] += 1
                if status != 200:
                    failures.append(f"{url}: {status} {body[:300]!r}")
                time.sleep(0.02)  # a visitor's pace, leaving the writers some of the two cores

        readers = [threading.Thread(target=read, args=(number * 3,)) for number in range(4)]
        for reader in readers:
            reader.start()
        # Two staff import the same large collection at once while a third imports the demo folder:
        # the writers queue, the collection is written once, and every reader keeps reading.
        writers = [
            archive.popen([sys.executable, "manage.py", "import_speeches", str(path)], tmp_path / f"writer-{n}.log")
            for n, path in enumerate([collection, DEMO, collection])
        ]
        try:
            exit_codes = [writer.wait(timeout=600) for writer in writers]
        finally:
            time.sleep(1)  # and a moment of reading after the last commit
            done.set()
            for reader in readers:
                reader.join(timeout=120)

        log = server.log.read_text()

    writer_logs = [(tmp_path / f"writer-{n}.log").read_text() for n in range(len(writers))]
    assert exit_codes == [0, 0, 0], writer_logs
    assert [failure[:200] for failure in failures] == []
    assert "database is locked" not in log + "".join(writer_logs)
    assert '" 500 ' not in log
    requests = sum(results.values())
    searches = sum(count for (url, _), count in results.items() if "q=" in url)
    assert requests >= 50 and searches >= 10, results
    # Exactly the speeches of the three sources, each with its whole outline, none twice.
    assert archived_speeches(archive) == expected


def interrupted_import(archive, paths: list[Path], log: Path, **env: str) -> subprocess.Popen:
    return archive.popen([sys.executable, "-m", "tests.production.interrupted_import", *map(str, paths)], log, **env)


def wait_for(condition, timeout: float = 120, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(interval)


def kill(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def assert_database_intact(archive) -> None:
    if archive.backend == "sqlite":
        assert archive.query("PRAGMA integrity_check") == [("ok",)]
        assert archive.query("PRAGMA foreign_key_check") == []


def test_an_import_killed_while_writing_a_file_leaves_none_of_it(scratch_archive, tmp_path):
    archive = scratch_archive()
    marker = tmp_path / "stalled"
    # The seed file holds six speeches, written in one transaction; kill it after the third is written.
    process = interrupted_import(
        archive, [SEED], tmp_path / "import.log", STALL_AFTER_SPEECHES="3", STALL_MARKER=str(marker)
    )
    wait_for(lambda: marker.exists() or process.poll() is not None)
    assert marker.exists(), (tmp_path / "import.log").read_text()
    kill(process)

    assert_database_intact(archive)
    assert archive.scalar("SELECT count(*) FROM speeches_speech") == 0
    assert archive.scalar("SELECT count(*) FROM speeches_section") == 0
    assert archive.scalar("SELECT count(*) FROM speeches_commitment") == 0
    # A second import goes through and writes the whole file.
    archive.manage("import_speeches", str(SEED))
    assert archived_speeches(archive) == expected_speeches(SEED)


def test_an_import_killed_at_any_moment_leaves_whole_speeches_and_a_second_import_completes(scratch_archive, tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    # The seed file first (names sort so), then two short reports: the kill lands after the first.
    smallest = sorted(PUBLIC, key=lambda path: path.stat().st_size)[1:3]
    for source in [SEED, *smallest]:
        (folder / source.name).symlink_to(source)
    reference = scratch_archive()
    reference.manage("import_speeches", str(folder))
    whole = archived_counts(reference)

    archive = scratch_archive()
    process = archive.popen([sys.executable, "manage.py", "import_speeches", str(folder)], tmp_path / "import.log")
    # Kill as soon as the first file is in: the next one is then being parsed or written.
    wait_for(lambda: process.poll() is not None or archive.scalar("SELECT count(*) FROM speeches_speech") > 0)
    assert process.poll() is None, "the import finished before it could be killed"
    kill(process)

    assert_database_intact(archive)
    after_crash = archived_counts(archive)
    assert 0 < len(after_crash) < len(whole)
    # Every speech there is whole: the same sections, commitments and targets as in a clean import.
    assert {digest: whole[digest] for digest in after_crash} == after_crash
    archive.manage("import_speeches", str(folder))
    assert archived_counts(archive) == whole
