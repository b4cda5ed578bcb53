from datetime import date

import pytest

from portal.domain.sms import TemplateError, check_template, due_dates, render


@pytest.mark.parametrize(
    ("opened", "two_weeks", "three_months"),
    [
        (date(2025, 11, 30), date(2025, 12, 14), date(2026, 2, 28)),  # SPEC §5
        (date(2023, 11, 30), date(2023, 12, 14), date(2024, 2, 29)),  # leap year
        (date(2025, 11, 29), date(2025, 12, 13), date(2026, 2, 28)),
        (date(2025, 10, 31), date(2025, 11, 14), date(2026, 1, 31)),  # over the year end
        (date(2025, 12, 20), date(2026, 1, 3), date(2026, 3, 20)),  # year end
        (date(2025, 5, 31), date(2025, 6, 14), date(2025, 8, 31)),
        (date(2025, 3, 31), date(2025, 4, 14), date(2025, 6, 30)),  # 30-day month
        (date(2024, 2, 15), date(2024, 2, 29), date(2024, 5, 15)),  # leap February
        (date(2025, 2, 15), date(2025, 3, 1), date(2025, 5, 15)),
    ],
)
def test_due_dates(opened, two_weeks, three_months):
    assert due_dates(opened) == (two_weeks, three_months)


def test_render_fills_placeholders():
    text = "尊敬的{客户}：您好！我是{营业部}客户经理{客户经理}，电话{联系电话}。"
    values = {"客户": "张三", "营业部": "城东营业部", "客户经理": "李四", "联系电话": "13800000000"}
    assert render(text, values) == "尊敬的张三：您好！我是城东营业部客户经理李四，电话13800000000。"


def test_unknown_placeholder_is_a_clear_error():
    with pytest.raises(TemplateError) as err:
        check_template("尊敬的{客户}，您的{生日}快乐")
    assert "{生日}" in str(err.value)
    assert "未知的占位符" in str(err.value)
