"""Template helpers: the navigation and ``can(action)`` (both read the permission table), the
filters that show money, rates and times (``domain.formats``), and rendering with the status
codes htmx expects (422 for a form with errors)."""

from dataclasses import dataclass

from flask import Flask, render_template, request
from flask_login import current_user

from portal.domain import formats
from portal.models import ROLES, User
from portal.services.permissions import can, permits


@dataclass(frozen=True)
class NavItem:
    """A menu entry, shown to whoever may do the ``action`` its page requires (None: every
    signed-in user). ``only`` narrows the menu, never the permission: the page keeps a lighter
    menu for a role that may open it but does not work there day to day, or labels one page
    differently by role."""

    label: str
    endpoint: str
    action: str | None
    only: frozenset[str] | None = None

    def shown_to(self, user: User) -> bool:
        return (self.action is None or permits(user, self.action)) and (
            self.only is None or user.role in self.only
        )


# The navigation. Later capabilities add their entries here.
NAVIGATION: list[NavItem] = [
    NavItem("首页", "main.home", None),
    NavItem("客户", "clients.index", None),
    NavItem("待补填评估", "risk.pending", "risk.pending"),
    # HQ reads the managers' daily work of any branch: it picks the branch and manager there.
    NavItem("拜访记录", "activities.contact_list", "work.read"),
    NavItem("工作日志", "activities.logs", "work.read"),
    NavItem("周工作总结", "activities.weeks", "work.read", frozenset({"manager"})),
    NavItem(
        "周工作总结", "activities.branch_week", "weeks.branch", frozenset({"branch_head", "hq"})
    ),
    NavItem("投资建议", "advice.index", "advice.read"),
    NavItem("客户关怀", "care.index", "care.read"),
    NavItem("分类概览", "reports.overview_page", "reports.read"),
    NavItem("分类汇总表", "reports.annex4", "reports.read"),
    NavItem("新开户风险分类表", "risk.daily", "risk.daily_report"),
    NavItem("分类标准", "classification.thresholds", "thresholds.manage"),
    NavItem("本部人员", "admin.users", "users.read", frozenset({"branch_head"})),
    NavItem("营业部管理", "admin.branches", "branches.manage"),
    NavItem("用户管理", "admin.users", "users.read", frozenset({"hq"})),
]


def navigation_for(user: User) -> list[NavItem]:
    return [item for item in NAVIGATION if item.shown_to(user)]


def is_htmx() -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-Boosted")


def render_form(template: str, form, **context):
    """Render a page holding ``form``: 422 when the submitted form has errors, else 200."""
    status = 422 if form.errors else 200
    return render_template(template, form=form, **context), status


def init_app(app: Flask) -> None:
    for name in ("local_time", "money", "wan", "commission"):
        app.jinja_env.filters[name] = getattr(formats, name)
    app.jinja_env.globals["ROLES"] = ROLES
    app.jinja_env.globals["can"] = can

    @app.context_processor
    def inject():
        nav = navigation_for(current_user) if current_user.is_authenticated else []
        return {"nav_items": nav}
