"""The promise ledger's pages: a place's record, one indicator over the years, one indicator and
year across the levels of government, and the ledger as CSV.

A place is "national" or a six-digit region code, and means that place's own reports (a city's
page is not its counties'). Views choose rows with the ledger's QuerySet and FilterSet; the
chart is drawn here as plain numbers the template turns into SVG.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render

from .exports import _batches, _cell, _csv_writer, _streaming
from .filters import FIRST_YEAR, LAST_YEAR, NATIONAL, LedgerFilter, ledger_place
from .ledger_rows import LEDGER_COLUMNS, ledger_csv_row
from .models import LedgerEntry, Outcome, Region
from .models.ledger import place_of
from .parsing.indicators import CEILING, Indicator, indicators_by_slug, load_indicators
from .parsing.ledger import STATUSES

STATUS_NAMES = dict(LedgerEntry.Status.choices)


def _place(code: str) -> Region | None:
    place = ledger_place(code)
    if place is False:
        raise Http404("没有这个地区")
    return place


def _indicator(slug: str) -> Indicator:
    indicator = indicators_by_slug().get(slug)
    if indicator is None:
        raise Http404("没有这个指标")
    return indicator


def place_code(region: Region | None) -> str:
    return region.code if region else NATIONAL


def place_name(region: Region | None) -> str:
    return region.name if region else "全国"


# --- the chart ----------------------------------------------------------------------------------

_WIDTH, _HEIGHT = 640, 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 16, 16, 36


@dataclass
class ChartMark:
    x: float
    y: float
    label: str
    url: str
    range_top: float | None = None  # a target range: its bar, from the upper end down to `y`
    range_height: float = 0

    @property
    def x1(self) -> float:
        return round(self.x - 14, 1)

    @property
    def x2(self) -> float:
        return round(self.x + 14, 1)

    @property
    def range_x(self) -> float:
        return round(self.x - 8, 1)


@dataclass
class ChartYear:
    x: float
    year: int
    target: ChartMark | None = None
    result: ChartMark | None = None
    status: str = ""


@dataclass
class Chart:
    width: int = _WIDTH
    height: int = _HEIGHT
    left: int = _LEFT
    bottom: float = _HEIGHT - _BOTTOM
    right: float = _WIDTH - _RIGHT
    label_x: int = _LEFT - 6  # where the scale's numbers end
    year_y: float = _HEIGHT - _BOTTOM + 20
    years: list[ChartYear] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)  # (y, label)
    result_line: str = ""  # the results joined, year after year, as polyline points


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def ledger_chart(indicator: Indicator, entries: list[LedgerEntry], outcomes: list[Outcome]) -> Chart | None:
    """Targets (a tick, or a bar for a range) and results (a dot) per year, on one scale."""
    targets = {}
    for entry in entries:
        targets.setdefault(entry.target_year, entry)
    results = {}
    for entry in entries:
        if entry.outcome is not None:
            results.setdefault(entry.target_year, entry.outcome)
    for outcome in outcomes:
        results.setdefault(outcome.year, outcome)
    years = sorted({*targets, *results})
    if not years:
        return None
    values = [e.value for e in targets.values()] + [e.value_max for e in targets.values() if e.value_max is not None]
    values += [o.value for o in results.values()]
    low, high = min(values), max(values)
    if indicator.unit not in ("%", "‰"):
        low = min(low, Decimal(0))  # amounts are read against zero; rates against each other
    span = high - low or abs(high) or Decimal(1)
    low, high = low - span * Decimal("0.1"), high + span * Decimal("0.1")
    chart = Chart()
    plot = chart.bottom - _TOP

    def y_of(value: Decimal) -> float:
        return round(float(chart.bottom - (value - low) / (high - low) * plot), 1)

    step = (chart.right - chart.left) / len(years)
    points = []
    for number, year in enumerate(years):
        x = round(chart.left + step * (number + 0.5), 1)
        column = ChartYear(x=x, year=year)
        entry = targets.get(year)
        if entry is not None:
            label = f"{year}年目标：{entry.text or _plain(entry.value) + entry.unit}"
            column.target = ChartMark(x, y_of(entry.value), label, entry.get_absolute_url())
            if entry.value_max is not None:
                top, bottom = sorted((y_of(entry.value_max), column.target.y))
                column.target.range_top, column.target.range_height = top, round(bottom - top, 1)
            column.status = entry.status
        outcome = results.get(year)
        if outcome is not None:
            label = f"{year}年实际：{outcome.amount_text or _plain(outcome.value) + outcome.unit}"
            column.result = ChartMark(x, y_of(outcome.value), label, outcome.get_absolute_url())
            points.append(f"{x},{column.result.y}")
        chart.years.append(column)
    chart.result_line = " ".join(points)
    for fraction in (0, 0.5, 1):
        value = low + (high - low) * Decimal(str(fraction))
        chart.ticks.append((y_of(value), f"{value:.1f}" if abs(high - low) < 100 else f"{value:.0f}"))
    return chart


# --- pages --------------------------------------------------------------------------------------


def ledger_index(request):
    """ledger/index.html: the indicators and every place with targets in the ledger."""
    rows = (
        LedgerEntry.objects.order_by()
        .values("speech__province", "speech__city", "speech__county")
        .annotate(count=Count("pk"), met=Count("pk", filter=Q(status=LedgerEntry.Status.MET)))
    )
    counts: Counter[int | None] = Counter()
    met: Counter[int | None] = Counter()
    for row in rows:
        key = row["speech__county"] or row["speech__city"] or row["speech__province"]
        counts[key] += row["count"]
        met[key] += row["met"]
    regions = Region.objects.in_bulk([key for key in counts if key is not None])
    places = [
        {"code": place_code(regions.get(key)), "name": place_name(regions.get(key)), "count": n, "met": met[key]}
        for key, n in counts.items()
        if key is None or key in regions
    ]
    places.sort(key=lambda place: (place["code"] != NATIONAL, place["code"]))
    return render(request, "ledger/index.html", {"places": places, "indicators": load_indicators()})


def ledger_place_record(request, place: str):
    """ledger/place.html: a place's targets year by year, with how many were met, missed, unclear, pending."""
    region = _place(place)
    query = request.GET.copy()
    query["region"] = place
    filters = LedgerFilter(query, queryset=LedgerEntry.objects.for_listing().by_year())
    by_year: dict[int, list[LedgerEntry]] = defaultdict(list)
    for entry in filters.qs:
        by_year[entry.target_year].append(entry)
    years = [
        {
            "year": year,
            "entries": entries,
            "counts": [(status, STATUS_NAMES[status], sum(e.status == status for e in entries)) for status in STATUSES],
        }
        for year, entries in sorted(by_year.items(), reverse=True)
    ]
    indicators = indicators_by_slug()
    present = sorted({e.indicator for entries in by_year.values() for e in entries})
    return render(
        request,
        "ledger/place.html",
        {
            "region": region,
            "place": place,
            "place_name": place_name(region),
            "years": years,
            "indicators": [indicators[slug] for slug in present if slug in indicators],
            "statuses": LedgerEntry.Status.choices,
            "filters": filters,
        },
    )


def ledger_indicator(request, place: str, slug: str):
    """ledger/indicator.html: one indicator of one place over the years, as a chart and a table."""
    region = _place(place)
    indicator = _indicator(slug)
    entries = list(LedgerEntry.objects.of_place(region).filter(indicator=slug).for_listing().by_year())
    outcomes = list(
        Outcome.objects.of_place(region)
        .filter(indicator=slug)
        .select_related("speech")
        .only("pk", "year", "value", "unit", "amount_text", "text", "section", "paragraph", "speech__id")
        .order_by("year", "speech__year", "position")
    )
    return render(
        request,
        "ledger/indicator.html",
        {
            "region": region,
            "place": place,
            "place_name": place_name(region),
            "indicator": indicator,
            "entries": entries,
            "chart": ledger_chart(indicator, entries, outcomes),
        },
    )


@dataclass
class ComparedPlace:
    region: Region | None
    level: str
    entry: LedgerEntry | None
    above: ComparedPlace | None = None

    @property
    def name(self) -> str:
        return place_name(self.region)

    @property
    def code(self) -> str:
        return place_code(self.region)

    @property
    def raised(self) -> bool | None:
        """Whether this target asks more than the one of the level above (层层加码); None: no comparison."""
        if self.entry is None or self.above is None or self.above.entry is None:
            return None
        mine, theirs = self.entry.value, self.above.entry.value
        if self.entry.indicator_info and self.entry.indicator_info.direction == CEILING:
            return mine < theirs
        return mine > theirs


def ledger_compare(request, slug: str, year: int):
    """ledger/compare.html: one indicator and year at the national level, in the provinces, and in
    the cities of the province chosen (`province`), with the targets raised on the way down marked."""
    indicator = _indicator(slug)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404("没有这一年")
    entries = list(
        LedgerEntry.objects.filter(indicator=slug, target_year=year).for_listing().order_by("speech", "target_position")
    )
    by_place: dict[int | None, LedgerEntry] = {}
    for entry in entries:
        region = place_of(entry.speech)
        by_place.setdefault(region.pk if region else None, entry)
    national = ComparedPlace(None, "全国", by_place.get(None))
    chosen = request.GET.get("province", "")
    province = None
    if len(chosen) == 6 and chosen.isdigit():
        province = Region.objects.filter(code=chosen, level=Region.Level.PROVINCE).first()
    provinces = Region.objects.filter(level=Region.Level.PROVINCE, pk__in=[k for k in by_place if k]).order_by("code")
    rows = [national]
    for region in provinces:
        if province is None or region == province:
            rows.append(ComparedPlace(region, "省级", by_place.get(region.pk), national))
    if province is not None:
        if all(row.region != province for row in rows):
            rows.append(ComparedPlace(province, "省级", None, national))
        above = rows[-1]
        cities = Region.objects.filter(parent=province, pk__in=[k for k in by_place if k]).order_by("code")
        rows += [ComparedPlace(city, "市级", by_place.get(city.pk), above) for city in cities]
    return render(
        request,
        "ledger/compare.html",
        {
            "indicator": indicator,
            "year": year,
            "rows": rows,
            "province": province,
            "provinces": Region.objects.filter(level=Region.Level.PROVINCE).order_by("code"),
        },
    )


def ledger_csv(request):
    """The ledger rows the API lists for these parameters, every one of them, as CSV."""
    head, write = _csv_writer(LEDGER_COLUMNS)
    rows = LedgerFilter(request.GET, queryset=LedgerEntry.objects.for_listing().by_year()).qs

    def render_batch(batch: list[LedgerEntry]) -> str:
        return write([[_cell(value) for value in ledger_csv_row(entry)] for entry in batch])

    return _streaming(_batches(rows), render_batch, "text/csv; charset=utf-8", "ledger.csv", head)
