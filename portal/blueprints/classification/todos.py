"""The to-do items of the classification standard (Art. 6, 12): a branch's threshold proposal
waits for HQ's decision. One query each."""

from datetime import date

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AssetBandSetting, TurnoverThreshold, User
from portal.services import scope
from portal.services.permissions import HEAD, HQ
from portal.services.todos import register


def proposed(user: User, today: date) -> int:
    """Proposals (thresholds and asset bands) in the user's scope not yet decided (HQ: every
    branch's; a head: their own)."""
    counts = [
        select(func.count(model.id))
        .where(scope.clause(model, user), model.status == "proposed")
        .scalar_subquery()
        for model in (TurnoverThreshold, AssetBandSetting)
    ]
    return db.session.scalar(select(counts[0] + counts[1]))


register(
    HQ, "thresholds.decide", "待审批的分类标准提议", proposed, "classification.thresholds", rank=10
)
register(
    HEAD,
    "thresholds.pending",
    "分类标准提议待总部审批",
    proposed,
    "classification.thresholds",
    rank=60,
)
