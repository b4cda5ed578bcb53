"""Template helpers: the role-based navigation, time display, and rendering with the
status codes htmx expects (422 for a form with errors)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask import Flask, render_template, request
from flask_login import current_user

from portal.domain.idcard import mask_mobile
from portal.models import ROLES
from portal.models.base import CHINA_OFFSET
from portal.services.audit import field_label, shown_value

WAN = Decimal(10000)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    roles: frozenset[str]


ALL_ROLES = frozenset(ROLES)

# The navigation, by role. Later capabilities add their entries here.
NAVIGATION: list[NavItem] = [
    NavItem("首页", "main.home", ALL_ROLES),
    NavItem("客户", "clients.index", ALL_ROLES),
    NavItem("待补填评估", "risk.pending", frozenset({"manager", "branch_head"})),
    NavItem("拜访记录", "activities.contact_list", frozenset({"manager", "branch_head"})),
    NavItem("工作日志", "activities.logs", frozenset({"manager", "branch_head"})),
    NavItem("周工作总结", "activities.weeks", frozenset({"manager"})),
    NavItem("周工作总结", "activities.branch_week", frozenset({"branch_head"})),
    NavItem("投资建议", "advice.index", frozenset({"manager", "branch_head", "hq"})),
    NavItem("分类概览", "reports.overview_page", frozenset({"manager", "branch_head", "hq"})),
    NavItem("分类汇总表", "reports.annex4", frozenset({"manager", "branch_head", "hq"})),
    NavItem("新开户风险分类表", "risk.daily", frozenset({"counter", "branch_head", "hq"})),
    NavItem("分类标准", "classification.thresholds", frozenset({"hq", "branch_head"})),
    NavItem("本部人员", "admin.users", frozenset({"branch_head"})),
    NavItem("营业部管理", "admin.branches", frozenset({"hq"})),
    NavItem("用户管理", "admin.users", frozenset({"hq"})),
]


def navigation_for(role: str) -> list[NavItem]:
    return [item for item in NAVIGATION if role in item.roles]


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored naive-UTC timestamp shown in China Standard Time."""
    if value is None:
        return ""
    return (value + CHINA_OFFSET).strftime(fmt)


def money(value: Decimal | None) -> str:
    """Yuan with thousands separators and two decimals; a dash for no value."""
    return "—" if value is None else f"{value:,.2f}"


def wan(value: Decimal | None) -> str:
    """Yuan shown in 万元 (ten thousands) with two decimals, as the forms ask."""
    return "—" if value is None else f"{(value / WAN).quantize(CENT):,.2f}"


def commission(rate: Decimal | None) -> str:
    """A commission rate fraction shown the way the branch says it: 万分之2.5."""
    if rate is None:
        return "—"
    return f"万分之{(rate * WAN).normalize():f}"


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-Boosted")


def render_form(template: str, form, **context):
    """Render a page holding ``form``: 422 when the submitted form has errors, else 200."""
    status = 422 if form.errors else 200
    return render_template(template, form=form, **context), status


def init_app(app: Flask) -> None:
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["wan"] = wan
    app.jinja_env.filters["commission"] = commission
    app.jinja_env.filters["mask_phone"] = lambda v: mask_mobile(v) if v else "—"
    app.jinja_env.globals["ROLES"] = ROLES
    app.jinja_env.globals["audit_field_label"] = field_label
    app.jinja_env.globals["audit_value"] = shown_value

    @app.context_processor
    def inject():
        nav = navigation_for(current_user.role) if current_user.is_authenticated else []
        return {"nav_items": nav}
