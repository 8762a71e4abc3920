"""Migrating an archive back and forth: the search index is taken away before a migration, put back
after it and re-read from the rows, so search finds the same commitments as before, filters too."""

from __future__ import annotations

import json

from .conftest import ROOT

SEARCHES = """
import json
from speeches.search import search_commitments

found = {}
for query, filters in [("发展", {}), ("新能源", {"city": "320400"}), ("亿元", {"kind": "target"}), ("项目", {"year": 2025})]:
    results = search_commitments(query, **filters)
    found[query] = [results.count(), [row.pk for row in results[:20]], sorted(results.values_list("pk", flat=True))]
print(json.dumps(found))
"""


def searched(archive) -> dict:
    return json.loads(archive.manage("shell", "-c", SEARCHES).stdout.strip().splitlines()[-1])


def test_migrating_back_a_step_and_forward_again_keeps_search_whole(scratch_archive):
    archive = scratch_archive()
    archive.manage("import_speeches", str(ROOT / "demo"))
    before = searched(archive)
    assert all(count for count, _, _ in before.values())

    archive.manage("migrate", "speeches", "0004", "--noinput")
    archive.manage("migrate", "--noinput")

    assert searched(archive) == before
