"""Pure rules of the quarterly report (Art. 55): how a client's class moved in a quarter.

A move to a higher asset band (e.g. D → A) is 升档, to a lower one 降档; a move within the
band (A ↔ B: the turnover rate crossed the threshold) is 周转变化. A client with no class at
the quarter's start (new, or not yet classified) that has one at its end is 新分类.
"""

from typing import Literal

from portal.domain.classification import BANDS

Movement = Literal["up", "down", "turnover", "new", "lost"]

MOVEMENTS: dict[str, str] = {
    "up": "资产档次上升（升档）",
    "down": "资产档次下降（降档）",
    "turnover": "同档周转率变化",
    "new": "新分类客户",
    "lost": "失去分类",
}

BAND_OF: dict[str, int] = {code: index for index, band in enumerate(BANDS) for code in band[2:]}
"""Class code → its asset band's index, 0 the highest (500万以上)."""


def movement(before: str | None, after: str | None) -> Movement | None:
    """How a client's class moved from ``before`` (at the quarter's start) to ``after`` (at
    its end); None when it did not."""
    if before == after:
        return None
    if before is None:
        return "new"
    if after is None:
        return "lost"
    if BAND_OF[after] < BAND_OF[before]:
        return "up"
    if BAND_OF[after] > BAND_OF[before]:
        return "down"
    return "turnover"
