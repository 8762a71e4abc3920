"""How long `import_speeches --queue` of the whole shared corpus takes to answer, and the worker after it.

    python bench/queue_import.py [--repeat 3] [--json]

Each run starts from a fresh throw-away SQLite archive and times the command as staff run it, in a process of its own: Python's start, Django's
set-up, reading the files and writing the job. Then `run_jobs --until-empty` imports the job, timed
the same way. The best of the runs counts.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    queued, worked = [], []
    for _ in range(args.repeat):
        scratch = tempfile.mkdtemp(prefix="queue-bench-")
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{scratch}/bench.sqlite3",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "queue-benchmark",
        }

        def manage(*command: str, env: dict = env) -> tuple[float, str]:
            start = time.perf_counter()
            result = subprocess.run(
                [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True, check=True
            )
            return time.perf_counter() - start, result.stdout

        manage("migrate", "--noinput")
        seconds, out = manage("import_speeches", "--queue", "--json", str(CORPUS))
        job = json.loads(out)["job"]["id"]
        queued.append(seconds)
        worked.append(manage("run_jobs", "--until-empty", "--verbosity", "0")[0])
        state = json.loads(manage("import_speeches", "--job", str(job), "--json")[1])["job"]
        assert state["state"] == "done" and state["errors"] == 0, state

    result = {
        "files": state["files"],
        "speeches": state["created"],
        "queue_s": round(min(queued), 3),
        "worker_s": round(min(worked), 3),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>10}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
