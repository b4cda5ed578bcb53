"""Geometry of the classification chart (SPEC §2): clients by total assets (log scale, x) against
turnover rate (y), with the asset-band lines and the turnover threshold drawn so that the eleven
classes appear as regions. Pure: the page's SVG template only draws what this module computes.

Positions are floats (screen coordinates), and so are the amounts they are drawn from (a
picture needs no exact fen; the counts come from the stored classes, not from the drawing).
Assets below the axis' floor (including zero and negatives) are drawn at its left edge,
above its ceiling at the right edge; a turnover above the axis' top is drawn at the top edge.
A small book is drawn as one dot per client, coloured by its stored class; a large one as a
density grid (the SVG stays small at 100,000 clients).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from portal.domain.classification import BANDS

WIDTH, HEIGHT = 760, 420
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 56, 16, 16, 44

X_FLOOR = Decimal(1000)  # 0.1万
X_CEILING = Decimal(100_000_000)  # 1亿
DOT_LIMIT = 3000
"""Up to this many clients each is a dot; beyond it the chart shows a density grid."""
GRID_COLUMNS, GRID_ROWS = 95, 48

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
    """A client on the chart (any row with these three attributes will do)."""

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
    y_max: Decimal
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


def turnover_top(turnovers: Sequence[float], threshold: Decimal) -> Decimal:
    """The y axis' top: a round number above 2.5× the threshold and the 95th percentile of the
    turnovers (the few above it are drawn at the top edge)."""
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
    y_max = turnover_top(turnovers, max([threshold, *(v for _, v in other_thresholds)]))
    chart = Chart(
        width=WIDTH,
        height=HEIGHT,
        left=MARGIN_LEFT,
        top=MARGIN_TOP,
        right=WIDTH - MARGIN_RIGHT,
        bottom=HEIGHT - MARGIN_BOTTOM,
        y_max=y_max,
    )
    if counts is None:
        counts = Counter(p.class_code for p in points if p.class_code)
    _axes(chart)
    _bands_and_regions(chart, threshold, counts)
    for label, value in other_thresholds:
        y = _y(chart, value)
        chart.threshold_lines.append(
            Line(chart.left, y, chart.right, y, f"{label} {value}", dashed=True)
        )
    x_of, y_of = _x_scale(chart), _y_scale(chart)
    if len(points) <= DOT_LIMIT:
        chart.dots = [
            Dot(
                round(x_of(float(p.assets)), 1),
                round(y_of(t), 1),
                CLASS_COLOURS.get(p.class_code or "", "#444"),
            )
            for p, t in zip(points, turnovers, strict=True)
        ]
    else:
        chart.cells = _density(chart, [float(p.assets) for p in points], turnovers)
    chart.plotted = len(points)
    return chart


def _x_scale(chart: Chart):
    """assets (yuan) → x, log scale, clamped to the axis."""
    floor, ceiling = float(X_FLOOR), float(X_CEILING)
    low = math.log10(floor)
    factor = chart.plot_width / (math.log10(ceiling) - low)
    left, log10 = chart.left, math.log10

    def x_of(assets: float) -> float:
        clamped = floor if assets < floor else ceiling if assets > ceiling else assets
        return left + (log10(clamped) - low) * factor

    return x_of


def _y_scale(chart: Chart):
    """turnover → y, linear, clamped to the axis."""
    top, bottom = float(chart.y_max), chart.bottom
    factor = chart.plot_height / top

    def y_of(turnover: float) -> float:
        clamped = 0.0 if turnover < 0 else top if turnover > top else turnover
        return bottom - clamped * factor

    return y_of


def _x(chart: Chart, assets: Decimal) -> float:
    return _x_scale(chart)(float(assets))


def _y(chart: Chart, turnover: Decimal) -> float:
    return _y_scale(chart)(float(turnover))


def _axes(chart: Chart) -> None:
    exponent = 3
    while Decimal(10) ** exponent <= X_CEILING:
        amount = Decimal(10) ** exponent
        chart.x_ticks.append(Tick(_x(chart, amount), wan_label(amount)))
        exponent += 1
    steps = 5
    for k in range(steps + 1):
        value = chart.y_max * k / steps
        chart.y_ticks.append(Tick(_y(chart, value), f"{value.normalize():f}"))


def _bands_and_regions(chart: Chart, threshold: Decimal, counts: dict[str, int]) -> None:
    """A vertical line at each band's floor; per band a low region (below the threshold) and a
    high one (above), or one region for a band whose two classes are the same (G)."""
    y_threshold = _y(chart, threshold)
    ceiling_x = chart.right
    for band in BANDS:  # highest first
        floor_x = chart.left if band.floor <= X_FLOOR else _x(chart, band.floor)
        if band.floor > X_FLOOR:
            chart.band_lines.append(
                Line(floor_x, chart.top, floor_x, chart.bottom, wan_label(band.floor))
            )
        width = ceiling_x - floor_x
        if band.low == band.high:
            chart.regions.append(
                Region(
                    band.low, floor_x, chart.top, width, chart.plot_height, counts.get(band.low, 0)
                )
            )
        else:
            chart.regions.append(
                Region(
                    band.high,
                    floor_x,
                    chart.top,
                    width,
                    y_threshold - chart.top,
                    counts.get(band.high, 0),
                )
            )
            chart.regions.append(
                Region(
                    band.low,
                    floor_x,
                    y_threshold,
                    width,
                    chart.bottom - y_threshold,
                    counts.get(band.low, 0),
                )
            )
        ceiling_x = floor_x
    chart.threshold_lines.append(
        Line(chart.left, y_threshold, chart.right, y_threshold, f"周转率阈值 {threshold}")
    )


def _density(chart: Chart, assets: list[float], turnovers: list[float]) -> list[Cell]:
    cell_w = chart.plot_width / GRID_COLUMNS
    cell_h = chart.plot_height / GRID_ROWS
    x_of, y_of = _x_scale(chart), _y_scale(chart)
    left, bottom = chart.left, chart.bottom
    last_column, last_row = GRID_COLUMNS - 1, GRID_ROWS - 1
    grid: Counter[tuple[int, int]] = Counter()
    for a, t in zip(assets, turnovers, strict=True):
        column = min(int((x_of(a) - left) / cell_w), last_column)
        row = min(int((bottom - y_of(t)) / cell_h), last_row)
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
