"""Suitability: which products a client's risk level allows (Art. 8.5, 48, 49; SPEC §4).

Art. 8.5 lists, per level, what may be offered (服务内容):

| level | may be offered |
|---|---|
| 高 (46–60) | 股票、高中低风险等级基金、债券、权证、创业板、融资融券、股指期货及其它金融衍生产品 |
| 中 (36–45) | 股票、高中低风险等级基金、债券 |
| 低 (19–35) | 股票、中低风险等级基金、债券 |
| 极低 (≤18) | 低风险等级基金、债券 |

so each product category needs a minimum level. Art. 49: before serving 权证、
融资融券、创业板 the client must also have signed the risk disclosure (风险揭示书 /
风险提示文件) for it. Art. 49 names only these three (its "等" lists no more), so
股指期货及其它金融衍生产品 needs level 高 but no disclosure here. The disclosure
names are the seed's where it gives them (Art. 29.5: 权证风险揭示书,
创业板市场投资风险揭示书).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from portal.domain.supplementary import RISK_LEVELS

NOT_ASSESSED = "客户尚未完成风险承受能力评估，请先评估"


@dataclass(frozen=True)
class Product:
    """A product category: code, the policy's label, minimum level, disclosure needed."""

    code: str
    label: str
    min_level: str
    disclosure: str | None = None
    """Code in :data:`DISCLOSURE_TYPES` of the signed 风险揭示书 needed, if any."""
    fund_types: tuple[str, ...] = ()
    """For fund categories, the fund types of that risk grade (Art. 8.5, "一般有…等")."""


@dataclass(frozen=True)
class Verdict:
    """Whether a product may be offered; ``reasons`` says why not, in Chinese."""

    allowed: bool
    reasons: list[str] = field(default_factory=list)


DISCLOSURE_TYPES: dict[str, str] = {
    "trading": "证券交易风险提示书",
    "warrant": "权证风险揭示书",
    "margin": "融资融券交易风险揭示书",
    "chinext": "创业板市场投资风险揭示书",
}
"""Risk disclosures a client signs, code → label: the general one when the account is opened
(Art. 48, :data:`AT_OPENING`), those of the high-risk products before trading them (Art. 49)."""

AT_OPENING = "trading"
"""Art. 48: the 证券交易风险提示书 is signed with the brokerage agreement, at opening."""

# Art. 8.5: fund types of each risk grade.
FUND_RISK_GRADES: dict[str, tuple[str, ...]] = {
    "高": (
        "标准股票型基金",
        "普通股票型基金",
        "标准指数型基金",
        "增强指数型基金",
        "偏股型基金",
        "股债平衡型基金",
        "灵活配置型基金",
    ),
    "中": ("偏债型基金", "标准债券型基金", "普通债券型基金"),
    "低": ("中短债型基金", "保本型基金", "货币型基金"),
}

PRODUCTS: dict[str, Product] = {
    product.code: product
    for product in (
        Product("stock", "股票", "低"),
        Product("fund_high", "高风险等级基金", "中", fund_types=FUND_RISK_GRADES["高"]),
        Product("fund_mid", "中风险等级基金", "低", fund_types=FUND_RISK_GRADES["中"]),
        Product("fund_low", "低风险等级基金", "极低", fund_types=FUND_RISK_GRADES["低"]),
        Product("bond", "债券", "极低"),
        Product("warrant", "权证", "高", disclosure="warrant"),
        Product("chinext", "创业板", "高", disclosure="chinext"),
        Product("margin", "融资融券", "高", disclosure="margin"),
        Product("futures", "股指期货及其它金融衍生产品", "高"),
    )
}
"""Product categories in Art. 8.5's order, code → :class:`Product`."""


def _rank(level: str) -> int:
    try:
        return RISK_LEVELS.index(level)
    except ValueError:
        raise ValueError(f"未知的风险承受能力等级：{level!r}") from None


def _product(code: str) -> Product:
    try:
        return PRODUCTS[code]
    except KeyError:
        raise ValueError(f"未知的产品类别：{code!r}") from None


def level_allows(level: str, product_code: str) -> bool:
    """Whether ``level`` is at least the product's minimum level (disclosures aside)."""
    return _rank(level) >= _rank(_product(product_code).min_level)


def allowed_products(level: str | None) -> list[Product]:
    """Products that ``level`` may be offered (Art. 8.5), in order; none if not assessed."""
    if not level:
        return []
    rank = _rank(level)
    return [product for product in PRODUCTS.values() if rank >= _rank(product.min_level)]


def check(product_code: str, level: str | None, disclosures: Iterable[str] = ()) -> Verdict:
    """May a client with risk ``level`` (None: not assessed) be offered the product?

    ``disclosures`` are the codes of the risk disclosures the client has signed. Every
    reason that stands in the way is given. Unknown product codes or levels raise
    ``ValueError``.
    """
    product = _product(product_code)
    signed = set(disclosures)
    reasons = []
    if not level:
        reasons.append(NOT_ASSESSED)
    elif _rank(level) < _rank(product.min_level):
        needed = f"「{product.min_level}」"
        if product.min_level != RISK_LEVELS[-1]:
            needed += "及以上"
        reasons.append(
            f"客户风险承受能力为「{level}」，不适合推荐「{product.label}」（需{needed}）"
        )
    if product.disclosure and product.disclosure not in signed:
        reasons.append(f"客户尚未签署「{product.label}」风险揭示书")
    return Verdict(not reasons, reasons)
