"""The quarterly report's section on investment advice (附件9; Art. 59–61): advice given and
follow-ups made in the quarter, the advice the screening flagged (Art. 59 禁止事项) and where
each stands — cleared by the head, returned to its manager, still waiting. Three grouped
queries."""

from datetime import date

from sqlalchemy import func, select

from portal.domain.beijing import utc_bounds
from portal.extensions import db
from portal.models import Advice, AdviceFollowUp
from portal.services import quarterly


def lines(branch_id: int, first: date, last: date) -> list[quarterly.Line]:
    start, end = utc_bounds(first, last)
    given = Advice.branch_id == branch_id, Advice.given_at >= start, Advice.given_at < end
    advice, clients = db.session.execute(
        select(func.count(Advice.id), func.count(Advice.client_id.distinct())).where(*given)
    ).one()
    followups = db.session.scalar(
        select(func.count(AdviceFollowUp.id))
        .join(Advice, Advice.id == AdviceFollowUp.advice_id)
        .where(Advice.branch_id == branch_id, AdviceFollowUp.at >= start, AdviceFollowUp.at < end)
    )
    states = dict(
        db.session.execute(
            select(Advice.review_state, func.count())
            .where(*given, Advice.review_state != "clear")
            .group_by(Advice.review_state)
        ).all()
    )
    return [
        quarterly.Line("投资建议（条）", advice, "按建议时间"),
        quarterly.Line("获得建议的客户（人）", clients),
        quarterly.Line("跟踪服务（次）", followups, "按跟踪时间"),
        quarterly.Line(
            "被筛查标记的建议（条）", sum(states.values()), "涉及第五十九条禁止事项用语"
        ),
        quarterly.Line("　其中：审核通过", states.get("cleared", 0)),
        quarterly.Line("　其中：退回修改", states.get("returned", 0), "待客户经理修改"),
        quarterly.Line("　其中：待审核", states.get("flagged", 0)),
    ]


quarterly.register("advice", "投资建议", lines, rank=30)
