"""Text reuse at 1,000, 10,000 and 100,000 speeches: signing a speech and looking it up stay flat.

    python bench/reuse.py [--sizes 1000 10000 100000] [--probes 200] [--json]

Builds a throw-away archive (SQLite, or DATABASE_URL if set) of synthetic speeches, each a run of
paragraphs drawn from ../shared/corpus (a fixed seed), signed and fingerprinted as an import does it,
growing it to each size in turn. At each size it times, per probe speech:

- `sign_ms`: the signature (shingles, MinHash) and the paragraph fingerprints of a new speech;
- `near_ms`: the near-duplicate look-up an import makes (band keys -> candidates -> similarity);
- `passages_ms`: the shared passages of a stored speech, as its page reads them;
- `cpu_ms`: the same three in this process's processor time (SQLite runs in it), which other work
  on the machine does not inflate;

half the probes being stored speeches copied with a paragraph dropped and numbers changed (each
must be found as a near duplicate: `found`), half new ones (`false_alarms` counts those reported).
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

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
PARAGRAPHS_PER_SPEECH = (8, 16)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--probes", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="reuse-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from speeches import reuse
    from speeches.models import Speech
    from speeches.models.reuse import PassageFingerprint, SignatureBand, SpeechSignature
    from speeches.parsing import parse_document
    from speeches.parsing import reuse as compare
    from speeches.search import fold

    call_command("migrate", verbosity=0)
    pool = [
        line
        for path in sorted(CORPUS.rglob("*.txt"))
        for speech in parse_document(path.read_bytes(), path.name)
        for line in speech.text.split("\n")
        if len(line) >= 40
    ]
    rng = random.Random(14)

    def synthetic() -> tuple[int, ...]:
        return tuple(rng.sample(range(len(pool)), rng.randint(*PARAGRAPHS_PER_SPEECH)))

    def text_of(paragraphs: tuple[int, ...]) -> str:
        return "\n".join(pool[number] for number in paragraphs)

    stored_speeches: dict[int, tuple[int, ...]] = {}  # a speech's paragraphs, by number in the pool

    def store(count: int, chunk: int = 10_000) -> None:
        """`count` more speeches, written as the import writes their reuse rows, a chunk at a time."""
        for start in range(0, count, chunk):
            store_chunk(min(chunk, count - start))

    def store_chunk(count: int) -> None:
        first = (Speech.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        batch = []
        for pk in range(first, first + count):
            stored_speeches[pk] = synthetic()
            batch.append((pk, text_of(stored_speeches[pk])))
        with transaction.atomic():
            Speech.objects.bulk_create(
                [
                    Speech(pk=pk, title=f"示例讲话 {pk}", text="", original_text="", content_hash=f"{pk:064d}")
                    for pk, _ in batch
                ],
                batch_size=2000,
            )
            signatures, bands, prints = [], [], []
            for pk, text in batch:
                signature = compare.signature(fold(text))
                signatures.append((pk, signature.hashvalues, signature.shingles))
                bands.extend((pk, key) for key in compare.band_keys(signature))
                # One part per speech: its id stands for the section's.
                prints.extend(
                    (pk, pk, p.paragraph, p.value, p.length) for p in compare.section_fingerprints(fold(text))
                )
            reuse._insert(SpeechSignature, ["speech", "hashvalues", "shingles"], signatures)
            reuse._insert(SignatureBand, ["speech", "key"], bands)
            reuse._insert(PassageFingerprint, ["speech", "section", "paragraph", "value", "length"], prints)

    class Part:  # what speech_passages reads of a section: its id and its text
        def __init__(self, pk: int, text: str) -> None:
            self.pk, self.text = pk, text

    def copied(text: str) -> str:
        lines = text.split("\n")
        del lines[rng.randrange(len(lines))]
        return re.sub(r"[0-9]+", lambda m: str(int(m[0]) + 1), "\n".join(lines))

    results = []
    stored = 0
    for size in args.sizes:
        started = time.perf_counter()
        store(size - stored)
        stored = size
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        build_s = time.perf_counter() - started
        limit = reuse.common_limit()
        sign, near, passages, found, false_alarms, candidates = [], [], [], 0, 0, []
        cpu = {"sign": [], "near": [], "passages": []}
        for number in range(args.probes):
            copy = number % 2 == 0
            original = rng.randint(1, size)
            text = copied(text_of(stored_speeches[original])) if copy else text_of(synthetic())
            start, start_cpu = time.perf_counter(), time.process_time()
            signature = compare.signature(fold(text))
            compare.section_fingerprints(fold(text))
            sign.append(time.perf_counter() - start)
            cpu["sign"].append(time.process_time() - start_cpu)
            start, start_cpu = time.perf_counter(), time.process_time()
            reported = reuse.near_duplicates(reuse.alike_speeches(signature))
            near.append(time.perf_counter() - start)
            cpu["near"].append(time.process_time() - start_cpu)
            candidates.append(SignatureBand.objects.filter(key__in=compare.band_keys(signature)).count())
            ids = {item["id"] for item in reported}
            found += copy and original in ids
            false_alarms += not copy and bool(ids)
            speech = Speech.objects.get(pk=original)
            start, start_cpu = time.perf_counter(), time.process_time()
            reuse.speech_passages(speech, [Part(original, text_of(stored_speeches[original]))])
            passages.append(time.perf_counter() - start)
            cpu["passages"].append(time.process_time() - start_cpu)

        def ms(values: list[float]) -> dict:
            ordered = sorted(values)
            return {
                "p50": round(1000 * statistics.median(ordered), 2),
                "p95": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 2),
            }

        results.append(
            {
                "speeches": size,
                "build_s": round(build_s, 1),
                "sign_ms": ms(sign),
                "near_ms": ms(near),
                "passages_ms": ms(passages),
                # Processor time of this process (SQLite runs in it): what other work on the machine
                # does not inflate.
                "cpu_ms": {name: ms(values) for name, values in cpu.items()},
                "band_matches_mean": round(statistics.mean(candidates), 1),
                "found": f"{found}/{(args.probes + 1) // 2}",
                "false_alarms": false_alarms,
                "common_limit": limit,
                "fingerprints": PassageFingerprint.objects.count(),
            }
        )
        if not args.json:
            print(json.dumps(results[-1], ensure_ascii=False), flush=True)
    report = {"backend": connection.vendor, "pool_paragraphs": len(pool), "results": results}
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
