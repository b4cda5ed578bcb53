"""Geometry of the classification chart (SPEC §2, Art. 4: 横轴 资产周转率, 纵轴 资产量):
clients by turnover rate (x) against total assets (log scale, y), with the asset-band lines and
the turnover threshold drawn so that the eleven classes appear as regions. Pure: the page's SVG
template only draws what this module computes.

Positions are floats (screen coordinates), and so are the amounts they are drawn from (a
picture needs no exact fen; the counts come from the stored classes, not from the drawing).
Assets below the axis' floor (including zero and negatives) are drawn at its bottom edge,
above its ceiling at the top edge; a turnover beyond the axis' end is drawn at the right edge.
A small book is drawn as one dot per client, coloured by its stored class; a large one as a
density grid (the SVG stays small at 100,000 clients).

The drawing is about as wide in user units as the page shows it on a 1366 px screen, so that
the template's font sizes are about the pixels they are read at; every label stays inside the
margins (the axis' ``1亿`` included).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from portal.domain.classification import BANDS

WIDTH, HEIGHT = 600, 480
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 70, 52, 30, 52
"""Room for the tick labels and axis titles (left, bottom), the band labels (right) and the
threshold's label (top), at the template's 13-unit font."""

ASSETS_FLOOR = Decimal(1000)  # 0.1万
ASSETS_CEILING = Decimal(100_000_000)  # 1亿
DOT_LIMIT = 3000
"""Up to this many clients each is a dot; beyond it the chart shows a density grid."""
GRID_COLUMNS, GRID_ROWS = 60, 50

CLASS_COLOURS: dict[str, str] = {
    "A+": "#08519c",
    "B+": "#a50f15",
    "A": "#3182bd",
    "B": "#de2d26",
    "C": "#fb6a4a",
    "D": "#6baed6",
    "C-": "#fc9272",
    "D-": "#9ecae1",
    "E": "#74c476",
    "F": "#fd8d3c",
    "G": "#969696",
}
"""A colour per class: blues for the low-turnover classes, reds for the high ones, G grey."""


class Point(NamedTuple):
    """A client on the chart (any row with these three attributes will do): ``turnover`` is
    drawn along x, ``assets`` along y."""

    assets: float | Decimal | None
    turnover: float | Decimal | None
    class_code: str | None


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    label: str
    dashed: bool = False


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class Region:
    code: str
    x: float
    y: float
    width: float
    height: float
    count: int

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.width / 2, self.y + self.height / 2


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    colour: str


@dataclass(frozen=True)
class Cell:
    x: float
    y: float
    width: float
    height: float
    count: int
    opacity: float


@dataclass
class Chart:
    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    x_max: Decimal
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    band_lines: list[Line] = field(default_factory=list)
    threshold_lines: list[Line] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)
    dots: list[Dot] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)
    plotted: int = 0

    @property
    def plot_width(self) -> float:
        return self.right - self.left

    @property
    def plot_height(self) -> float:
        return self.bottom - self.top


def wan_label(yuan: Decimal) -> str:
    """An axis label in the policy's units: 1000 → 0.1万, 5,000,000 → 500万, 1e8 → 1亿."""
    if yuan >= Decimal(100_000_000):
        return f"{(yuan / Decimal(100_000_000)).normalize():f}亿"
    return f"{(yuan / Decimal(10000)).normalize():f}万"


def nice_ceiling(value: Decimal) -> Decimal:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ that is ≥ ``value`` (for the y axis' top)."""
    if value <= 0:
        return Decimal(1)
    exponent = math.floor(math.log10(value))
    for step in (1, 2, Decimal("2.5"), 5, 10):
        candidate = Decimal(step) * Decimal(10) ** exponent
        if candidate >= value:
            return candidate
    return Decimal(10) ** (exponent + 1)  # pragma: no cover — 10 always qualifies


def turnover_end(turnovers: Sequence[float], threshold: Decimal) -> Decimal:
    """The x axis' end: a round number above 2.5× the threshold and the 95th percentile of the
    turnovers (the few above it are drawn at the right edge)."""
    ordered = sorted(turnovers)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] if ordered else 0.0
    return nice_ceiling(max(threshold * Decimal("2.5"), Decimal(str(round(p95, 4)))))


def build(
    points: Iterable[Point],
    threshold: Decimal,
    other_thresholds: Sequence[tuple[str, Decimal]] = (),
    counts: dict[str, int] | None = None,
) -> Chart:
    """The chart of ``points`` with the regions split at ``threshold`` (the one in force for
    the book shown); ``other_thresholds`` (label, value) are drawn dashed (e.g. a branch's own
    approved threshold when HQ looks at every branch). ``counts`` labels each region with its
    class count (default: the points' stored classes). Clients without figures are not drawn.
    """
    points = [p for p in points if p.assets is not None]
    turnovers = [float(p.turnover or 0) for p in points]
    x_max = turnover_end(turnovers, max([threshold, *(v for _, v in other_thresholds)]))
    chart = Chart(
        width=WIDTH,
        height=HEIGHT,
        left=MARGIN_LEFT,
        top=MARGIN_TOP,
        right=WIDTH - MARGIN_RIGHT,
        bottom=HEIGHT - MARGIN_BOTTOM,
        x_max=x_max,
    )
    if counts is None:
        counts = Counter(p.class_code for p in points if p.class_code)
    _axes(chart)
    _bands_and_regions(chart, threshold, counts)
    for label, value in other_thresholds:
        x = _x(chart, value)
        chart.threshold_lines.append(
            Line(x, chart.top, x, chart.bottom, f"{label} {value}", dashed=True)
        )
    x_of, y_of = _x_scale(chart), _y_scale(chart)
    if len(points) <= DOT_LIMIT:
        chart.dots = [
            Dot(
                round(x_of(t), 1),
                round(y_of(float(p.assets)), 1),
                CLASS_COLOURS.get(p.class_code or "", "#444"),
            )
            for p, t in zip(points, turnovers, strict=True)
        ]
    else:
        chart.cells = _density(chart, turnovers, [float(p.assets) for p in points])
    chart.plotted = len(points)
    return chart


def _x_scale(chart: Chart):
    """turnover → x, linear, clamped to the axis."""
    end, left = float(chart.x_max), chart.left
    factor = chart.plot_width / end

    def x_of(turnover: float) -> float:
        clamped = 0.0 if turnover < 0 else end if turnover > end else turnover
        return left + clamped * factor

    return x_of


def _y_scale(chart: Chart):
    """assets (yuan) → y, log scale (upwards), clamped to the axis."""
    floor, ceiling = float(ASSETS_FLOOR), float(ASSETS_CEILING)
    low = math.log10(floor)
    factor = chart.plot_height / (math.log10(ceiling) - low)
    bottom, log10 = chart.bottom, math.log10

    def y_of(assets: float) -> float:
        clamped = floor if assets < floor else ceiling if assets > ceiling else assets
        return bottom - (log10(clamped) - low) * factor

    return y_of


def _x(chart: Chart, turnover: Decimal) -> float:
    return _x_scale(chart)(float(turnover))


def _y(chart: Chart, assets: Decimal) -> float:
    return _y_scale(chart)(float(assets))


def _axes(chart: Chart) -> None:
    steps = 5
    for k in range(steps + 1):
        value = chart.x_max * k / steps
        chart.x_ticks.append(Tick(_x(chart, value), f"{value.normalize():f}"))
    exponent = 3
    while Decimal(10) ** exponent <= ASSETS_CEILING:
        amount = Decimal(10) ** exponent
        chart.y_ticks.append(Tick(_y(chart, amount), wan_label(amount)))
        exponent += 1


def _bands_and_regions(chart: Chart, threshold: Decimal, counts: dict[str, int]) -> None:
    """A horizontal line at each band's floor; per band a low region (left of the threshold)
    and a high one (right of it), or one region for a band whose two classes are the same (G)."""
    x_threshold = _x(chart, threshold)
    ceiling_y = chart.top
    for band in BANDS:  # highest first
        floor_y = chart.bottom if band.floor <= ASSETS_FLOOR else _y(chart, band.floor)
        if band.floor > ASSETS_FLOOR:
            chart.band_lines.append(
                Line(chart.left, floor_y, chart.right, floor_y, wan_label(band.floor))
            )
        height = floor_y - ceiling_y
        if band.low == band.high:
            regions = [(band.low, chart.left, chart.right)]
        else:
            regions = [(band.low, chart.left, x_threshold), (band.high, x_threshold, chart.right)]
        chart.regions += [
            Region(code, x1, ceiling_y, x2 - x1, height, counts.get(code, 0))
            for code, x1, x2 in regions
        ]
        ceiling_y = floor_y
    chart.threshold_lines.append(
        Line(x_threshold, chart.top, x_threshold, chart.bottom, f"周转率阈值 {threshold}")
    )


def _density(chart: Chart, turnovers: list[float], assets: list[float]) -> list[Cell]:
    cell_w = chart.plot_width / GRID_COLUMNS
    cell_h = chart.plot_height / GRID_ROWS
    x_of, y_of = _x_scale(chart), _y_scale(chart)
    left, bottom = chart.left, chart.bottom
    last_column, last_row = GRID_COLUMNS - 1, GRID_ROWS - 1
    grid: Counter[tuple[int, int]] = Counter()
    for t, a in zip(turnovers, assets, strict=True):
        column = min(int((x_of(t) - left) / cell_w), last_column)
        row = min(int((bottom - y_of(a)) / cell_h), last_row)
        grid[column, row] += 1
    top = max(grid.values(), default=1)
    return [
        Cell(
            round(left + column * cell_w, 1),
            round(bottom - (row + 1) * cell_h, 1),
            round(cell_w, 1),
            round(cell_h, 1),
            count,
            round(0.15 + 0.85 * math.log1p(count) / math.log1p(top), 3),
        )
        for (column, row), count in sorted(grid.items())
    ]
