"""Load test: gunicorn on 127.0.0.1 with the whole shared corpus imported, driven by wrk.

    python bench/load.py [--database sqlite|postgresql|both] [--duration 60] [--connections 32]

For each database it builds a fresh archive (a temporary SQLite file, or a PostgreSQL database
created for the run and dropped afterwards), imports all of ../shared/corpus, collects the static
files and starts gunicorn with the project's gunicorn.conf.py and production settings (DEBUG
off). wrk (Debian package `wrk`) then runs, one after another and each for --duration seconds
at --connections connections:

    healthz   GET /healthz: the ceiling (one `SELECT 1` per request)
    mixed     page views and searches in a fixed rotation (see MIXED_SHARE): home, lists,
              speech pages, place/topic/year pages, commitment searches, the API
    search    commitment searches only, over a dozen queries

and reports requests per second, p50/p99 latency, and errors (socket errors, timeouts and
answers other than 2xx/3xx). Results go to bench/results/load-<database>.json; --markdown
prints the table for bench/README.md. Every request goes to 127.0.0.1 only, and the run stops
by itself. wrk and gunicorn share the machine's cores, as they would not in production.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
RESULTS = ROOT / "bench" / "results"
POSTGRES_SERVER = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
SECRET_KEY = "load-test-" + uuid.uuid4().hex * 2

SEARCHES = [
    "投资",
    "就业",
    "700亿元",
    "高质量发展",
    "乡村振兴",
    "教育 医疗",
    "改革 开放",
    "生态环境",
    "科技创新",
    "基础设施",
    "亿元 以上",
    "粮食",
]

# What a visitor's requests look like, by kind; the rotation repeats these shares.
MIXED_SHARE = {"page": 6, "search": 3, "api": 1}

# wrk runs this per connection thread: paths in rotation, and a JSON summary at the end.
WRK_SCRIPT = """
local paths = {%(paths)s}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %%d, "duration_us": %%d, "bytes": %%d, "connect": %%d, "read": %%d, "write": %%d,'
    .. ' "status": %%d, "timeout": %%d, "p50_us": %%d, "p90_us": %%d, "p99_us": %%d, "max_us": %%d, "mean_us": %%f}\\n',
    summary.requests, summary.duration, summary.bytes, errors.connect, errors.read, errors.write,
    errors.status, errors.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean))
end
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--duration", type=int, default=60, help="seconds per scenario")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: its config)")
    parser.add_argument("--markdown", action="store_true", help="print the results table for bench/README.md")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2

    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    RESULTS.mkdir(parents=True, exist_ok=True)
    results = {}
    for database in databases:
        results[database] = run_database(database, args)
        (RESULTS / f"load-{database}.json").write_text(
            json.dumps(results[database], ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    if args.markdown:
        print(markdown_table(results))
    failed = [f"{db}/{name}" for db, result in results.items() for name, run in result["runs"].items() if run["errors"]]
    if failed:
        print(f"errors in: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


# --- one database -----------------------------------------------------------------------------


def run_database(database: str, args) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix=f"load-{database}-"))
    name = f"archive_load_{uuid.uuid4().hex[:8]}"
    url = f"sqlite:///{workdir / 'archive.sqlite3'}" if database == "sqlite" else f"{POSTGRES_SERVER}/{name}"
    env = environment(url, workdir)
    try:
        if database == "postgresql":
            psql(f'CREATE DATABASE "{name}"')
        log(f"[{database}] migrating and importing {CORPUS}")
        manage(env, "migrate", "--noinput", "-v0")
        started = time.perf_counter()
        manage(env, "import_speeches", str(CORPUS))
        import_seconds = time.perf_counter() - started
        manage(env, "collectstatic", "--noinput", "-v0")
        with gunicorn(env, workdir, args.workers) as base:
            paths = sample_paths(base)
            runs = {
                "healthz": ["/healthz"],
                "mixed": mixed_rotation(paths),
                "search": paths["search"],
            }
            results = {}
            for scenario, rotation in runs.items():
                check_paths(base, rotation)
                log(
                    f"[{database}] {scenario}: {len(rotation)} paths, {args.duration} s at {args.connections} connections"
                )
                results[scenario] = wrk(base, rotation, args, workdir / f"{scenario}.lua")
                log(f"[{database}] {scenario}: {results[scenario]}")
        return {
            "database": database,
            "date": time.strftime("%Y-%m-%d"),
            "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
            "duration_s": args.duration,
            "connections": args.connections,
            "corpus_import_s": round(import_seconds, 1),
            # Other work on the machine takes cores from gunicorn and wrk alike: say how much there was.
            "load_average_1min_at_end": round(os.getloadavg()[0], 1),
            "speeches": count(env, "Speech"),
            "commitments": count(env, "Commitment"),
            "runs": results,
        }
    finally:
        if database == "postgresql":
            psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(workdir, ignore_errors=True)


def environment(url: str, workdir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="archive.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_STATIC_ROOT=str(workdir / "static"),
        DJANGO_CONN_MAX_AGE="60",
        # All load comes from one address; the API's per-address limit would refuse most of it.
        DJANGO_API_THROTTLE_RATE="10000000/minute",
        DJANGO_LOG_LEVEL="WARNING",
        GUNICORN_LOG_LEVEL="warning",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def count(env: dict, model: str) -> int:
    code = f"from speeches.models import {model}; print({model}.objects.count())"
    return int(manage(env, "shell", "--no-imports", "-c", code).strip().splitlines()[-1])


def psql(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(statement)


class gunicorn:
    """gunicorn with the project's config on a free port; stopped (SIGTERM) on leaving."""

    def __init__(self, env: dict, workdir: Path, workers: int | None):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        if workers:
            self.env["WEB_CONCURRENCY"] = str(workers)
        self.log = workdir / "gunicorn.log"

    def __enter__(self) -> str:
        with self.log.open("w") as handle:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
                cwd=ROOT,
                env=self.env,
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                    if response.status == 200:
                        return base
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer:\n{self.log.read_text()}")

    def __exit__(self, *exc) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)


# --- what the visitors ask for ----------------------------------------------------------------


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.loads(response.read())


def sample_paths(base: str) -> dict[str, list[str]]:
    """Real paths of this archive: every speech, its places, topics and years, and the searches."""
    speeches = []
    url = base + "/api/speeches/"
    while url:
        page = get_json(url)
        speeches += page["results"]
        url = page.get("next")
    cities = sorted({speech["city"]["code"] for speech in speeches if speech.get("city")})
    provinces = sorted({speech["province"]["code"] for speech in speeches if speech.get("province")})
    years = sorted({speech["year"] for speech in speeches if speech.get("year")})
    topics = [topic["slug"] for topic in get_json(base + "/api/topics/")["results"]]
    pages = [
        "/",
        "/speeches/",
        "/speeches/?page=2",
        "/commitments/",
        "/cities/",
        "/topics/",
        "/years/",
        *[f"/speeches/{speech['id']}/" for speech in speeches],
        *[f"/cities/{code}/" for code in cities + provinces],
        *[f"/topics/{slug}/" for slug in topics],
        *[f"/years/{year}/" for year in years],
    ]
    searches = [f"/commitments/?q={quote(query)}" for query in SEARCHES]
    searches += [f"/commitments/?q={quote(SEARCHES[0])}&year={year}" for year in years[-2:]]
    api = ["/api/speeches/", "/api/commitments/", f"/api/commitments/?q={quote(SEARCHES[1])}"]
    api += [f"/api/speeches/{speech['id']}/" for speech in speeches[:5]]
    return {"page": pages, "search": searches, "api": api}


def mixed_rotation(paths: dict[str, list[str]]) -> list[str]:
    """Interleave the kinds in MIXED_SHARE proportions, cycling through each kind's paths."""
    rotation, cursors = [], dict.fromkeys(paths, 0)
    rounds = max(len(paths[kind]) // share + 1 for kind, share in MIXED_SHARE.items())
    for _ in range(rounds):
        for kind, share in MIXED_SHARE.items():
            for _ in range(share):
                rotation.append(paths[kind][cursors[kind] % len(paths[kind])])
                cursors[kind] += 1
    return rotation


def check_paths(base: str, paths: list[str]) -> None:
    """Every path answers 200 before the clock starts: a 404 in the rotation would count as an error."""
    for path in dict.fromkeys(paths):
        try:
            with urllib.request.urlopen(base + path, timeout=120) as response:
                response.read()
        except urllib.error.HTTPError as error:
            raise SystemExit(f"{path}: {error.code}") from error


def wrk(base: str, paths: list[str], args, script: Path) -> dict:
    script.write_text(WRK_SCRIPT % {"paths": ", ".join(json.dumps(path) for path in paths)}, encoding="utf-8")
    command = [
        "wrk",
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--timeout",
        "30s",
        "-s",
        str(script),
        base + paths[0],
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=args.duration + 120)
    line = next((line for line in result.stdout.splitlines() if line.startswith("WRK_JSON ")), None)
    if line is None:
        raise SystemExit(f"wrk said:\n{result.stdout}\n{result.stderr}")
    raw = json.loads(line.removeprefix("WRK_JSON "))
    seconds = raw["duration_us"] / 1e6
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"] + raw["status"]
    return {
        "requests": raw["requests"],
        "requests_per_s": round(raw["requests"] / seconds, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p90_ms": round(raw["p90_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
        "max_ms": round(raw["max_us"] / 1000, 1),
        "errors": errors,
        "error_detail": {key: raw[key] for key in ("connect", "read", "write", "timeout", "status")},
        "paths": len(dict.fromkeys(paths)),
    }


def markdown_table(results: dict) -> str:
    lines = [
        "| database | scenario | requests/s | p50 ms | p99 ms | errors | share of /healthz |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for database, result in results.items():
        ceiling = result["runs"]["healthz"]["requests_per_s"]
        for scenario, run in result["runs"].items():
            share = f"{run['requests_per_s'] / ceiling:.0%}" if ceiling else "-"
            lines.append(
                f"| {database} | {scenario} | {run['requests_per_s']:.1f} | {run['p50_ms']:.1f} | "
                f"{run['p99_ms']:.1f} | {run['errors']} | {share} |"
            )
    return "\n".join(lines)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
