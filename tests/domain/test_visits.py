"""The pure rules of a manager's activity: weekly points (附件5) and plan / achieved / gap."""

from portal.domain import visits


def test_points_are_4_1_1_and_2():
    # 附件5: 上门拜访 4分/次, 电话拜访 1分/次, 现场拜访 1分/次, 新增客户 2分/个.
    # (The example "= 16" does not add up: 2×4 + 3×1 + 1×1 + 1×2 = 14.)
    assert visits.weekly_points({"home": 2, "phone": 3, "onsite": 1, "new_client": 1}) == 14
    assert visits.weekly_points({"home": 2, "phone": 3, "onsite": 1, "new_client": 2}) == 16
    assert visits.weekly_points({"home": 1}) == 4
    assert visits.weekly_points({"phone": 1}) == visits.weekly_points({"onsite": 1}) == 1


def test_missing_kinds_count_zero_and_others_are_ignored():
    assert visits.weekly_points({}) == 0
    assert visits.weekly_points({"home": 1}) == 4
    assert visits.weekly_points({"new_client": 3}) == 6
    assert visits.weekly_points({"phone": 2, "email": 9, "sms": 4}) == 2


def test_only_the_three_visit_kinds_are_visits():
    assert visits.VISIT_KINDS == ("home", "phone", "onsite")
    assert set(visits.KINDS) == {"home", "phone", "onsite", "email", "sms", "other"}
    assert list(visits.WEEKLY_TYPES.values()) == ["上门拜访", "电话拜访", "现场拜访", "新增客户"]


def test_plan_achieved_gap_per_type():
    rows = visits.plan_rows(
        planned={"home": 3, "phone": 10, "onsite": 2},
        achieved={"home": 1, "phone": 12, "onsite": 2, "new_client": 1},
        next_plan={"home": 4},
    )
    table = {r.key: (r.planned, r.achieved, r.gap, r.gap_text, r.next_plan) for r in rows}
    assert table == {
        "home": (3, 1, 2, "2", 4),
        "phone": (10, 12, -2, "超额2", 0),
        "onsite": (2, 2, 0, "0", 0),
        "new_client": (0, 1, -1, "超额1", 0),
    }
    assert [r.label for r in rows] == ["上门拜访", "电话拜访", "现场拜访", "新增客户"]


def test_self_evaluation_has_the_five_aspects_and_four_ratings():
    assert list(visits.ASPECTS.values()) == [
        "准备工作",
        "商务礼仪",
        "人际沟通",
        "专业知识",
        "技巧运用",
    ]
    assert visits.RATINGS == ("优", "良", "合格", "差")
    assert len(visits.READINESS) == 6
    assert visits.READINESS[0].question == "是否建立心理上的准备"
