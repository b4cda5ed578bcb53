"""The quarterly report's section on client events (Art. 50.4, 50.8, 50.11): the branch's
events held in the quarter and their attendances, by kind (``services.events.counts``)."""

from datetime import date

from portal.services import events, quarterly


def lines(branch_id: int, first: date, last: date) -> list[quarterly.Line]:
    counts = events.counts(branch_id, first, last)
    result = []
    for row in counts.values():
        result.append(quarterly.Line(f"{row['label']}（场）", row["events"]))
        result.append(quarterly.Line(f"{row['label']}到场客户（人次）", row["attendances"]))
    result.append(quarterly.Line("活动合计（场）", sum(r["events"] for r in counts.values())))
    result.append(
        quarterly.Line(
            "到场客户合计（人次）", sum(r["attendances"] for r in counts.values()), "不含已撤销"
        )
    )
    return result


quarterly.register("events", "客户活动", lines, rank=50)
