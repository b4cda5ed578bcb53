"""The quarterly report to HQ (Art. 55 营业部应于每季度末向经纪业务管理总部战略规划部提交季度
考核报告): per branch and quarter, figures computed from the records, never typed; the branch
head's spot checks (抽查) of the managers' activity; the head's submission (a frozen snapshot);
HQ's view of every branch side by side, as Excel and PDF.

**Sections.** Each capability registers the section of figures it owns in ONE place — a
``quarterly`` module in its blueprint package, imported by the blueprint's ``__init__`` (as the
to-do kinds of :mod:`portal.services.todos`) — with :func:`register`. A section's
``compute(branch_id, first, last)`` answers its :class:`Line` s for the Beijing dates ``first``
… ``last`` with a few grouped queries (never a query per client), so a branch of 25,000
clients costs the same handful of queries. :func:`figures` runs them in ``rank`` order.

**Decisions** (shown in the UI where a user would wonder):

* A report may be submitted once its quarter has ended, once per branch and quarter: a
  second submission is refused (there is no resubmission; a correction is a note to HQ).
* The submitted report is the snapshot taken on submission. Its page shows the snapshot; a
  figure that the records now give differently (a visit logged late) is marked beside it
  (现值), never silently replaced. HQ's side-by-side view takes a branch's snapshot when it
  has one, else the live figures, marked 未提交.
* Spot checks are recorded by the branch head for the branch's managers; the manager checked
  reads their own (not those of colleagues); HQ reads all. Nothing is deleted: a spot check is
  corrected, and its 整改情况 (how it was put right) added later; every change is audited.
* A spot check counts in the quarter of its 抽查日期.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.domain.beijing import china_today, utcnow
from portal.domain.periods import Quarter
from portal.extensions import db
from portal.models import Branch, User
from portal.models.quarterly import CHECKED_KINDS, QuarterlyReport, SpotCheck
from portal.services import scope, tabular
from portal.services.records import clean_text, set_changed, use_case

UNSUBMITTED = "未提交"


@dataclass(frozen=True)
class Line:
    """One figure of a section: what it counts, the number, and how it is counted."""

    label: str
    value: int
    note: str = ""

    def as_dict(self) -> dict:
        return {"label": self.label, "value": self.value, "note": self.note}


@dataclass
class Section:
    key: str
    title: str
    lines: list[Line]

    def as_dict(self) -> dict:
        return {"key": self.key, "title": self.title, "lines": [li.as_dict() for li in self.lines]}

    @classmethod
    def from_dict(cls, data: dict) -> Section:
        return cls(
            data["key"],
            data["title"],
            [Line(li["label"], li["value"], li.get("note", "")) for li in data["lines"]],
        )


Compute = Callable[[int, date, date], list[Line]]


@dataclass(frozen=True)
class Kind:
    key: str
    title: str
    compute: Compute
    rank: int


SECTIONS: dict[str, Kind] = {}


def register(key: str, title: str, compute: Compute, rank: int = 50) -> None:
    """Add the section ``key`` (titled ``title``) to every quarterly report: ``compute(branch_id,
    first, last)`` answers its lines for the quarter's Beijing dates; a lower ``rank`` comes
    first."""
    SECTIONS[key] = Kind(key, title, compute, rank)


def figures(branch_id: int, quarter: Quarter) -> list[Section]:
    """The branch's live figures of the quarter, every registered section in rank order."""
    return [
        Section(kind.key, kind.title, kind.compute(branch_id, quarter.first, quarter.last))
        for kind in sorted(SECTIONS.values(), key=lambda kind: (kind.rank, kind.key))
    ]


# --------------------------------------------------------------------------- one branch


@dataclass(frozen=True)
class Shown:
    """A line as the report page shows it: the snapshot's value (or the live one before
    submission) and, after submission, the live value when it now differs."""

    label: str
    value: int
    note: str
    live: int | None = None

    @property
    def changed(self) -> bool:
        return self.live is not None and self.live != self.value


@dataclass
class BranchReport:
    branch: Branch
    quarter: Quarter
    report: QuarterlyReport | None
    sections: list[tuple[str, list[Shown]]] = field(default_factory=list)

    @property
    def submitted(self) -> bool:
        return self.report is not None

    @property
    def changes(self) -> int:
        return sum(1 for _, lines in self.sections for line in lines if line.changed)


def report_of(branch_id: int, quarter: Quarter) -> QuarterlyReport | None:
    return db.session.scalar(
        select(QuarterlyReport).where(
            QuarterlyReport.branch_id == branch_id,
            QuarterlyReport.year == quarter.year,
            QuarterlyReport.quarter == quarter.number,
        )
    )


def branch_report(branch: Branch, quarter: Quarter) -> BranchReport:
    """The branch's report page: the submitted snapshot beside today's figures, or the live
    figures before submission."""
    live = figures(branch.id, quarter)
    report = report_of(branch.id, quarter)
    result = BranchReport(branch, quarter, report)
    if report is None:
        result.sections = [
            (s.title, [Shown(li.label, li.value, li.note) for li in s.lines]) for s in live
        ]
        return result
    now = {(s.key, li.label): li.value for s in live for li in s.lines}
    for data in report.sections:
        section = Section.from_dict(data)
        result.sections.append(
            (
                section.title,
                [
                    Shown(li.label, li.value, li.note, now.get((section.key, li.label)))
                    for li in section.lines
                ],
            )
        )
    return result


class ReportRefused(ValueError):
    pass


@use_case
def submit(branch: Branch, quarter: Quarter, user: User, remarks: str = "") -> QuarterlyReport:
    """The head submits the branch's report of an ended quarter: the snapshot of its figures
    now. Once per branch and quarter."""
    if user.role != "branch_head" or user.branch_id != branch.id:
        raise ReportRefused("只有本营业部总经理可以提交季度考核报告。")
    if not quarter.ended(china_today()):
        raise ReportRefused(f"{quarter.label}尚未结束，季度结束后才能提交。")
    if report_of(branch.id, quarter) is not None:
        raise ReportRefused(f"{quarter.label}的考核报告已提交，不能重复提交。")
    report = QuarterlyReport(
        branch_id=branch.id,
        year=quarter.year,
        quarter=quarter.number,
        sections=[s.as_dict() for s in figures(branch.id, quarter)],
        remarks=clean_text(remarks),
        submitted_by_id=user.id,
        submitted_at=utcnow(),
    )
    db.session.add(report)
    try:
        db.session.flush()
    except IntegrityError:  # submitted at the same moment from another window
        raise ReportRefused(f"{quarter.label}的考核报告已提交，不能重复提交。") from None
    return report


# --------------------------------------------------------------------------- all branches


@dataclass
class Column:
    branch: Branch
    report: QuarterlyReport | None

    @property
    def submitted(self) -> bool:
        return self.report is not None


@dataclass
class SideBySide:
    quarter: Quarter
    columns: list[Column]
    rows: list[tuple[str, str, list[int | None]]]
    """(section title, line label, one value per column — None where a branch has no such
    line)."""

    @property
    def submitted(self) -> int:
        return sum(1 for c in self.columns if c.submitted)


def side_by_side(user: User, quarter: Quarter, branch_id: int | None = None) -> SideBySide:
    """Every active branch the user sees (or the one asked for), its snapshot when submitted,
    else its live figures; rows are the lines in the order the sections give them."""
    query = scope.scoped(Branch, user).where(Branch.active.is_(True)).order_by(Branch.id)
    if branch_id is not None:
        query = query.where(Branch.id == branch_id)
    branches = db.session.scalars(query).all()
    reports = {
        r.branch_id: r
        for r in db.session.scalars(
            select(QuarterlyReport).where(
                QuarterlyReport.year == quarter.year, QuarterlyReport.quarter == quarter.number
            )
        )
    }
    columns, values, order = [], [], {}
    for branch in branches:
        report = reports.get(branch.id)
        columns.append(Column(branch, report))
        sections = (
            [Section.from_dict(data) for data in report.sections]
            if report
            else figures(branch.id, quarter)
        )
        column = {}
        for section in sections:
            for line in section.lines:
                key = (section.title, line.label)
                order.setdefault(key, len(order))
                column[key] = line.value
        values.append(column)
    rows = [(title, label, [col.get((title, label)) for col in values]) for title, label in order]
    return SideBySide(quarter, columns, rows)


def side_by_side_xlsx(table: SideBySide) -> tempfile.SpooledTemporaryFile:
    header = [
        "项目",
        "指标",
        *(c.branch.name + ("" if c.submitted else f"（{UNSUBMITTED}）") for c in table.columns),
    ]
    return tabular.xlsx_file(
        "季度考核报告",
        header,
        ([title, label, *values] for title, label, values in table.rows),
        widths=(16, 30, *(18 for _ in table.columns)),
        caption=f"营业部季度考核报告 · {table.quarter.label}",
    )


# --------------------------------------------------------------------------- spot checks

CHECK_FIELDS = ("manager_id", "checked_on", "kind", "records", "findings", "follow_up")
RECTIFY_FIELDS = ("rectification", "rectified_on")


class CheckRefused(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def checkable_managers(user: User) -> list[User]:
    """The managers of the head's branch (active ones first, by name)."""
    return db.session.scalars(
        select(User)
        .where(User.role == "manager", User.branch_id == user.branch_id)
        .order_by(User.active.desc(), User.display_name, User.id)
    ).all()


def _check_values(data: dict, user: User) -> dict:
    values = {name: data.get(name) for name in (*CHECK_FIELDS, *RECTIFY_FIELDS) if name in data}
    for name in ("records", "findings", "follow_up", "rectification"):
        if name in values:
            values[name] = clean_text(values[name])
    today = china_today()
    if values.get("manager_id") not in {m.id for m in checkable_managers(user)}:
        raise CheckRefused("请选择本营业部的客户经理。", "manager_id")
    if values.get("kind") not in CHECKED_KINDS:
        raise CheckRefused("请选择抽查内容。", "kind")
    checked_on = values.get("checked_on")
    if checked_on is None:
        raise CheckRefused("请填写抽查日期。", "checked_on")
    if checked_on > today:
        raise CheckRefused("抽查日期不能晚于今天。", "checked_on")
    if not values.get("records"):
        raise CheckRefused("请写明抽查了哪些记录。", "records")
    if not values.get("findings"):
        raise CheckRefused("请填写抽查发现。", "findings")
    rectified_on = values.get("rectified_on")
    if rectified_on is not None:
        if not values.get("rectification"):
            raise CheckRefused("填写整改日期时请写明整改情况。", "rectification")
        if rectified_on < checked_on:
            raise CheckRefused("整改日期不能早于抽查日期。", "rectified_on")
        if rectified_on > today:
            raise CheckRefused("整改日期不能晚于今天。", "rectified_on")
    return values


@use_case
def record_spot_check(data: dict, user: User) -> SpotCheck:
    if user.role != "branch_head" or user.branch_id is None:
        raise CheckRefused("只有营业部总经理可以登记抽查。")
    check = SpotCheck(branch_id=user.branch_id, checked_by_id=user.id)
    set_changed(check, {"follow_up": "", "rectification": ""} | _check_values(data, user))
    db.session.add(check)
    db.session.flush()
    return check


@use_case
def update_spot_check(check: SpotCheck, data: dict, user: User) -> SpotCheck:
    """Correct a spot check or add its 整改情况 (the head of its branch)."""
    if user.role != "branch_head" or user.branch_id != check.branch_id:
        raise CheckRefused("只有本营业部总经理可以修改抽查记录。")
    set_changed(check, _check_values(data, user))
    return check


def spot_checks(user: User, quarter: Quarter, branch_id: int | None = None) -> list[SpotCheck]:
    """The spot checks of the quarter the user sees (a manager: their own), latest first."""
    query = scope.scoped(SpotCheck, user).where(
        SpotCheck.checked_on.between(quarter.first, quarter.last)
    )
    if branch_id is not None:
        query = query.where(SpotCheck.branch_id == branch_id)
    return db.session.scalars(
        query.order_by(SpotCheck.checked_on.desc(), SpotCheck.id.desc())
    ).all()


def _spot_check_lines(branch_id: int, first: date, last: date) -> list[Line]:
    """The quarter's spot checks: how many, of how many managers, of which records, with
    what follow-up."""
    in_quarter = SpotCheck.branch_id == branch_id, SpotCheck.checked_on.between(first, last)
    total, managers, to_rectify, rectified = db.session.execute(
        select(
            func.count(SpotCheck.id),
            func.count(SpotCheck.manager_id.distinct()),
            func.count(SpotCheck.id).filter(SpotCheck.follow_up != ""),
            func.count(SpotCheck.id).filter(
                SpotCheck.follow_up != "", SpotCheck.rectified_on.is_not(None)
            ),
        ).where(*in_quarter)
    ).one()
    by_kind = dict(
        db.session.execute(
            select(SpotCheck.kind, func.count()).where(*in_quarter).group_by(SpotCheck.kind)
        ).all()
    )
    return [
        Line("抽查次数", total, "按抽查日期计入季度"),
        Line("被抽查客户经理（人）", managers),
        *(
            Line(f"抽查{label}（次）", by_kind.get(kind, 0))
            for kind, label in CHECKED_KINDS.items()
        ),
        Line("提出整改要求（次）", to_rectify),
        Line("已整改（次）", rectified, "已填写整改情况及整改日期"),
    ]


register("spotchecks", "客户经理活动量抽查", _spot_check_lines, rank=90)
