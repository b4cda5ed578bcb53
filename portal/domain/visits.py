"""Client contacts and the manager's activity (Art. 50–54; 附件2, 附件5, 附件6, 附件7): the
pure rules — kinds of contact, the weekly points, plan / achieved / gap, the home-visit
self-evaluation and the readiness checklist of the visit guidance. No Flask, no database.

**Decisions** (shown in the UI where a user would wonder):

* A *visit* (拜访) is a done contact of one of the three visit kinds of 附件5 — 上门拜访,
  电话拜访, 现场拜访. E-mail, SMS and other contacts are kept for the record only: they are
  not visits, so they have no 拜访次序, do not count in 累计拜访次数 (附件3/附件4) and are not
  listed in 附件7.
* 客户服务（次/天） of the daily log (附件2) counts *every* done contact of the day, e-mail
  and SMS included: each is a service to a client.
* Weekly points (附件5 核心客户拜访情况) count only done visits of clients marked core
  (核心客户) at the visit, plus the new clients of the week.
* Only done contacts count anywhere; a planned contact counts once it is marked done.
"""

from collections.abc import Mapping
from dataclasses import dataclass

KINDS: dict[str, str] = {
    "home": "上门拜访",
    "phone": "电话拜访",
    "onsite": "现场拜访",
    "email": "电子邮件",
    "sms": "短信",
    "other": "其他",
}
"""Kinds of contact → label: the three visit kinds of 附件5, then those kept for the record."""

VISIT_KINDS: tuple[str, ...] = ("home", "phone", "onsite")
"""The kinds that are visits (拜访)."""

STATUSES: dict[str, str] = {"planned": "计划", "done": "已完成"}

POINTS: dict[str, int] = {"home": 4, "phone": 1, "onsite": 1, "new_client": 2}
"""附件5: 上门拜访 4分/次, 电话拜访 1分/次, 现场拜访 1分/次, 新增客户 2分/个."""

WEEKLY_TYPES: dict[str, str] = {
    "home": "上门拜访",
    "phone": "电话拜访",
    "onsite": "现场拜访",
    "new_client": "新增客户",
}
"""The four rows of 附件5, in its order."""

UNITS: dict[str, str] = {"home": "次", "phone": "次", "onsite": "次", "new_client": "个"}


def weekly_points(counts: Mapping[str, int]) -> int:
    """The week's points of 附件5 from counts keyed ``home``, ``phone``, ``onsite`` and
    ``new_client`` (a missing key counts 0; other keys are ignored)."""
    return sum(POINTS[key] * int(counts.get(key) or 0) for key in POINTS)


@dataclass(frozen=True)
class PlanRow:
    """One row of 附件5's plan table: 本周计划, 本周达成, 计划差距, 下周计划."""

    key: str
    label: str
    planned: int
    achieved: int
    next_plan: int

    @property
    def gap(self) -> int:
        """计划差距 = 计划 − 达成; negative when the plan was exceeded."""
        return self.planned - self.achieved

    @property
    def gap_text(self) -> str:
        if self.gap < 0:
            return f"超额{-self.gap}"
        return str(self.gap)


def plan_rows(
    planned: Mapping[str, int], achieved: Mapping[str, int], next_plan: Mapping[str, int]
) -> list[PlanRow]:
    """The four plan rows of 附件5 (missing keys count 0)."""
    return [
        PlanRow(
            key,
            label,
            int(planned.get(key) or 0),
            int(achieved.get(key) or 0),
            int(next_plan.get(key) or 0),
        )
        for key, label in WEEKLY_TYPES.items()
    ]


# ------------------------------------------------------------------ 附件6 self-evaluation

ASPECTS: dict[str, str] = {
    "preparation": "准备工作",
    "etiquette": "商务礼仪",
    "communication": "人际沟通",
    "knowledge": "专业知识",
    "technique": "技巧运用",
}
"""The five aspects of 附件6, in its order."""

RATINGS: tuple[str, ...] = ("优", "良", "合格", "差")
"""效果评估 of 附件6."""


@dataclass(frozen=True)
class ReadinessQuestion:
    field: str
    question: str
    detail: str


READINESS: tuple[ReadinessQuestion, ...] = (
    ReadinessQuestion("mind", "是否建立心理上的准备", "找到可以拉近彼此心灵的距离的共同点。"),
    ReadinessQuestion("rehearsal", "是否能够预演未来", "假设到可能的场景，提前考虑周详。"),
    ReadinessQuestion("self_ready", "是否很好地处理自己", "信心、仪表、工具等。"),
    ReadinessQuestion(
        "client_known", "是否很好地了解客户", "客户服务档案的仔细分析，寻找可能的切入点。"
    ),
    ReadinessQuestion("content", "是否完成处理内容", "策略准备。"),
    ReadinessQuestion(
        "atmosphere",
        "是否能营造自然、开心的场面",
        "有可以和客户分享的、符合客户身份的3-5个幽默。",
    ),
)
"""四、准备完成的标准 of 客户经理登门拜访客户注意事项: the six questions before a home visit."""
