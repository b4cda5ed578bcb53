"""Rules of the printed archive forms (附件3 客户服务档案表, 附件4 客户分类汇总表; SPEC §6, §7, §9).

Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from portal.domain.supplementary import DIMENSIONS

T = TypeVar("T")

WAN = Decimal(10000)
CENT = Decimal("0.01")

OTHER_INITIAL = "#"
"""The group of names that start with neither a Chinese surname nor a Latin letter (SPEC §7)."""

INITIALS: tuple[str, ...] = (*"ABCDEFGHIJKLMNOPQRSTUVWXYZ", OTHER_INITIAL)
"""The groups of 附件4 (and 附件7) in their printed order: A to Z, then ``#``."""

ANNEX4_NOTES: tuple[str, ...] = (
    "操作习惯按短线投资者（D类）、波段投资者（B类）、价值投资者（I类）进行分类，仅填写字母代码；",
    "客户价值按黄金客户（G类）、明日之星（S类）、维护型客户（M类）、自由型客户（U类）进行分类，"
    "仅填写字母代码；",
    "投资决策风格按风险规避型（F类）、依赖型（Y类）、独立决策型（L类）和高度自主决策型（Z类）"
    "进行分类，仅填写字母代码；",
    "投资产品偏好按绩优价值股投资者（V类）、成长股投资者（C类）、基金投资者（J类）、"
    "概念题材股投机者（T类）、权证投机者（Q类）、新股认购者（X类）进行分类，仅填写字母代码；",
    "风险承受能力按极低、低、中、高进行分类（采用附件1风险承受力评估调查表的四个等级；"
    "原表所列“一般”“极高”不再使用）；",
    "客户资产和净佣金收入按填表时的时点数填写，单位为万元；当年净佣金收入为本年1月至今"
    "各月净佣金之和。",
)
"""附件4's 填表说明, in the policy's words; item 5 states SPEC §3's decision on the risk levels."""


RELATED_ROWS = 5
"""附件3 has five 相关人物 rows (beside 成长股 … 新股认购); more persons get rows of their own."""


def _annex3_labels() -> dict[str, dict[str, str]]:
    labels = {
        key: {code: c.label for code, c in choices.items()}
        for key, (_, choices) in DIMENSIONS.items()
    }
    # 附件3's own wording where it differs from Art. 9–11 and 附件4.
    labels["decision_style"]["Z"] = "高度自主型"
    labels["product_preference"].update({"J": "基金投资", "Q": "权证投资"})
    return labels


ANNEX3_LABELS: dict[str, dict[str, str]] = _annex3_labels()
"""Dimension key → code → the label printed beside its box on 附件3."""


def to_wan(yuan: Decimal | int | None) -> Decimal | None:
    """Yuan in 万元 to two decimals (half up), as 附件4 asks; ``None`` stays ``None``."""
    if yuan is None:
        return None
    if isinstance(yuan, bool) or not isinstance(yuan, Decimal | int):
        raise TypeError(f"amount must be Decimal or int, not {type(yuan).__name__}")
    return (Decimal(yuan) / WAN).quantize(CENT, rounding=ROUND_HALF_UP)


def initial_rank(initial: str) -> int:
    """Sort key of a surname initial: A … Z, then ``#`` (anything else also goes last)."""
    try:
        return INITIALS.index(initial)
    except ValueError:
        return len(INITIALS) - 1


def group_by_initial(items: Iterable[T], initial: Callable[[T], str]) -> list[tuple[str, list[T]]]:
    """Items grouped by surname initial, groups in :data:`INITIALS` order (A–Z, then ``#``);
    within a group the items keep their given order. Empty groups are left out; an initial
    that is not a capital letter counts as ``#``."""
    groups: dict[str, list[T]] = {}
    for item in items:
        letter = initial(item)
        key = letter if letter in INITIALS else OTHER_INITIAL
        groups.setdefault(key, []).append(item)
    return sorted(groups.items(), key=lambda group: initial_rank(group[0]))
