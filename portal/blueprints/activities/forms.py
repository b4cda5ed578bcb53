"""Forms of a manager's activity: contacts, 附件6, readiness, 附件2, 附件5 and the comment."""

from datetime import timedelta

from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional, ValidationError

from portal.domain import visits
from portal.domain.beijing import china_now, china_today
from portal.forms import (
    ClientField,
    DecimalField,
    Form,
    choices,
    given,
    max_length,
    required,
    sensible_year,
)
from portal.services.weekly import MAX_PLAN

TEXT = [max_length(2000)]
FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class ContactForm(Form):
    """One short form to log a contact — or plan one — from the client's file."""

    kind = SelectField("联系方式", choices=choices(visits.KINDS.items()), default="home")
    status = RadioField(
        "状态",
        choices=choices([("done", "已完成"), ("planned", "计划拜访")]),
        default="done",
    )
    at = DateTimeLocalField(
        "时间", format=FORMATS, validators=[given("时间"), sensible_year], default=china_now
    )
    place = StringField("拜访地点", validators=[max_length(100)])
    content = TextAreaField("拜访主要内容", validators=TEXT)
    improvements = TextAreaField("拜访后改进事项", validators=TEXT)
    core_client = BooleanField("核心客户", default=True)

    def validate_at(self, field):
        if field.data is None or self.status.data != "done":
            return
        if field.data > china_now() + timedelta(minutes=5):
            raise ValidationError("已完成的拜访时间不能晚于现在；以后的拜访请选择“计划拜访”。")

    def validate_content(self, field):
        if self.status.data == "done" and not (field.data or "").strip():
            raise ValidationError("请填写拜访主要内容。")

    def contact_data(self) -> dict:
        return {k: v for k, v in self.data.items() if k != "csrf_token"}


class CompleteForm(ContactForm):
    """Marking a planned contact done: what happened, and when."""

    status = None  # always done

    def validate_at(self, field):
        if field.data is not None and field.data > china_now() + timedelta(minutes=5):
            raise ValidationError("拜访时间不能晚于现在。")

    def validate_content(self, field):
        if not (field.data or "").strip():
            raise ValidationError("请填写拜访主要内容。")

    def contact_data(self) -> dict:
        return super().contact_data() | {"status": "done"}


class AspectForm(Form):
    """One row of 附件6 (a sub-form: no CSRF token of its own)."""

    class Meta:
        csrf = False

    rating = RadioField("效果评估", choices=choices((r, r) for r in visits.RATINGS))
    went_well = TextAreaField("这次做的好的地方", validators=[max_length(1000)])
    to_improve = TextAreaField("可以改进的地方", validators=[max_length(1000)])
    next_time = TextAreaField("下次接触该做什么", validators=[max_length(1000)])

    def validate_rating(self, field):
        if field.data not in visits.RATINGS:
            raise ValidationError("请选择效果评估。")


class EvaluationForm(Form):
    """附件6 登门拜访客户自我评估表."""

    evaluated_on = DateField("日期", validators=[given("日期"), sensible_year], default=china_today)
    preparation = FormField(AspectForm, label=visits.ASPECTS["preparation"])
    etiquette = FormField(AspectForm, label=visits.ASPECTS["etiquette"])
    communication = FormField(AspectForm, label=visits.ASPECTS["communication"])
    knowledge = FormField(AspectForm, label=visits.ASPECTS["knowledge"])
    technique = FormField(AspectForm, label=visits.ASPECTS["technique"])

    def validate_evaluated_on(self, field):
        if field.data and field.data > china_today():
            raise ValidationError("日期不能晚于今天。")

    def aspects(self):
        return [(code, self[code]) for code in visits.ASPECTS]

    def evaluation_data(self) -> dict:
        return {k: v for k, v in self.data.items() if k != "csrf_token"}

    def fill_from(self, evaluation) -> None:
        """Show a saved evaluation (on GET)."""
        self.evaluated_on.data = evaluation.evaluated_on
        for item in evaluation.items:
            self[item.aspect].form.process(None, obj=item)


class ReadinessForm(Form):
    """准备完成的标准: the six questions of the visit guidance."""

    mind = BooleanField(visits.READINESS[0].question)
    rehearsal = BooleanField(visits.READINESS[1].question)
    self_ready = BooleanField(visits.READINESS[2].question)
    client_known = BooleanField(visits.READINESS[3].question)
    content = BooleanField(visits.READINESS[4].question)
    atmosphere = BooleanField(visits.READINESS[5].question)
    note = TextAreaField("准备说明", validators=[max_length(2000)])

    def questions(self):
        return [(q, self[q.field]) for q in visits.READINESS]


class ConsultationForm(Form):
    """One 理财咨询 row of 附件2 (a sub-form)."""

    class Meta:
        csrf = False

    client_id = ClientField("理财咨询客户姓名")
    summary = StringField("咨询内容概要", validators=[max_length(500)])


class WorkLogForm(Form):
    """附件2 工作日志记录表 (the counted figures are shown, not typed)."""

    morning_notes = TextAreaField("晨会纪要", validators=TEXT)
    product_sales = DecimalField(
        "产品销售（万元/天）",
        places=2,
        validators=[
            Optional(),
            NumberRange(min=0, max=99999999, message="产品销售应为不小于0的万元数。"),
        ],
    )
    consultations = FieldList(FormField(ConsultationForm), min_entries=0, max_entries=30)
    plan_review = TextAreaField("昨日计划完成情况", validators=TEXT)
    insights = TextAreaField("今日心得", validators=TEXT)
    tomorrow_plan = TextAreaField("明日计划", validators=TEXT)

    def validate_consultations(self, field):
        for entry in field.entries:
            if (entry.form.summary.data or "").strip() and not entry.form.client_id.data:
                entry.form.client_id.errors.append("请选择客户。")
                raise ValidationError("理财咨询须选择客户。")

    def log_data(self) -> dict:
        return {k: v for k, v in self.data.items() if k not in ("csrf_token", "consultations")}

    def consultation_rows(self) -> list[dict]:
        return [
            {"client_id": e.form.client_id.data, "summary": e.form.summary.data}
            for e in self.consultations.entries
        ]


def _plan(label: str) -> IntegerField:
    return IntegerField(
        label,
        default=0,
        validators=[
            given(label),
            NumberRange(min=0, max=MAX_PLAN, message=f"应为0到{MAX_PLAN}之间的整数。"),
        ],
    )


class WeeklyForm(Form):
    """附件5 周工作总结表: what the manager writes (the counts are computed)."""

    work_news = TextAreaField("工作动态（一周内的主要工作）", validators=TEXT)
    client_feedback = TextAreaField("客户反馈意见和建议", validators=TEXT)
    own_suggestions = TextAreaField("个人意见和建议", validators=TEXT)
    summary = TextAreaField("本周总结", validators=TEXT)
    plan_home = _plan("下周计划·上门拜访")
    plan_phone = _plan("下周计划·电话拜访")
    plan_onsite = _plan("下周计划·现场拜访")
    plan_new_client = _plan("下周计划·新增客户")

    def summary_data(self) -> dict:
        return {k: v for k, v in self.data.items() if k != "csrf_token"}


class CommentForm(Form):
    head_comment = TextAreaField("营业部点评", validators=[required("点评"), max_length(2000)])


class DayForm(Form):
    """The day of a work log chosen on a page (GET, no CSRF)."""

    class Meta:
        csrf = False

    day = DateField("日期")
