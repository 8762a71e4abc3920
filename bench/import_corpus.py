"""Import the whole shared corpus and compare the time with jieba segmenting the same text.

    python bench/import_corpus.py [--repeat 3] [--json]

Runs against a throw-away SQLite database (or DATABASE_URL if set), with the production
settings (DJANGO_DEBUG=0: no query log kept). Both timings start with jieba's dictionary
already loaded; the import time covers decoding, parsing, extraction and writing rows.

The import reads the next files in SPEECHES_IMPORT_READERS processes while it writes
(speeches/parsing/pool.py; one per core beside the importing process by default): run with
SPEECHES_IMPORT_READERS=0 for the import read and written in one process. jieba alone runs in one process either way. The
first run also starts the workers' server (about a second); the best run counts.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timing; the best counts")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="import-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    # As a deployment imports: with DEBUG on, Django formats and keeps every query's SQL.
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "import-benchmark")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import jieba
    from django.core.management import call_command

    from speeches.importing import ImportOptions, import_paths
    from speeches.models import Speech
    from speeches.parsing.decoding import decode_text

    call_command("migrate", verbosity=0)
    files = sorted(CORPUS.rglob("*.txt"))
    texts = [decode_text(path.read_bytes(), path.name) for path in files]
    jieba.initialize()

    def segment() -> None:
        for text in texts:
            jieba.lcut(text)

    def empty_archive() -> None:
        Speech.objects.all().delete()

    def import_all() -> None:
        outcomes = list(import_paths(files, ImportOptions()))
        assert not [o.error for o in outcomes if o.error], "corpus files failed to import"

    def best(task, before=lambda: None) -> float:
        timings = []
        for _ in range(args.repeat):
            before()  # not timed: each import starts from an empty archive
            start = time.perf_counter()
            task()
            timings.append(time.perf_counter() - start)
        return min(timings)

    jieba_s = best(segment)
    import_s = best(import_all, empty_archive)
    from django.conf import settings

    result = {
        "readers": settings.SPEECHES_IMPORT_READERS,
        "files": len(files),
        "characters": sum(len(t) for t in texts),
        "speeches": Speech.objects.count(),
        "commitments": sum(s.commitments.count() for s in Speech.objects.all()),
        "import_s": round(import_s, 3),
        "jieba_s": round(jieba_s, 3),
        "ratio": round(import_s / jieba_s, 2),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>12}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
