"""Care of clients (Art. 50.9 关注客户生日, 50.10 客户转销户): whose birthday comes in the next
days, and which clients are at risk of leaving and why. Pure rules, no Flask or database; the
service (:mod:`portal.services.care`) applies the same rules in SQL and tests check the two agree.

Birthdays
    A birthday is kept on the client as its month-day number ``MMDD`` (``month * 100 + day``,
    :func:`month_day`), indexed with the manager and the branch, so that "the next seven days" is
    one indexed ``IN`` over at most eight month-days, whatever the year of birth, across month
    and year ends. **29 February** is celebrated on **28 February** in a year without it (the
    last day of the client's birth month — the same rule as the SMS due dates' "the month's
    last day where that day does not exist"): in a common year the window that holds 28 Feb also
    asks for ``229``.

Risk of leaving (客户流失风险), over the monthly figures up to the *reference month* ``M`` (the
latest month whose figures are loaded for the clients in view):

- ``assets``: 月末总资产 of ``M`` is half or less of 月末总资产 three months earlier (``M − 3``).
  Month-end assets, not the month's daily average: money moved out shows at once in the
  month-end figure, while the average of the month it left still holds half of it. Both months
  must be known and the earlier one above zero; exactly half counts ("下降一半及以上").
- ``no_trade``: no 成交金额 in the six months ``M − 5 … M`` (a month without figures counts as
  none), for a client whose account was opened before the first of those months — a client
  opened within them has not had six months to trade.
- ``close_request``: a 转销户 request is recorded for the client.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Final

BIRTHDAY_DAYS: Final = 7
"""Birthdays from today to the sixth day after it (today inclusive)."""

ASSET_MONTHS: Final = 3
"""Assets are compared with those of the month this many months before the reference month."""

NO_TRADE_MONTHS: Final = 6
"""No trade in this many monthly figures, the reference month included."""

REASONS: Final[dict[str, str]] = {
    "assets": "资产三个月下降过半",
    "no_trade": "六个月无交易",
    "close_request": "申请转销户",
}
"""Why a client is at risk of leaving: code → label."""

OUTCOMES: Final[dict[str, str]] = {
    "following": "继续跟进",
    "retained": "挽留成功",
    "lost": "挽留未果",
}
"""Outcome of a retention (挽留) record: code → label."""


def is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def month_day(day: date | None) -> int | None:
    """A birthday's ``MMDD`` number (0229 for 29 February), or None."""
    return None if day is None else day.month * 100 + day.day


def birthday_in(birthday: date, year: int) -> date:
    """The day a birthday is celebrated in ``year`` (29 February → 28 February in a common
    year)."""
    if birthday.month == 2 and birthday.day == 29 and not is_leap(year):
        return date(year, 2, 28)
    return date(year, birthday.month, birthday.day)


def next_birthday(birthday: date, today: date) -> date:
    """The first day on or after ``today`` on which the birthday is celebrated."""
    this_year = birthday_in(birthday, today.year)
    return this_year if this_year >= today else birthday_in(birthday, today.year + 1)


def window_days(today: date, days: int = BIRTHDAY_DAYS) -> list[date]:
    return [today + timedelta(days=n) for n in range(days)]


def window_month_days(today: date, days: int = BIRTHDAY_DAYS) -> list[int]:
    """The ``MMDD`` numbers of the birthdays celebrated from ``today`` for ``days`` days: each
    day's own, and 0229 with 28 February of a common year."""
    keys = []
    for day in window_days(today, days):
        keys.append(month_day(day))
        if day.month == 2 and day.day == 28 and not is_leap(day.year):
            keys.append(229)
    return keys


def is_birthday_soon(birthday: date | None, today: date, days: int = BIRTHDAY_DAYS) -> bool:
    """Whether the birthday is celebrated within the window (the rule the query follows)."""
    return birthday is not None and next_birthday(birthday, today) < today + timedelta(days=days)


def age_on(birthday: date, day: date) -> int:
    """Age in full years on ``day`` (a 29 February birthday counts from 28 February in a
    common year, as it is celebrated)."""
    return day.year - birthday.year - (day < birthday_in(birthday, day.year))


def add_months(month: date, n: int) -> date:
    """The first day of the month ``n`` months after (before, if negative) ``month``'s."""
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Window:
    """The months the churn rules read, from the reference month ``month``."""

    month: date

    @property
    def earlier(self) -> date:
        """The month whose 月末总资产 the reference month's is compared with."""
        return add_months(self.month, -ASSET_MONTHS)

    @property
    def first_trade_month(self) -> date:
        """The first of the six months without trade."""
        return add_months(self.month, -(NO_TRADE_MONTHS - 1))


def assets_halved(latest: Decimal | None, earlier: Decimal | None) -> bool:
    """月末总资产 down by half or more: ``latest <= earlier / 2`` (both known, earlier > 0)."""
    if latest is None or earlier is None or earlier <= 0:
        return False
    return latest * 2 <= earlier


def no_trade(traded: Sequence[Decimal | None], opened_on: date, window: Window) -> bool:
    """No trade in the window's six months: ``traded`` holds the 成交金额 of the months of the
    window that have figures (absent months count as none); only for an account opened before
    the window's first month."""
    if opened_on >= window.first_trade_month:
        return False
    return not any(amount is not None and amount > 0 for amount in traded)


def reasons(
    latest: Decimal | None,
    earlier: Decimal | None,
    traded: Sequence[Decimal | None],
    opened_on: date,
    window: Window,
    close_requested: bool,
) -> list[str]:
    """The codes of :data:`REASONS` that hold for a client (empty: not at risk)."""
    found = []
    if assets_halved(latest, earlier):
        found.append("assets")
    if no_trade(traded, opened_on, window):
        found.append("no_trade")
    if close_requested:
        found.append("close_request")
    return found


def drop_share(latest: Decimal | None, earlier: Decimal | None) -> Decimal | None:
    """How much of the earlier assets is gone, as a share (0.62 = 下降 62%), or None."""
    if latest is None or earlier is None or earlier <= 0:
        return None
    return (earlier - latest) / earlier
