"""The admin's speech list with thousands of speeches: how many queries it runs and how long it takes.

    python bench/admin_list.py [--speeches 5000] [--commitments 20] [--backend sqlite|postgres] [--repeat 5] [--json]

Builds a throw-away archive of N speeches (bulk_create), each with a text of about 30,000
characters made of clauses of ../shared/corpus (so that a query grouping by or reading the texts
would show) and its commitments, spread over 40 cities and 27 years. Then a superuser opens the
admin's speech list through Django's test client: the first page, a year filter, a search, sorted
by the number of commitments, and the second page. For each, the number of queries
(CaptureQueriesContext), whether any groups by the speech's columns or selects its texts, and the
median time of the request, rendered; the production settings (DJANGO_DEBUG=0).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
POSTGRES = "postgres://postgres@127.0.0.1:5432"
DATABASE = "bench_admin_list"
TEXT_CHARACTERS = 30_000
BATCH = 2000

PAGES = [
    ("first page", ""),
    ("year filter", "?year=2020"),
    ("search", "?q=%E7%A4%BA%E4%BE%8B%E8%AE%B2%E8%AF%9D12"),  # 示例讲话12
    ("by commitments", "?o=6"),
    ("second page", "?p=2"),
]


def configure(backend: str, scratch: Path) -> None:
    if backend == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
    else:
        import psycopg

        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {DATABASE}")
            connection.execute(f"CREATE DATABASE {DATABASE}")
        os.environ["DATABASE_URL"] = f"{POSTGRES}/{DATABASE}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "archive.settings"
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", "admin-list-benchmark")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def clauses() -> list[str]:
    pieces = []
    for path in sorted(CORPUS.rglob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        pieces += [p.strip() for p in re.split(r"[。；\n]+", text) if 8 <= len(p.strip()) <= 120]
    return pieces or ["示例：今年要加快推进重点项目建设"]


def build(speech_count: int, per_speech: int, seed: int, log) -> float:
    from django.db import connection, transaction

    from speeches.models import Commitment, Region, Speech, Topic
    from speeches.search import commitment_search_fields

    rng = random.Random(seed)
    pool = clauses()
    cities = list(Region.objects.filter(level=Region.Level.CITY).order_by("code")[:40])
    topics = list(Topic.objects.order_by("pk"))
    kinds, strengths = Commitment.Kind.values, Commitment.Strength.values
    started = time.perf_counter()
    for first in range(0, speech_count, BATCH):
        speeches = []
        for number in range(first, min(first + BATCH, speech_count)):
            text = ""
            while len(text) < TEXT_CHARACTERS:
                text += rng.choice(pool) + "。\n"
            city = rng.choice(cities)
            speeches.append(
                Speech(
                    title=f"示例讲话{number}",
                    city=city,
                    province_id=city.parent_id,
                    year=rng.randint(2000, 2026),
                    primary_topic=rng.choice(topics),
                    speaker="示例",
                    text=text,
                    original_text=text,
                    content_hash=f"admin-bench-{number}",
                    edited_fields=["title"] if number % 50 == 0 else [],
                )
            )
        with transaction.atomic():
            Speech.objects.bulk_create(speeches)
            commitments = []
            for speech in speeches:
                for position in range(per_speech):
                    text = rng.choice(pool)
                    commitments.append(
                        Commitment(
                            speech=speech,
                            position=position,
                            text=text,
                            kind=rng.choice(kinds),
                            strength=rng.choice(strengths),
                            topic=rng.choice(topics),
                            **commitment_search_fields(text),
                        )
                    )
            Commitment.objects.bulk_create(commitments, batch_size=5000)
        log(f"  {first + len(speeches):,} / {speech_count:,} speeches, {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def measure(repeat: int) -> list[dict]:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings, setup_test_environment
    from django.urls import reverse

    setup_test_environment()  # the test client's host name allowed
    # The production settings but for the static files' manifest, which collectstatic would write.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    override_settings(STORAGES=storages).enable()
    user = get_user_model().objects.create_superuser("bench", "bench@example.org", "bench-password")
    client = Client()
    client.force_login(user)
    url = reverse("admin:speeches_speech_changelist")
    rows = []
    for name, query in PAGES:
        client.get(url + query)  # the first request warms caches and Django's template loader
        timings, sqls = [], []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url + query)
                response.content  # noqa: B018 (a TemplateResponse is rendered by then)
                timings.append(time.perf_counter() - started)
            assert response.status_code == 200, (name, response.status_code)
            sqls = [q["sql"] for q in captured.captured_queries]
        grouped = sum(1 for sql in sqls if re.search(r'GROUP BY\s+"speeches_speech"', sql))
        reads_text = sum(
            1
            for sql in sqls
            if re.search(r'"speeches_speech"\."(text|original_text|search_text)"', sql.split(" FROM ", 1)[0])
        )
        rows.append(
            {
                "page": name,
                "query": unquote(query) or "(none)",
                "queries": len(sqls),
                "group_by_speech": grouped,
                "selects_text": reads_text,
                "median_ms": round(statistics.median(timings) * 1000, 1),
                "max_ms": round(max(timings) * 1000, 1),
            }
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--speeches", type=int, default=5000)
    parser.add_argument("--commitments", type=int, default=20, help="commitments per speech")
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    def log(message: str) -> None:
        if not args.json:
            print(message, file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="admin-list-bench-") as scratch:
        configure(args.backend, Path(scratch))
        log(f"building {args.speeches:,} speeches with {args.commitments} commitments each ({args.backend})")
        built = build(args.speeches, args.commitments, args.seed, log)
        rows = measure(args.repeat)

    result = {
        "backend": args.backend,
        "speeches": args.speeches,
        "commitments": args.speeches * args.commitments,
        "build_s": round(built, 1),
        "pages": rows,
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(
        f"\n{args.speeches:,} speeches, {result['commitments']:,} commitments ({args.backend}), built in {built:.0f} s"
    )
    print(f"{'page':<16}{'query':<20}{'queries':>8}{'GROUP BY':>10}{'texts':>7}{'median':>10}{'max':>10}")
    for row in rows:
        print(
            f"{row['page']:<16}{row['query']:<20}{row['queries']:>8}{row['group_by_speech']:>10}"
            f"{row['selects_text']:>7}{row['median_ms']:>8} ms{row['max_ms']:>7} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
