from datetime import date

import chinese_calendar
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.args import MAX_YEAR, MIN_YEAR, int_arg
from portal.blueprints.holidays import bp
from portal.blueprints.holidays.forms import CalendarDayForm, DeleteForm
from portal.domain import workdays
from portal.domain.beijing import china_today
from portal.models import CalendarDay
from portal.services import calendar, scope
from portal.services.permissions import requires


def _published(year: int) -> bool:
    """Whether the ``chinesecalendar`` package has the year's published arrangement."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _year_page(year: int, form: CalendarDayForm, status: int = 200):
    rows = [(entry, calendar.without_table(entry.day)) for entry in calendar.entries(year)]
    holidays: dict[str, list[date]] = {}
    for day, name in sorted(workdays.statutory_holidays(year).items()):
        holidays.setdefault(name, []).append(day)
    context = {
        "form": form,
        "year": year,
        "rows": rows,
        "holidays": holidays,
        "published": _published(year),
        "years": sorted({*calendar.years_with_entries(), year, china_today().year}),
    }
    return render_template("holidays/index.html", **context), status


def _save(form: CalendarDayForm, entry: CalendarDay | None):
    data = {"day": form.day.data, "workday": form.workday.data == "1", "note": form.note.data}
    saved = calendar.save_entry(entry, data, current_user)
    flash(f"已保存：{saved.day:%Y年%m月%d日} {saved.kind_label}。", "success")
    return redirect(url_for("holidays.index", year=saved.day.year))


@bp.route("/", methods=["GET", "POST"])
@requires("holidays.manage")
def index():
    year = int_arg(request.args.get("year"))
    year = year if year and MIN_YEAR <= year <= MAX_YEAR else china_today().year
    form = CalendarDayForm(request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        return _save(form, None)
    if request.method == "POST" and isinstance(form.day.data, date) and not form.day.errors:
        year = form.day.data.year
    return _year_page(year, form, 422 if form.errors else 200)


@bp.route("/<int:entry_id>/edit", methods=["GET", "POST"])
@requires("holidays.manage")
def edit(entry_id: int):
    entry = scope.get_or_404(CalendarDay, entry_id)
    form = CalendarDayForm(request.form if request.method == "POST" else None, obj=entry)
    if request.method == "GET":
        form.workday.data = "1" if entry.workday else "0"
    if form.validate_on_submit():
        other = calendar.entry_on(form.day.data)
        if other is not None and other.id != entry.id:
            form.day.errors.append("这一天已有安排，请修改那一条。")
        else:
            return _save(form, entry)
    return _edit_page(entry, form, DeleteForm(None), 422 if form.errors else 200)


@bp.post("/<int:entry_id>/delete")
@requires("holidays.manage")
def delete(entry_id: int):
    entry = scope.get_or_404(CalendarDay, entry_id)
    form = DeleteForm(request.form)
    if not form.validate_on_submit():
        edit_form = CalendarDayForm(None, obj=entry)
        edit_form.workday.data = "1" if entry.workday else "0"
        return _edit_page(entry, edit_form, form, 422)
    day = entry.day
    calendar.delete_entry(entry, form.reason.data)
    flash(f"已删除{day:%Y年%m月%d日}的安排，该日恢复按国家日历计算。", "success")
    return redirect(url_for("holidays.index", year=day.year))


def _edit_page(entry: CalendarDay, form: CalendarDayForm, delete_form: DeleteForm, status: int):
    context = {
        "entry": entry,
        "form": form,
        "delete_form": delete_form,
        "without": calendar.without_table(entry.day),
    }
    return render_template("holidays/edit.html", **context), status
