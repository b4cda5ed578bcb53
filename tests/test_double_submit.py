"""Two quick submits of one form: the second meets the unique constraint the first one's record
holds, and answers 409 with a message instead of a 500; the first one's record stays."""

from datetime import timedelta

from sqlalchemy import func, select

from portal.domain import workdays
from portal.domain.beijing import china_today
from portal.extensions import db
from portal.models import WorkLog
from portal.services import worklogs


def test_a_work_log_saved_twice_at_once_answers_409_not_500(org, login_as, monkeypatch):
    day = workdays.previous_workday(china_today() + timedelta(days=1))
    manager = login_as("manager")
    form = {"morning_notes": "晨会：关注银行板块", "product_sales": "0"}
    assert manager.post_form(f"/work/logs/{day}/edit", form).status_code == 302
    # The race: the second request looked for the day's log before the first one committed.
    monkeypatch.setattr(worklogs, "log_of", lambda manager_id, day: None)
    response = manager.post_form(f"/work/logs/{day}/edit", form)
    assert response.status_code == 409
    assert "已经保存过了" in response.get_data(as_text=True)
    with org.app_context():
        assert db.session.scalar(select(func.count(WorkLog.id))) == 1
