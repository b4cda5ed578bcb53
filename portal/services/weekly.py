"""The weekly summary (附件5 周工作总结表; Art. 52–55): a manager's week (Monday–Sunday,
Beijing dates) counted and scored from the records, with the plan of last week, and the
branch head's side-by-side view with totals.

Counted (``domain.visits``): the manager's done visits of core clients per kind, and the
新增客户 — accounts opened in the week and assigned to the manager (the client's first
``ClientAssignment``, since its opening date; a converted prospect is one); a client handed
over to them in the week from another manager is listed as 移交 and scores nothing (SPEC §6).
本周计划 is the 下周计划 of the manager's *submitted* summary of the week before (0 where there
is none). Nothing counted is
stored, so a visit logged late still counts in its week.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from portal.domain import visits, workdays
from portal.domain.beijing import china_today, local_date, utc_bounds, utcnow
from portal.extensions import db
from portal.models import Client, ClientAssignment, Contact, User, WeeklySummary
from portal.services import scope
from portal.services.records import clean_text, set_changed, use_case

SUMMARY_TEXT = ("work_news", "client_feedback", "own_suggestions", "summary")
PLAN_FIELDS = {key: f"plan_{key}" for key in visits.WEEKLY_TYPES}
MAX_PLAN = 999


@dataclass
class WeekFigures:
    """One manager's week: counts, points, main contents, last week's plan, the summary."""

    manager: User
    week_start: date
    counts: dict[str, int]
    planned: dict[str, int]
    summary: WeeklySummary | None
    contents: dict[str, list[str]] = field(default_factory=dict)
    # Clients handed over to the manager in the week (移交): listed, scoring nothing.
    handovers: list[str] = field(default_factory=list)

    @property
    def points(self) -> int:
        return visits.weekly_points(self.counts)

    @property
    def planned_points(self) -> int:
        return visits.weekly_points(self.planned)

    def points_of(self, key: str) -> int:
        return visits.POINTS[key] * self.counts.get(key, 0)

    @property
    def plan_rows(self) -> list[visits.PlanRow]:
        next_plan = self.summary.next_plan if self.summary else {}
        return visits.plan_rows(self.planned, self.counts, next_plan)

    @property
    def submitted(self) -> bool:
        return self.summary is not None and self.summary.status == "submitted"

    def editable_by(self, user: User, today: date) -> bool:
        """The manager writes their own summary of a week that has begun, until submitted."""
        return scope.owns(self.manager, user) and self.week_start <= today and not self.submitted

    @property
    def week_end(self) -> date:
        return workdays.week_end(self.week_start)

    @property
    def label(self) -> str:
        return workdays.week_label(self.week_start)


def week_figures(
    managers: list[User], mondays: list[date], with_contents: bool = False
) -> dict[tuple[int, date], WeekFigures]:
    """The weeks of the managers, keyed (manager id, Monday): three queries however many
    managers and weeks (the visits are bucketed by their Beijing date here, which every
    database does alike)."""
    ids = [m.id for m in managers]
    weeks = {
        (m.id, monday): WeekFigures(
            manager=m,
            week_start=monday,
            counts=dict.fromkeys(visits.WEEKLY_TYPES, 0),
            planned=dict.fromkeys(visits.WEEKLY_TYPES, 0),
            summary=None,
            contents={key: [] for key in visits.WEEKLY_TYPES},
        )
        for m in managers
        for monday in mondays
    }
    if not weeks:
        return weeks
    first, last = min(mondays), workdays.week_end(max(mondays))
    start, end = utc_bounds(first, last)
    rows = db.session.execute(
        select(Contact.manager_id, Contact.kind, Contact.occurred_at, Contact.content, Client)
        .join(Client, Client.id == Contact.client_id)
        .where(
            Contact.manager_id.in_(ids),
            Contact.status == "done",
            Contact.kind.in_(visits.VISIT_KINDS),
            Contact.core_client.is_(True),
            Contact.occurred_at >= start,
            Contact.occurred_at < end,
        )
        .order_by(Contact.occurred_at, Contact.id)
    )
    for manager_id, kind, moment, content, client in rows:
        day = local_date(moment)
        week = weeks.get((manager_id, workdays.week_start(day)))
        if week is not None:
            week.counts[kind] += 1
            week.contents[kind].append(
                f"{client.name}（{client.fund_account}）{day.month}/{day.day}：{content}"
            )
    for (manager_id, monday), (client, since, opened) in sorted(
        _new_clients(ids, first, last), key=lambda row: row[1][1]
    ):
        week = weeks.get((manager_id, monday))
        if week is None:
            continue
        line = f"{client.name}（{client.fund_account}）{since.month}/{since.day}"
        if opened:
            week.counts["new_client"] += 1
            week.contents["new_client"].append(line)
        else:
            week.handovers.append(line)
    wanted = set(mondays) | {monday - timedelta(days=7) for monday in mondays}
    summaries = {
        (s.manager_id, s.week_start): s
        for s in db.session.scalars(
            select(WeeklySummary).where(
                WeeklySummary.manager_id.in_(ids), WeeklySummary.week_start.in_(wanted)
            )
        )
    }
    for (manager_id, monday), week in weeks.items():
        week.summary = summaries.get((manager_id, monday))
        last_week = summaries.get((manager_id, monday - timedelta(days=7)))
        if last_week is not None and last_week.status == "submitted":
            week.planned = last_week.next_plan
        if not with_contents:
            week.contents = {}
    return weeks


def _new_clients(manager_ids, first: date, last: date):
    """((manager id, Monday), (client, since, opened)) of each client that became the manager's
    during a week between ``first`` and ``last``: theirs at the week's end and not at its start.
    ``opened`` is True for a 新增客户 — the account's opening assignment (the first of the
    client: a file opened for the manager, a converted prospect included) — and False for a
    client handed over from another manager (移交, which scores nothing; SPEC §6). A client
    handed over and straight back counts for nobody."""
    assigned_in_range = select(ClientAssignment.client_id).where(
        ClientAssignment.manager_id.in_(manager_ids),
        ClientAssignment.since >= first,
        ClientAssignment.since <= last,
    )
    history: dict[int, list[tuple[date, int]]] = {}
    clients: dict[int, Client] = {}
    for since, manager_id, client in db.session.execute(
        select(ClientAssignment.since, ClientAssignment.manager_id, Client)
        .join(Client, Client.id == ClientAssignment.client_id)
        .where(ClientAssignment.client_id.in_(assigned_in_range), ClientAssignment.since <= last)
        .order_by(ClientAssignment.since, ClientAssignment.id)
    ):
        history.setdefault(client.id, []).append((since, manager_id))
        clients[client.id] = client

    def manager_on(client_id: int, day: date) -> int | None:
        """The client's manager at the end of ``day``."""
        mine = [m for since, m in history[client_id] if since <= day]
        return mine[-1] if mine else None

    for client_id, assignments in history.items():
        for monday in sorted({workdays.week_start(s) for s, _ in assignments if s >= first}):
            sunday = workdays.week_end(monday)
            owner = manager_on(client_id, sunday)
            before = manager_on(client_id, monday - timedelta(days=1))
            if owner in manager_ids and before != owner:
                since = max(s for s, m in assignments if m == owner and monday <= s <= sunday)
                opened = before is None and len({m for s, m in assignments if s <= sunday}) == 1
                yield (owner, monday), (clients[client_id], since, opened)


def week_of(manager: User, monday: date, with_contents: bool = True) -> WeekFigures:
    return week_figures([manager], [monday], with_contents)[(manager.id, monday)]


def recent_weeks(manager: User, count: int = 8, until: date | None = None) -> list[WeekFigures]:
    """The manager's ``count`` weeks up to the one holding ``until`` (default: this week),
    the latest first."""
    last = workdays.week_start(min(until or china_today(), china_today()))
    mondays = [last - timedelta(days=7 * n) for n in range(count)]
    weeks = week_figures([manager], mondays)
    return [weeks[(manager.id, monday)] for monday in mondays]


@dataclass
class BranchWeek:
    """Every manager of a branch for one week, side by side, with the totals."""

    week_start: date
    weeks: list[WeekFigures]

    @property
    def totals(self) -> dict[str, int]:
        return {key: sum(w.counts[key] for w in self.weeks) for key in visits.WEEKLY_TYPES}

    @property
    def planned_totals(self) -> dict[str, int]:
        return {key: sum(w.planned[key] for w in self.weeks) for key in visits.WEEKLY_TYPES}

    @property
    def points(self) -> int:
        return sum(w.points for w in self.weeks)

    @property
    def planned_points(self) -> int:
        return sum(w.planned_points for w in self.weeks)

    @property
    def submitted(self) -> int:
        return sum(1 for w in self.weeks if w.submitted)


def branch_week(branch_id: int, monday: date) -> BranchWeek:
    managers = list(
        db.session.scalars(
            select(User)
            .where(User.branch_id == branch_id, User.role == "manager", User.active.is_(True))
            .order_by(User.id)
        )
    )
    figures = week_figures(managers, [monday])
    return BranchWeek(monday, [figures[(m.id, monday)] for m in managers])


# --------------------------------------------------------------------------- use cases


@use_case
def save_summary(manager: User, monday: date, data: dict, submit: bool = False) -> WeeklySummary:
    """Save the manager's 附件5 texts and 下周计划 of the week starting ``monday`` (a week that
    has begun); ``submit`` hands it to the branch head, after which it is locked for the
    manager. ``data``: the texts of ``SUMMARY_TEXT`` and ``plan_home`` … ``plan_new_client``."""
    if manager.role != "manager":
        raise PermissionError("周工作总结由客户经理本人填写")
    if monday.weekday() != 0:
        raise ValueError("周工作总结以周一为一周的开始")
    if monday > china_today():
        raise ValueError("这一周还没有开始")
    summary = db.session.scalar(
        select(WeeklySummary).where(
            WeeklySummary.manager_id == manager.id, WeeklySummary.week_start == monday
        )
    ) or WeeklySummary(manager_id=manager.id, branch_id=manager.branch_id, week_start=monday)
    if summary.status == "submitted":
        raise ValueError("本周总结已提交，不能再修改")
    values = {f: clean_text(data.get(f)) for f in SUMMARY_TEXT}
    for key, column in PLAN_FIELDS.items():
        value = data.get(column) or 0
        if not isinstance(value, int) or not 0 <= value <= MAX_PLAN:
            raise ValueError(f"{visits.WEEKLY_TYPES[key]}的下周计划应为0到{MAX_PLAN}之间的整数")
        values[column] = value
    if submit:
        values |= {"status": "submitted", "submitted_at": utcnow()}
    set_changed(summary, values)
    db.session.add(summary)
    return summary


@use_case
def comment(summary: WeeklySummary, text: str, user: User) -> WeeklySummary:
    """The branch head's comment on a submitted summary of their branch."""
    if user.role != "branch_head" or user.branch_id != summary.branch_id:
        raise PermissionError("只有本营业部总经理可以点评")
    if summary.status != "submitted":
        raise ValueError("总结提交后才能点评")
    set_changed(
        summary,
        {"head_comment": clean_text(text), "commented_by_id": user.id, "commented_at": utcnow()},
    )
    return summary
