"""The quarterly report's section on client classes (Art. 55; SPEC §2): the branch's clients
by class at the quarter's end, and how classes moved during the quarter — both read from the
class history (``ClassChange``, as the overview's last month), never from today's figures.

A client's class at a moment is the ``to_class`` of its latest change before it; clients are
counted in the branch they belong to now. Two grouped queries whatever the branch's size.
"""

from datetime import date

from sqlalchemy import func, select

from portal.domain.beijing import utc_bounds
from portal.domain.classification import CLASSES
from portal.domain.quarterly import MOVEMENTS, movement
from portal.extensions import db
from portal.models import Client
from portal.services import quarterly
from portal.services.overview import classes_at, counts_at


def lines(branch_id: int, first: date, last: date) -> list[quarterly.Line]:
    start, end = utc_bounds(first, last)
    at_end = counts_at(Client.branch_id == branch_id, end)
    result = [quarterly.Line(f"{code} 类客户", at_end.get(code, 0)) for code in CLASSES]
    result.append(quarterly.Line("未分类客户", at_end.get(None, 0)))
    result.append(quarterly.Line("季末客户合计", sum(at_end.values()), "按季末的分类历史"))
    in_branch = Client.branch_id == branch_id
    before, after = classes_at(in_branch, start, "before"), classes_at(in_branch, end, "after")
    moved = dict.fromkeys(MOVEMENTS, 0)
    for code_before, code_after, n in db.session.execute(
        select(before.c.code, after.c.code, func.count())
        .select_from(after)
        .outerjoin(before, before.c.client_id == after.c.client_id)
        .group_by(before.c.code, after.c.code)
    ):
        kind = movement(code_before, code_after)
        if kind is not None:
            moved[kind] += n
    notes = {"up": "按季初、季末分类比较", "turnover": "如 A↔B"}
    result += [
        quarterly.Line(label, moved[kind], notes.get(kind, "")) for kind, label in MOVEMENTS.items()
    ]
    return result


quarterly.register("classification", "客户分类", lines, rank=10)
