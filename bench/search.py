"""Benchmark commitment search against a plain icontains scan and Whoosh with jieba's ChineseAnalyzer.

    python bench/search.py --commitments N [--backend sqlite|postgres] [--repeat 5] [--json]

Builds a throw-away archive of N synthetic commitments made of sentence fragments of
../shared/corpus (fixed seed, lengths spread like real commitments), runs a fixed set of queries
(1, 2 and 4+ characters, several terms, an exclusion, no hit, query + filter) and reports, per
engine, the median and 95th percentile time of what a results page needs: the number of hits and
the first 20 hits (with snippets, for the archive's search). Every query's hits must be the same
set as icontains finds. Whoosh needs bench/requirements.txt; --no-whoosh leaves it out.

It also times the commitments page (results, count and facets, rendered) searching very common
words, and the page's facets alone: counted in one pass, and as the FilterSet counts them one query
per facet. On PostgreSQL, --no-rum ranks every GIN match even where the RUM index is there, and
--rows-from copies the rows of a SQLite bench archive instead of recomputing their indexed form.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
POSTGRES = "postgres://postgres@127.0.0.1:5432"
PAGE = 20
COMMITMENTS_PER_SPEECH = 150
BATCH = 5000

# (query, filters); filters name the arguments of search_commitments. "city" is filled in with
# the busiest synthetic city.
QUERIES = [
    ("旱", {}),
    ("税", {}),
    ("长沙", {}),
    ("就业", {}),
    ("改革", {}),
    ("固定资产投资", {}),
    ("高标准农田", {}),
    ("乡村振兴", {}),
    ("700亿元", {}),
    ("基本公共服务", {}),
    ("乡村振兴 产业", {}),
    ("就业 高校毕业生", {}),
    ("生态 保护 修复", {}),
    ("改革 -农村", {}),
    ("量子计算机", {}),
    ("长沙 航天飞机", {}),
    ("改革", {"kind": "target"}),
    ("投资", {"year": (2015, 2020)}),
    ("就业", {"city": None}),
]


def fragments() -> list[str]:
    """Clauses of the corpus: the pieces between Chinese punctuation, with a few ideographs."""
    pieces = []
    for path in sorted(CORPUS.rglob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for piece in re.split(r"[，。；：！？、\n]+", text):
            piece = piece.strip(" \t　“”‘’（）()《》")
            if 4 <= len(piece) <= 80 and len(re.findall(r"[\u4e00-\u9fff]", piece)) >= 4:
                pieces.append(piece)
    return pieces


def synthetic_texts(count: int, seed: int) -> list[str]:
    """Commitment texts of runs of consecutive clauses, about 45 characters long at the median and
    sometimes a few hundred, like the commitments extraction finds."""
    pool = fragments()
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        length = min(400, max(8, int(rng.lognormvariate(3.8, 0.6))))
        start = rng.randrange(len(pool))
        parts = []
        while sum(map(len, parts)) < length:
            parts.append(pool[(start + len(parts)) % len(pool)])
        texts.append("，".join(parts) + "。")
    return texts


def database_name(count: int) -> str:
    """The PostgreSQL database of one size, so archives of two sizes can be kept side by side."""
    return f"bench_search_{count}"


def configure(backend: str, scratch: Path, fresh: bool, name: str = "bench.sqlite3", count: int = 0) -> None:
    if backend == "sqlite":
        if fresh:
            for path in scratch.glob(f"{name}*"):
                path.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/{name}"
    else:
        import psycopg

        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [database_name(count)]
            ).fetchone()
            if fresh or not exists:
                connection.execute(f"DROP DATABASE IF EXISTS {database_name(count)}")
                connection.execute(f"CREATE DATABASE {database_name(count)}")
        os.environ["DATABASE_URL"] = f"{POSTGRES}/{database_name(count)}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "archive.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _write_speeches(places) -> list:
    """One speech row for each (city, year) of the synthetic archive, its texts a placeholder."""
    from speeches.models import Speech

    speeches = [
        Speech(
            title=f"示例讲话{number}",
            city=city,
            province_id=city.parent_id,
            year=year,
            text="示例",
            original_text="示例",
            content_hash=f"bench-{number * COMMITMENTS_PER_SPEECH}",
        )
        for number, (city, year) in enumerate(places)
    ]
    Speech.objects.bulk_create(speeches, batch_size=BATCH)
    return speeches


def synthetic_archive(count: int, seed: int):
    """The synthetic speeches (city, year) and commitments (number, text, kind, strength, topic),
    the same for every engine: the archive's rows and Whoosh's documents are built from it."""
    from speeches.models import Commitment, Region, Topic

    rng = random.Random(seed + 1)
    cities = list(Region.objects.filter(level=Region.Level.CITY).order_by("code")[:40])
    topics = list(Topic.objects.order_by("pk"))
    texts = synthetic_texts(count, seed)
    speeches = [(rng.choice(cities), rng.randint(2000, 2026)) for _ in range(0, count, COMMITMENTS_PER_SPEECH)]
    kinds, strengths = Commitment.Kind.values, Commitment.Strength.values

    def commitments():
        for number, text in enumerate(texts):
            yield number, text, rng.choice(kinds), rng.choice(strengths), rng.choice(topics)

    return speeches, commitments()


def build(count: int, seed: int, log) -> float:
    """The synthetic archive, written the way the import writes it; returns the seconds it took."""
    from django.db import connection, transaction

    from speeches.models import Commitment
    from speeches.search import commitment_search_fields, ensure_search_index
    from speeches.search.postgres_ranking import AMOUNTS_INDEX, RANKED_INDEX

    places, commitments = synthetic_archive(count, seed)
    speeches = _write_speeches(places)
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        # The RUM index is built once over the rows, as a deployment adding it to an archive would
        # (migrate builds it): kept up row by row, it would slow the load several times.
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {RANKED_INDEX}, {AMOUNTS_INDEX}")
    batch = []
    for number, text, kind, strength, topic in commitments:
        batch.append(
            Commitment(
                speech=speeches[number // COMMITMENTS_PER_SPEECH],
                position=number % COMMITMENTS_PER_SPEECH,
                text=text,
                kind=kind,
                strength=strength,
                topic=topic,
                **commitment_search_fields(text),
            )
        )
        if len(batch) == BATCH or number == count - 1:
            with transaction.atomic():
                Commitment.objects.bulk_create(batch)
            batch = []
            log(f"  {number + 1:,} / {count:,} commitments, {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("INSERT INTO speeches_commitment_fts(speeches_commitment_fts) VALUES ('optimize')")
            cursor.execute("ANALYZE")
        else:
            ensure_search_index(connection)
            cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def copy_build(count: int, seed: int, log) -> float:
    """PostgreSQL: the same synthetic archive as build(), its commitments written by COPY with every
    search index dropped first and built once over all the rows after (maintenance_work_mem raised
    for this session); returns the seconds it took. The rows, their indexed form included, are the
    ones build() writes; the import's bulk_create is not what is measured here, the search is."""
    from django.db import connection

    from speeches.search import commitment_search_fields, ensure_search_index
    from speeches.search.postgres_ranking import AMOUNTS_INDEX, RANKED_INDEX

    places, commitments = synthetic_archive(count, seed)
    speeches = _write_speeches(places)
    started = time.perf_counter()
    columns = (
        "speech_id, position, text, kind, strength, topic_id, responsible, deadline_text, edited,"
        " search_text, search_sequence, search_targets, search_folded"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"DROP INDEX IF EXISTS {RANKED_INDEX}, {AMOUNTS_INDEX}, speeches_commitment_search_vector,"
            " speeches_commitment_search_unindexed"
        )
        with cursor.cursor.copy(f"COPY speeches_commitment ({columns}) FROM STDIN") as copy:
            for number, text, kind, strength, topic in commitments:
                fields = commitment_search_fields(text)
                copy.write_row(
                    (
                        speeches[number // COMMITMENTS_PER_SPEECH].pk,
                        number % COMMITMENTS_PER_SPEECH,
                        text,
                        kind,
                        strength,
                        topic.pk,
                        "",
                        "",
                        False,
                        fields["search_text"],
                        fields["search_sequence"],
                        fields["search_targets"],
                        fields["search_folded"],
                    )
                )
                if number % 100_000 == 99_999:
                    log(f"  {number + 1:,} / {count:,} commitments, {time.perf_counter() - started:.0f} s")
        log(f"  rows copied, {time.perf_counter() - started:.0f} s; building the indexes …")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        ensure_search_index(connection)
        cursor.execute("RESET maintenance_work_mem")
        cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def copy_rows(source: Path, log, indexes: bool = True) -> float:
    """The PostgreSQL archive as a copy of the rows of a SQLite bench archive of the same size and
    seed (the same synthetic rows, their indexed form included), by COPY, the indexes built after;
    returns the seconds it took. Recomputing the indexed form row by row takes far longer."""
    import sqlite3

    from django.db import connection

    from speeches.search import ensure_search_index
    from speeches.search.postgres_ranking import AMOUNTS_INDEX, RANKED_INDEX

    started = time.perf_counter()
    rows = sqlite3.connect(source)
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM speeches_commitment")
        if rows.execute("SELECT count(*) FROM speeches_commitment WHERE id > ?", cursor.fetchone()).fetchone()[0]:
            # Built once over all the rows afterwards, rather than kept up row by row.
            cursor.execute(
                f"DROP INDEX IF EXISTS {RANKED_INDEX}, {AMOUNTS_INDEX}, speeches_commitment_search_vector, "
                "speeches_commitment_search_unindexed"
            )
        for table in ("speeches_speech", "speeches_commitment"):
            present = {column.name for column in connection.introspection.get_table_description(cursor, table)}
            columns = [row[1] for row in rows.execute(f"PRAGMA table_info({table})") if row[1] in present]
            # The rows not copied yet: the copy may start while the SQLite archive is still being built.
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
            last = cursor.fetchone()[0]
            select = f"SELECT {', '.join(columns)} FROM {table} WHERE id > ? ORDER BY id"
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for number, row in enumerate(rows.execute(select, [last])):
                    copy.write_row(row)
                    if number % 100_000 == 99_999:
                        log(f"  {table}: {number + 1:,} rows, {time.perf_counter() - started:.0f} s")
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        if not indexes:
            return time.perf_counter() - started
        log(f"  rows copied, {time.perf_counter() - started:.0f} s; building the indexes …")
        ensure_search_index(connection)
        cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def index_bytes() -> dict[str, int]:
    """Bytes the search adds: the full-text index, and the indexed form stored in the rows."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(octet_length(search_text) + octet_length(search_sequence) + octet_length(search_targets)"
            " + octet_length(search_folded)), sum(octet_length(text)) FROM speeches_commitment"
            if connection.vendor == "postgresql"
            else "SELECT sum(length(CAST(search_text AS BLOB)) + length(CAST(search_sequence AS BLOB))"
            " + length(CAST(search_targets AS BLOB)) + length(CAST(search_folded AS BLOB))),"
            " sum(length(CAST(text AS BLOB))) FROM speeches_commitment"
        )
        indexed_form, text = cursor.fetchone()
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'speeches_commitment_fts%'")
            full_text = cursor.fetchone()[0]
        else:
            cursor.execute(
                "SELECT sum(pg_column_size(search_vector)) FROM speeches_commitment",
            )
            full_text = cursor.fetchone()[0]
            cursor.execute(
                "SELECT pg_relation_size('speeches_commitment_search_vector')"
                " + pg_relation_size('speeches_commitment_search_unindexed')"
            )
            full_text += cursor.fetchone()[0]
    return {"full_text_index": int(full_text), "indexed_form": int(indexed_form), "text": int(text)}


def ranked_in_index() -> bool | None:
    """PostgreSQL: whether a best-first page came from the RUM index (None on SQLite)."""
    from django.db import connection

    from speeches.search.postgres import PostgresSearch, _ranked_in_index

    if connection.vendor != "postgresql":
        return None
    return PostgresSearch.rank_in_index and _ranked_in_index(connection)


def server_settings() -> dict[str, str] | None:
    """PostgreSQL: the settings the timings depend on most (None on SQLite)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    names = ("server_version", "shared_buffers", "work_mem", "jit", "max_parallel_workers_per_gather")
    with connection.cursor() as cursor:
        return {name: (cursor.execute(f"SHOW {name}"), cursor.fetchone()[0])[1] for name in names}


def plain_table():
    """The commitments without the search's columns, for a scan that does not read them.

    The archive's own table carries the indexed form (several times the text), and an icontains
    scan of it reads that too; this copy shows what the scan costs on a table without it."""
    from django.db import connection, models

    with connection.cursor() as cursor:
        if "bench_plain_commitment" not in connection.introspection.table_names(cursor):
            cursor.execute(
                "CREATE TABLE bench_plain_commitment AS SELECT id, speech_id, position, text, kind, strength"
                " FROM speeches_commitment ORDER BY id"
            )
            cursor.execute("CREATE INDEX bench_plain_commitment_speech ON bench_plain_commitment (speech_id)")
            cursor.execute("ANALYZE bench_plain_commitment" if connection.vendor == "postgresql" else "ANALYZE")

    class PlainCommitment(models.Model):
        speech = models.ForeignKey(
            "speeches.Speech", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
        )
        position = models.PositiveIntegerField()
        text = models.TextField()
        kind = models.CharField(max_length=10)
        strength = models.CharField(max_length=12)

        class Meta:
            app_label = "speeches"
            managed = False
            db_table = "bench_plain_commitment"
            ordering = ["speech", "position"]

        def __str__(self) -> str:
            return self.text

    return PlainCommitment


def icontains(query: str, filters: dict, model=None):
    """The plain Django scan: every term a case-insensitive substring of the text."""
    from speeches.models import Commitment
    from speeches.search import parse_query

    parsed = parse_query(query)
    queryset = (model or Commitment).objects.all()
    for term in parsed.terms:
        queryset = queryset.filter(text__icontains=term.text)
    for term in parsed.excluded:
        queryset = queryset.exclude(text__icontains=term.text)
    if filters.get("kind"):
        queryset = queryset.filter(kind=filters["kind"])
    if filters.get("year"):
        queryset = queryset.filter(speech__year__range=filters["year"])
    if filters.get("city"):
        queryset = queryset.filter(speech__city=filters["city"])
    return queryset


def build_whoosh(directory: Path, count: int, seed: int, log) -> float:
    """Whoosh's index of the same synthetic rows (ids as the archive numbers them from 1)."""
    from jieba.analyse import ChineseAnalyzer
    from whoosh import fields, index

    schema = fields.Schema(
        id=fields.ID(stored=True, unique=True),
        text=fields.TEXT(analyzer=ChineseAnalyzer()),
        kind=fields.ID,
        city=fields.ID,
        year=fields.NUMERIC,
    )
    places, commitments = synthetic_archive(count, seed)
    started = time.perf_counter()
    archive = index.create_in(directory, schema)
    writer = archive.writer(limitmb=1024)
    for number, text, kind, _strength, _topic in commitments:
        city, year = places[number // COMMITMENTS_PER_SPEECH]
        writer.add_document(id=str(number + 1), text=text, kind=kind, city=str(city.pk), year=year)
        if (number + 1) % 100_000 == 0:
            log(f"  whoosh: {number + 1:,} documents, {time.perf_counter() - started:.0f} s")
    writer.commit()
    return time.perf_counter() - started


def whoosh_query(query: str, filters: dict):
    """The same query in Whoosh's language: terms ANDed, NOT for exclusions, filters as terms."""
    from whoosh import query as q
    from whoosh.qparser import QueryParser

    from speeches.search import parse_query

    parsed = parse_query(query)
    words = [f'"{term.text}"' if " " in term.text else term.text for term in parsed.terms]
    words += [f"NOT {term.text}" for term in parsed.excluded]
    parser = QueryParser("text", whoosh_query.schema)
    text_query = parser.parse(" AND ".join(words))
    conditions = []
    if filters.get("kind"):
        conditions.append(q.Term("kind", filters["kind"]))
    if filters.get("city"):
        conditions.append(q.Term("city", str(filters["city"])))
    if filters.get("year"):
        conditions.append(q.NumericRange("year", *filters["year"]))
    return text_query, (q.And(conditions) if conditions else None)


# The search page (results, count and facets) for very common words, alone and with a filter.
PAGES = [("改革", ""), ("发展", ""), ("改革", "kind=target"), ("发展", "year_min=2015&year_max=2020")]


def search_page(query: str, chosen: str):
    """The commitments page searching `query` with the filters `chosen`, rendered, as a reader gets it."""
    from django.conf import settings
    from django.http import QueryDict
    from django.test import RequestFactory

    from speeches import views

    data = QueryDict(chosen, mutable=True)
    data["q"] = query
    host = next((host.lstrip(".") for host in settings.ALLOWED_HOSTS if host != "*"), "localhost")
    response = views.commitment_list(RequestFactory().get("/commitments/", data, HTTP_HOST=host))
    assert response.status_code == 200
    return len(response.content)


def page_facets(query: str, chosen: str, one_pass: bool):
    """The page's facets alone: counted in one pass, or as the FilterSet counts them, one query each."""
    from django.http import QueryDict

    from speeches.filters import CommitmentFilter
    from speeches.models import Commitment
    from speeches.search import facets, search_commitments

    results = search_commitments(query)
    filters = CommitmentFilter(QueryDict(chosen), queryset=results.for_listing())
    if one_pass:
        return facets.commitment_facets(filters, results)
    return filters.facets(base=Commitment.objects.filter(pk__in=results.values("pk")))


def pages_report(repeat: int, log, per_facet: bool = True) -> list[dict]:
    from django.http import QueryDict

    from speeches.filters import CommitmentFilter
    from speeches.search import facets, search_commitments

    report = []
    for query, chosen in PAGES:
        entry = {"query": query, "filters": chosen}
        tasks = [
            ("page", lambda query=query, chosen=chosen: search_page(query, chosen)),
            ("facets_one_pass", lambda query=query, chosen=chosen: page_facets(query, chosen, True)),
        ]
        if per_facet:  # the FilterSet's way, for comparison: seconds a page at 1,000,000
            tasks.append(("facets_per_facet", lambda query=query, chosen=chosen: page_facets(query, chosen, False)))
        for name, task in tasks:
            entry[name] = percentiles(timed(task, repeat))
        results = search_commitments(query)
        counted = facets.commitment_facets(CommitmentFilter(QueryDict(chosen), queryset=results), results)
        entry["facets_estimated"], entry["total_estimated"] = counted.estimated, counted.total_estimated
        report.append(entry)
        log(f"  page {query!r} {chosen}: {entry}")
    return report


def timed(task, repeat: int) -> list[float]:
    task()  # warm
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        task()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def percentiles(timings: list[float]) -> dict[str, float]:
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered), 2), "p95_ms": round(p95, 2)}


def main() -> int:
    global POSTGRES
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commitments", type=int, required=True)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each query (after one warm-up)")
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--no-whoosh", action="store_true")
    parser.add_argument(
        "--no-plain", action="store_true", help="leave out the icontains scan of the table without the search columns"
    )
    parser.add_argument(
        "--whoosh-only", action="store_true", help="only build the Whoosh index (in --workdir, for later runs)"
    )
    parser.add_argument("--json", action="store_true", help="print only the JSON report")
    parser.add_argument(
        "--workdir",
        type=Path,
        help="keep the archive (SQLite) and the Whoosh index here, and reuse them if already built",
    )
    parser.add_argument(
        "--rows-from",
        type=Path,
        help="PostgreSQL: copy the rows of this SQLite bench archive (same size and seed) instead of building them",
    )
    parser.add_argument(
        "--copy-only", action="store_true", help="with --rows-from: copy the rows not copied yet, and stop"
    )
    parser.add_argument(
        "--copy",
        action="store_true",
        help="PostgreSQL: write the synthetic rows by COPY and build the indexes after (much faster to build)",
    )
    parser.add_argument("--build-only", action="store_true", help="build the archive (in --workdir) and stop")
    parser.add_argument(
        "--pages-only", action="store_true", help="time only the search page for very common words (PAGES)"
    )
    parser.add_argument("--no-per-facet", action="store_true", help="leave out the facets counted one query each")
    parser.add_argument(
        "--postgres", default=POSTGRES, help=f"PostgreSQL: the server, as a URL without the database ({POSTGRES})"
    )
    parser.add_argument(
        "--no-rum", action="store_true", help="PostgreSQL: rank every GIN match, even where a RUM index is there"
    )
    args = parser.parse_args()
    POSTGRES = args.postgres.rstrip("/")

    output = sys.stdout
    if args.json:
        sys.stdout = sys.stderr  # progress and library chatter; only the report goes to stdout

    def log(message: str) -> None:
        print(message, flush=True)

    scratch = args.workdir or Path(tempfile.mkdtemp(prefix="search-bench-"))
    scratch.mkdir(parents=True, exist_ok=True)
    state = scratch / f"built-{args.backend}-{args.commitments}.json"
    whoosh_dir = scratch / f"whoosh-{args.commitments}"
    whoosh_state = scratch / f"whoosh-{args.commitments}.json"
    reuse = args.workdir is not None and state.exists()
    try:
        if args.whoosh_only:
            # Whoosh reads the same synthetic rows, not the archive: its index (slow to build) can
            # be built beside the archive's, and serves the SQLite and PostgreSQL runs alike.
            configure("sqlite", scratch, fresh=True, name="whoosh-regions.sqlite3")
            log(f"building the Whoosh index of {args.commitments:,} commitments …")
            shutil.rmtree(whoosh_dir, ignore_errors=True)
            whoosh_dir.mkdir()
            whoosh_state.write_text(
                json.dumps({"whoosh_build_s": build_whoosh(whoosh_dir, args.commitments, args.seed, log)})
            )
            return 0
        configure(args.backend, scratch, fresh=not reuse and not args.rows_from, count=args.commitments)
        from speeches.models import Commitment, Speech
        from speeches.search import search_commitments
        from speeches.search.postgres import PostgresSearch

        PostgresSearch.rank_in_index = not args.no_rum
        if reuse:
            built = json.loads(state.read_text())
            log(f"reusing the archive built in {scratch}")
        elif args.rows_from:
            log(f"copying the rows of {args.rows_from} …")
            copied = copy_rows(args.rows_from, log, indexes=not args.copy_only)
            if args.copy_only:
                return 0
            built = {"build_s": copied, "copied_from_sqlite": True}
            state.write_text(json.dumps(built))
        else:
            log(f"building {args.commitments:,} commitments on {args.backend} …")
            if args.copy and args.backend == "postgres":
                built = {"build_s": copy_build(args.commitments, args.seed, log), "copied": True}
            else:
                built = {"build_s": build(args.commitments, args.seed, log)}
            state.write_text(json.dumps(built))
        if args.build_only:
            return 0
        if args.pages_only:
            load_before = os.getloadavg()
            pages = pages_report(args.repeat, log, not args.no_per_facet)
            report = {
                "backend": args.backend,
                "commitments": Commitment.objects.count(),
                "search_page": pages,
                "load_average": {"before": load_before, "after": os.getloadavg()},
                "server": server_settings(),
            }
            print(json.dumps(report, ensure_ascii=False, indent=None if args.json else 2), file=output)
            return 0
        build_s = built["build_s"]
        sizes = index_bytes()
        busiest = Speech.objects.values("city").order_by("city").first()["city"]
        plain = None if args.no_plain else plain_table()
        queries = [(text, {**filters, "city": busiest} if "city" in filters else filters) for text, filters in QUERIES]

        searcher = None
        whoosh_build_s = None
        if not args.no_whoosh:
            from whoosh import index

            if not whoosh_state.exists():
                log("building the Whoosh index …")
                shutil.rmtree(whoosh_dir, ignore_errors=True)
                whoosh_dir.mkdir()
                whoosh_state.write_text(
                    json.dumps({"whoosh_build_s": build_whoosh(whoosh_dir, args.commitments, args.seed, log)})
                )
            whoosh_build_s = json.loads(whoosh_state.read_text())["whoosh_build_s"]
            archive = index.open_dir(whoosh_dir)
            searcher = archive.searcher()
            whoosh_query.schema = archive.schema

        load_before = os.getloadavg()
        report_queries = []
        ours, scanned, scanned_plain, whoosh = [], [], [], []
        identical = True
        for text, filters in queries:

            def search(text=text, filters=filters):
                results = search_commitments(text, **filters)
                return results.count(), [row.snippet for row in results[:PAGE]]

            def scan(text=text, filters=filters):
                results = icontains(text, filters)
                return results.count(), list(results[:PAGE])

            found = set(search_commitments(text, **filters).values_list("pk", flat=True))
            expected = set(icontains(text, filters).values_list("pk", flat=True))
            identical &= found == expected
            entry = {"query": text, "filters": dict(filters), "hits": len(expected)}
            entry["same_as_icontains"] = found == expected
            timings = timed(search, args.repeat)
            ours += timings
            entry["ms"] = round(statistics.median(timings), 2)
            timings = timed(scan, args.repeat)
            scanned += timings
            entry["icontains_ms"] = round(statistics.median(timings), 2)

            def scan_plain(text=text, filters=filters):
                results = icontains(text, filters, plain)
                return results.count(), list(results[:PAGE])

            if not args.no_plain:
                timings = timed(scan_plain, args.repeat)
                scanned_plain += timings
                entry["icontains_plain_table_ms"] = round(statistics.median(timings), 2)
            if searcher is not None:
                text_query, condition = whoosh_query(text, filters)

                def whoosh_search(text_query=text_query, condition=condition):
                    results = searcher.search(text_query, limit=PAGE, filter=condition)
                    return len(results), [hit["id"] for hit in results]

                timings = timed(whoosh_search, args.repeat)
                whoosh += timings
                entry["whoosh_ms"] = round(statistics.median(timings), 2)
                entry["whoosh_hits"] = whoosh_search()[0]
            report_queries.append(entry)
            log(f"  {text!r} {filters or ''}: {entry}")

        pages = pages_report(args.repeat, log, not args.no_per_facet)
        report = {
            "backend": args.backend,
            "commitments": Commitment.objects.count(),
            **percentiles(ours),
            "index_bytes": sizes["full_text_index"] + sizes["indexed_form"],
            "build_s": round(build_s, 1),
            "baselines": {
                "icontains": percentiles(scanned),
                **({"icontains_plain_table": percentiles(scanned_plain)} if scanned_plain else {}),
            },
            "identical_results": identical,
            "search_page": pages,
            "ranked_in_index": ranked_in_index(),
            # The machine's load (1, 5, 15 minutes) as the timings began and ended; and the server's memory.
            "load_average": {"before": load_before, "after": os.getloadavg()},
            "server": server_settings(),
            "index_detail": sizes,
            "queries": report_queries,
        }
        if searcher is not None:
            report["baselines"]["whoosh"] = {**percentiles(whoosh), "build_s": round(whoosh_build_s, 1)}
            searcher.close()
        print(json.dumps(report, ensure_ascii=False, indent=None if args.json else 2), file=output)
    finally:
        from django.db import connections

        connections.close_all()
        if args.workdir is None:
            shutil.rmtree(scratch, ignore_errors=True)
        if args.backend == "postgres" and args.workdir is None:
            import psycopg

            with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
                connection.execute(f"DROP DATABASE IF EXISTS {database_name(args.commitments)}")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
