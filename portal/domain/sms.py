"""SMS to new accounts (policy Art. 34-35): due dates and template placeholders.

Pure rules, no Flask/DB.

- The 开户两周内 message is due by the 14th day after the account was opened.
- The 开户三个月内 message is due by the same day three months later, or that
  month's last day where the day does not exist (SPEC §5: opened 30 Nov ->
  14 Dec and 28 Feb).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

TWO_WEEKS = "two_weeks"
THREE_MONTHS = "three_months"

KIND_LABELS: dict[str, str] = {TWO_WEEKS: "开户两周内", THREE_MONTHS: "开户三个月内"}

# Placeholders a template may use (Art. 34), written {客户} etc. in the text.
PLACEHOLDERS: tuple[str, ...] = ("客户", "营业部", "客户经理", "联系电话", "套餐", "客服电话")

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def add_months(day: date, months: int) -> date:
    """Same day `months` later; the month's last day where that day does not exist."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def due_dates(opened: date) -> tuple[date, date]:
    """Last day for the two-week and the three-month message."""
    return opened + timedelta(days=14), add_months(opened, 3)


@dataclass(frozen=True)
class TemplateError(ValueError):
    unknown: tuple[str, ...]

    def __str__(self) -> str:
        names = "、".join("{" + name + "}" for name in self.unknown)
        allowed = "、".join("{" + name + "}" for name in PLACEHOLDERS)
        return f"模板中有未知的占位符：{names}。可用的占位符：{allowed}"


def unknown_placeholders(text: str) -> tuple[str, ...]:
    seen: list[str] = []
    for name in _PLACEHOLDER.findall(text):
        if name not in PLACEHOLDERS and name not in seen:
            seen.append(name)
    return tuple(seen)


def check_template(text: str) -> None:
    """Raise TemplateError when the text uses a placeholder that is not known."""
    unknown = unknown_placeholders(text)
    if unknown:
        raise TemplateError(unknown)


def render(text: str, values: dict[str, str]) -> str:
    """Fill the placeholders; a missing value renders as an empty string."""
    check_template(text)
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), "") or "", text)
