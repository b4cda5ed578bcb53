"""How money, rates and times are written for people: the templates' filters and the audit
trail's history pages show values through these (one format for each, wherever it appears)."""

from datetime import datetime
from decimal import Decimal

from portal.domain.beijing import to_local

WAN = Decimal(10000)
CENT = Decimal("0.01")


def money(value: Decimal | None) -> str:
    """Yuan with thousands separators and two decimals; a dash for no value."""
    return "—" if value is None else f"{value:,.2f}"


def wan(value: Decimal | None) -> str:
    """Yuan shown in 万元 (ten thousands) with two decimals, as the forms ask."""
    return "—" if value is None else f"{(value / WAN).quantize(CENT):,.2f}"


def commission(rate: Decimal | None) -> str:
    """A commission rate fraction shown the way the branch says it: 万分之2.5."""
    if rate is None:
        return "—"
    return f"万分之{(rate * WAN).normalize():f}"


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored naive-UTC timestamp shown in China Standard Time."""
    if value is None:
        return ""
    return to_local(value).strftime(fmt)
