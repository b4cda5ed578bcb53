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
    differently by role. ``group`` names the drop-down menu it sits in ('' for the top bar)."""

    label: str
    endpoint: str
    action: str | None
    only: frozenset[str] | None = None
    group: str = ""

    def shown_to(self, user: User) -> bool:
        return (self.action is None or permits(user, self.action)) and (
            self.only is None or user.role in self.only
        )


@dataclass(frozen=True)
class NavGroup:
    """A drop-down menu of the top bar and the entries of it the user is shown."""

    label: str
    items: tuple[NavItem, ...]

    @property
    def endpoints(self) -> frozenset[str]:
        return frozenset(item.endpoint for item in self.items)


SERVICE, WORK, REPORTS, ADMIN = "客户服务", "日常工作", "统计报表", "系统管理"

# The navigation, in the order shown; a group's entries follow each other. Each capability adds
# its entries here, in its group.
NAVIGATION: list[NavItem] = [
    NavItem("首页", "main.home", None),
    NavItem("客户", "clients.index", None),
    NavItem("客户咨询", "inquiries.index", "inquiries.read", group=SERVICE),
    NavItem("预约开户", "prospects.index", "prospects.read", group=SERVICE),
    NavItem("开户短信", "sms.index", "sms.read", group=SERVICE),
    NavItem("待补填评估", "risk.pending", "risk.pending", group=SERVICE),
    NavItem("客户活动", "events.index", "events.read", group=SERVICE),
    NavItem("客户关怀", "care.index", "care.read", group=SERVICE),
    NavItem("营业部信息", "profile.own", "profile.read", group=SERVICE),
    # HQ reads the managers' daily work of any branch: it picks the branch and manager there.
    NavItem("拜访记录", "activities.contact_list", "work.read", group=WORK),
    NavItem("工作日志", "activities.logs", "work.read", group=WORK),
    NavItem("周工作总结", "activities.weeks", "work.read", frozenset({"manager"}), WORK),
    NavItem(
        "周工作总结",
        "activities.branch_week",
        "weeks.branch",
        frozenset({"branch_head", "hq"}),
        WORK,
    ),
    NavItem("投资建议", "advice.index", "advice.read", group=WORK),
    # A manager reads the spot checks of their own activity; the head and HQ reach them from
    # the quarterly report.
    NavItem("活动量抽查", "quarterly.spot_checks", "spotchecks.read", frozenset({"manager"}), WORK),
    NavItem("分类概览", "reports.overview_page", "reports.read", group=REPORTS),
    NavItem("分类汇总表", "reports.annex4", "reports.read", group=REPORTS),
    NavItem("新开户风险分类表", "risk.daily", "risk.daily_report", group=REPORTS),
    NavItem("风险承受能力客户分类表", "risk.levels", "risk.levels", group=REPORTS),
    NavItem("季度考核报告", "quarterly.index", "quarterly.read", group=REPORTS),
    NavItem("分类标准", "classification.thresholds", "thresholds.manage", group=ADMIN),
    NavItem("数据导入", "imports.index", "imports.run", group=ADMIN),
    NavItem("风险问卷版本", "risk.questionnaires", "questionnaire.load", group=ADMIN),
    NavItem("节假日安排", "holidays.index", "holidays.manage", group=ADMIN),
    NavItem("短信模板", "sms.templates", "sms.templates", group=ADMIN),
    NavItem("本部人员", "admin.users", "users.read", frozenset({"branch_head"}), ADMIN),
    NavItem("营业部管理", "admin.branches", "branches.manage", group=ADMIN),
    NavItem("营业部信息", "profile.all_branches", "profile.all", group=ADMIN),
    NavItem("用户管理", "admin.users", "users.read", frozenset({"hq"}), ADMIN),
]


def navigation_for(user: User) -> list[NavItem | NavGroup]:
    """The top bar of ``user``: the entries they are shown, each group's gathered into one
    drop-down where it has its first entry; a group with a single entry is that entry."""
    bar: list[NavItem | NavGroup] = []
    groups: dict[str, list[NavItem]] = {}
    for item in NAVIGATION:
        if not item.shown_to(user):
            continue
        if not item.group:
            bar.append(item)
        elif item.group in groups:
            groups[item.group].append(item)
        else:
            groups[item.group] = [item]
            bar.append(NavGroup(item.group, ()))
    return [
        entry
        if isinstance(entry, NavItem)
        else (
            groups[entry.label][0]
            if len(groups[entry.label]) == 1
            else NavGroup(entry.label, tuple(groups[entry.label]))
        )
        for entry in bar
    ]


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
