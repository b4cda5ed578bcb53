"""Supplementary client classifications (Art. 7–11, 附件3, 附件4; SPEC §3).

Labels and texts are the policy's own words. Where the policy gives no text for a
field it is left empty; for 投资产品偏好 the policy only names each kind of investor
(附件4), which is kept as its ``traits``.
"""

from __future__ import annotations

from dataclasses import dataclass

RISK_LEVELS: tuple[str, ...] = ("极低", "低", "中", "高")
"""Risk-tolerance levels of 附件1 / Art. 8 (used instead of 附件4's five labels)."""


@dataclass(frozen=True)
class Choice:
    """One code of a supplementary dimension with the policy's description."""

    code: str
    label: str
    traits: str = ""
    service: str = ""
    caution: str = ""


def _choices(*choices: Choice) -> dict[str, Choice]:
    return {choice.code: choice for choice in choices}


_TOPVIEW = "TOPVIEW行情交易系统（根据客户贡献度决定费用分担）"

# Art. 9. The seed text reads "Level 行情" (the level number is lost in the source).
HABITS = _choices(
    Choice(
        "D",
        "短线投资",
        traits="适用于进行股指期货、创业板、权证、融资融券、频繁进行股票交易的客户",
        service=f"现场高手经验交流会；VIP黄金交易通道；Level 行情；{_TOPVIEW}",
    ),
    Choice(
        "B",
        "波段投资",
        traits=(
            "适用于进行股票中短期波段投资交易（持股时间一般在一个月至三个月左右的时间）、"
            "基金短线交易的客户（持基时间一般在一个月至三个月左右的时间）（仅供参考）"
        ),
        service=f"行业板块/热点个股推介；实战组合高手交流会；{_TOPVIEW}",
    ),
    Choice(
        "I",
        "价值投资",
        traits=(
            "适合于中长线股票投资（持股时间一般在三个月以上时间）以及中长线基金"
            "（持基时间一般在三个月以上时间）或债券投资的客户（仅供参考）"
        ),
        service=f"{_TOPVIEW}；高端交流会；理财知识课程",
    ),
)
"""操作习惯 (Art. 9): traits = who the class suits, service = 个性化服务内容."""

VALUE_CLASSES = _choices(
    Choice(
        "G",
        "黄金客户",
        traits="当前价值和未来价值都很高",
        service="客户经理务必抓住和把握客户",
    ),
    Choice(
        "S",
        "明日之星",
        traits="当前价值可能不太大，但未来价值很高",
        service="客户经理长期关注和重点培养客户",
    ),
    Choice(
        "M",
        "维护型",
        traits="当前价值还不错，但未来价值不会很大",
        service="客户经理维护客户使其保持一定的交易量",
    ),
    Choice(
        "U",
        "自由型",
        traits="当前价值和未来价值都不很大",
        service="客户经理可以不要花大量精力",
    ),
)
"""客户价值 (Art. 10): traits = 特点, service = 服务目标."""

DECISION_STYLES = _choices(
    Choice(
        "F",
        "风险规避型",
        traits="风险回避者，参与度低，交易消极",
        service="推荐稳健型投资组合",
        caution="服务频率不宜过高",
    ),
    Choice(
        "Y",
        "依赖型",
        traits="参与度高，依赖建议，易委托他人交易",
        service="具体操作建议，日常跟踪、调整、督促",
        caution="千万不要演变为全权委托",
    ),
    Choice(
        "L",
        "独立决策型",
        traits="参与度高，交易积极，可独立作出投资决策",
        service="提供丰富的信息、报告、资料，并提供研判分析、提醒",
        caution="保持其自主地位，做参谋，不要越俎代庖，成为益友",
    ),
    Choice(
        "Z",
        "高度自主决策型",
        traits="完全自主者，有自己的信息渠道，参与度高，忠诚度差",
        service="基本服务+附加值服务",
        caution="提供方便的服务，成为私人朋友、良师",
    ),
)
"""投资决策风格 (Art. 11, 仅作参考): traits = 特点, service = 服务方式, caution = 注意事项."""

PRODUCT_PREFERENCES = _choices(
    Choice("V", "绩优价值股", traits="绩优价值股投资者"),
    Choice("C", "成长股", traits="成长股投资者"),
    Choice("J", "基金", traits="基金投资者"),
    Choice("T", "概念题材股", traits="概念题材股投机者"),
    Choice("Q", "权证", traits="权证投机者"),
    Choice("X", "新股认购", traits="新股认购者"),
)
"""投资产品偏好 (附件3, 附件4; several may apply): traits = 附件4's name for the investor."""

DIMENSIONS: dict[str, tuple[str, dict[str, Choice]]] = {
    "habit": ("操作习惯", HABITS),
    "value_class": ("客户价值", VALUE_CLASSES),
    "decision_style": ("投资决策风格", DECISION_STYLES),
    "product_preference": ("投资产品偏好", PRODUCT_PREFERENCES),
}
"""Dimension key → (Chinese dimension name, its choices in the policy's order)."""
