"""Basic client classification by assets and turnover rate (Part 1, Art. 4–6; SPEC §2).

Every asset band includes its lower bound and excludes its upper bound; turnover
is *high* when it is at or above the threshold. Money is ``Decimal`` yuan, never
float.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from typing import NamedTuple

DEFAULT_THRESHOLD = Decimal("3")
"""Art. 6: 资产周转率假设值为3（仅作参考）."""

HIGH = "高周转"
LOW = "低周转"
ANY = "不限"


class Band(NamedTuple):
    """One asset band: lower bound in yuan (inclusive), label, low/high-turnover class."""

    floor: Decimal
    label: str
    low: str
    high: str


BANDS: tuple[Band, ...] = (
    Band(Decimal("5000000"), "500万以上", "A+", "B+"),
    Band(Decimal("1000000"), "100万-500万", "A", "B"),
    # Art. 6 table: in these two bands C/C- are the HIGH-turnover classes.
    Band(Decimal("500000"), "50万-100万", "D", "C"),
    Band(Decimal("100000"), "10万-50万", "D-", "C-"),
    Band(Decimal("10000"), "1万-10万", "E", "F"),
    Band(Decimal("0"), "1万以下", "G", "G"),
)
"""Asset bands from the highest down; the lowest band's floor is 0 (G also takes negatives)."""

ASSET_BAND_FLOORS: tuple[Decimal, ...] = tuple(band.floor for band in reversed(BANDS))
"""Band lower bounds in yuan, ascending: 0, 10000, 100000, 500000, 1000000, 5000000."""

CLASSES: tuple[str, ...] = ("A+", "B+", "A", "B", "C", "D", "C-", "D-", "E", "F", "G")
"""The eleven classes in the document's order."""


def _class_info() -> dict[str, tuple[str, str]]:
    info: dict[str, tuple[str, str]] = {}
    for band in BANDS:
        if band.low == band.high:
            info[band.low] = (band.label, ANY)
        else:
            info[band.low] = (band.label, LOW)
            info[band.high] = (band.label, HIGH)
    return {code: info[code] for code in CLASSES}


CLASS_INFO: dict[str, tuple[str, str]] = _class_info()
"""Class code → (asset band label, turnover label 低周转/高周转/不限)."""


def _money(value: Decimal | int, name: str) -> Decimal:
    """Return ``value`` as a finite Decimal; floats (and bools) are refused."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be Decimal or int, not {type(value).__name__}")
    result = Decimal(value)
    if not result.is_finite():
        raise ValueError(f"{name} must be a finite number")
    return result


DEFAULT_FLOORS: tuple[Decimal, ...] = ASSET_BAND_FLOORS[1:]
"""The five adjustable lower bounds, ascending (1万, 10万, 50万, 100万, 500万); the lowest
band always starts at 0."""

FLOOR_LIMIT = Decimal("1e12")


def wan_label(amount: Decimal) -> str:
    """An amount in yuan as the policy's table writes it: ``15000`` → ``1.5万``."""
    return f"{(amount / 10000).normalize():f}万"


def check_floors(floors) -> tuple[Decimal, ...]:
    """A branch's own asset bands (Art. 3, 12): five lower bounds in yuan, each above the one
    before; ValueError in Chinese otherwise."""
    values = tuple(floors)
    if len(values) != len(DEFAULT_FLOORS):
        raise ValueError(f"资产分档须有{len(DEFAULT_FLOORS)}个下限")
    checked = []
    for value in values:
        amount = _money(value, "floor")
        if amount <= 0 or amount >= FLOOR_LIMIT or amount != amount.quantize(Decimal("0.01")):
            raise ValueError("各档下限须为正数（元，最多两位小数）")
        checked.append(amount.quantize(Decimal("0.01")))
    if any(low >= high for low, high in pairwise(checked)):
        raise ValueError("各档下限须从低到高逐档递增")
    return tuple(checked)


def bands_from_floors(floors) -> tuple[Band, ...]:
    """:data:`BANDS` with its five lower bounds set to ``floors`` (ascending, in yuan): the
    same classes, band by band, with labels that say the new bounds."""
    floors = check_floors(floors)
    bounds = sorted(floors, reverse=True)
    bands = []
    for index, band in enumerate(BANDS[:-1]):
        floor = bounds[index]
        label = (
            f"{wan_label(floor)}以上"
            if index == 0
            else f"{wan_label(floor)}-{wan_label(bounds[index - 1])}"
        )
        bands.append(Band(floor, label, band.low, band.high))
    lowest = BANDS[-1]
    bands.append(Band(Decimal(0), f"{wan_label(bounds[-1])}以下", lowest.low, lowest.high))
    return tuple(bands)


def classify(
    assets: Decimal | int,
    turnover: Decimal | int,
    threshold: Decimal | int = DEFAULT_THRESHOLD,
    bands: tuple[Band, ...] = BANDS,
) -> str:
    """Return the client class (A+ … G) for total ``assets`` (yuan) and ``turnover`` rate,
    under ``bands`` (the policy's, or a branch's own approved ones: :func:`bands_from_floors`)."""
    assets = _money(assets, "assets")
    high = _money(turnover, "turnover") >= _money(threshold, "threshold")
    for band in bands:
        if assets >= band.floor:
            return band.high if high else band.low
    return "G"


def describe(code: str) -> str:
    """Chinese description of a class, e.g. ``资产500万以上，周转率低``."""
    band, turnover = CLASS_INFO[code]
    rate = {HIGH: "高", LOW: "低", ANY: "不限"}[turnover]
    return f"资产{band}，周转率{rate}"


def turnover_rate(traded_amount: Decimal | int, average_assets: Decimal | int) -> Decimal:
    """Traded amount (buy + sell) ÷ average total assets, to 4 places; 0 without assets."""
    traded = _money(traded_amount, "traded_amount")
    average = _money(average_assets, "average_assets")
    if average <= 0:
        return Decimal("0.0000")
    return (traded / average).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def suggested_threshold(yearly_turnovers: list[Decimal]) -> Decimal | None:
    """Art. 6: mean of the previous three years' company-wide average turnover.

    ``yearly_turnovers`` is ordered oldest first; the last three are used. Returns
    ``None`` when fewer than three years are known. Rounded to 0.01.
    """
    if len(yearly_turnovers) < 3:
        return None
    last = [_money(value, "yearly turnover") for value in yearly_turnovers[-3:]]
    return (sum(last, Decimal(0)) / 3).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
