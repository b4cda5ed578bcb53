"""上月/下月 and 上周/下周 on the pages that show a month or a week: the links step one period
and keep the page's other arguments; the current month with nothing yet points to the last."""

import re
from datetime import timedelta
from html import unescape

from portal.domain.beijing import china_today, month_start, previous_month
from portal.domain.workdays import week_start


def links(html: str, rel: str) -> list[str]:
    return [unescape(href) for href in re.findall(rf'rel="{rel}" href="([^"]+)"', html)]


def test_the_work_log_month_steps_both_ways_for_the_chosen_manager(login_as, user_id):
    head = login_as("branch_head")
    manager = user_id("mgr1")
    html = head.get(f"/work/logs?manager={manager}&month=2025-03").get_data(as_text=True)
    assert links(html, "prev") == [f"/work/logs?manager={manager}&month=2025-02"]
    assert links(html, "next") == [f"/work/logs?manager={manager}&month=2025-04"]
    assert "回到本月" in html
    # the picker: every begun month of the shown year, the shown one marked
    assert f'href="/work/logs?manager={manager}&amp;month=2025-11"' in html
    assert re.search(r'month=2025-03" aria-current="date">3月<', html)


def test_an_empty_current_month_leads_to_the_last_month_and_never_forward(login_as):
    manager = login_as("manager")  # the bare organisation: no log written yet
    html = manager.get("/work/logs").get_data(as_text=True)
    last = previous_month(month_start(china_today()))
    assert re.search(rf'class="button primary" rel="prev" href="[^"]*month={last:%Y-%m}"', html)
    assert f"请点“上月”查看{last.month}月" in html
    assert links(html, "next") == []
    assert 'aria-disabled="true">下月' in html


def test_the_monthly_review_keeps_its_branch_and_the_advice_list_its_filter(login_as, org):
    hq = login_as("hq")
    html = hq.get("/advice/review?branch=2&month=2026-01").get_data(as_text=True)
    assert links(html, "prev") == ["/advice/review?branch=2&month=2025-12"]
    html = hq.get("/advice/?month=2026-01&state=flagged").get_data(as_text=True)
    assert links(html, "next") == ["/advice/?state=flagged&month=2026-02"]


def test_weeks_step_by_mondays_and_keep_the_manager(login_as, user_id):
    head = login_as("branch_head")
    manager = user_id("mgr1")
    this_week = week_start(china_today())
    last_week = this_week - timedelta(days=7)
    html = head.get(f"/advice/weekly?manager={manager}").get_data(as_text=True)
    assert links(html, "prev") == [f"/advice/weekly?manager={manager}&week={last_week}"]
    assert links(html, "next") == []
    html = head.get(f"/work/weeks/{manager}/{last_week}").get_data(as_text=True)
    assert links(html, "prev") == [f"/work/weeks/{manager}/{last_week - timedelta(days=7)}"]
    assert links(html, "next") == [f"/work/weeks/{manager}/{this_week}"]
