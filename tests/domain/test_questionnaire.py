import copy
import json
import re

import pytest

from portal.domain import questionnaire
from portal.domain.questionnaire import (
    V1_PATH,
    AnswerError,
    answer_errors,
    default_definition,
    evaluate,
    load_definition,
    max_total,
    min_total,
    normalise_answers,
    risk_level,
    score_answers,
)

# SPEC §4 table: question → scores of A, B, C, …
SPEC_SCORES = {
    1: [1, 2, 3, 4, 5],
    2: [1, 2, 3, 5],
    3: [0, 1, 2, 3, 5],
    4: [2, 3, 4, 5],
    5: [1, 3, 5],
    6: [2, 3, 4, 5],
    7: [1, 3, 5],
    8: [1, 3, 5],
    9: [1, 2, 3, 4, 5],
    10: [2, 3, 4, 5],
    11: [1, 3, 5],
    12: [1, 2, 3, 4, 5],
}

ALL_A = {number: "A" for number in range(1, 13)}
ALL_A[9] = ["A"]
ALL_TOP = {number: "ABCDE"[len(scores) - 1] for number, scores in SPEC_SCORES.items()}
ALL_TOP[9] = ["A", "B", "C", "D", "E"]


def answers_for(total: int) -> dict:
    """Answers (one letter per question, Q9 as a list) whose total is ``total``."""
    remaining = total - 14
    answers = {}
    for number, scores in SPEC_SCORES.items():
        lowest = min(scores)
        pick = max(
            (i for i, score in enumerate(scores) if score - lowest <= remaining),
            key=lambda i: scores[i],
        )
        remaining -= scores[pick] - lowest
        answers[number] = "ABCDE"[pick]
    assert remaining == 0
    answers[9] = [answers[9]]
    return answers


def raw_v1() -> dict:
    return json.loads(V1_PATH.read_text(encoding="utf-8"))


def message(error: pytest.ExceptionInfo) -> str:
    return str(error.value)


# --------------------------------------------------------------------------- the definition


def test_v1_matches_spec_table_and_seed_text():
    definition = default_definition()
    assert definition.version == 1
    assert definition.title == "某某证券客户投资风险承受力评估调查表"
    assert [q.number for q in definition.questions] == list(range(1, 13))
    assert {q.number: [o.score for o in q.options] for q in definition.questions} == SPEC_SCORES
    assert [q.number for q in definition.questions if q.multiple] == [9]
    assert definition.notice.startswith("尊敬的客户：\n为了便于您对自身的风险偏好有个初步的了解")
    assert definition.notice.endswith("（以下各题如未特别标注，均为单选题）")
    assert definition.reminder.startswith("郑重提醒：请您核对上述调查表及风险评估结果")
    q1 = definition.question(1)
    assert q1.text == "如果您现在有一笔闲散资金，您首先会考虑投资以下哪个品种？（ ）"
    assert q1.display_text == "如果您现在有一笔闲散资金，您首先会考虑投资以下哪个品种？"
    assert [o.text for o in q1.options] == ["储蓄", "债券", "基金", "股票", "期货"]
    assert definition.question(9).display_text.endswith("（可以选择多项）")
    assert definition.question(9).option("C").text == "开放式基金（不包括货币型基金和债券型基金）"
    assert [(lv.level, lv.min, lv.max) for lv in definition.levels] == [
        ("极低", 0, 18),
        ("低", 19, 35),
        ("中", 36, 45),
        ("高", 46, 60),
    ]
    assert definition.level_info("极低").may_offer == "低风险等级基金、债券"
    assert definition.fund_risk_grades["低"] == ("中短债型基金", "保本型基金", "货币型基金")


def test_scoring_standard_text_agrees_with_option_scores():
    definition = default_definition()
    lines = re.findall(r"^(\d+)、((?:[A-E]\d ?)+)$", definition.scoring_standard, re.M)
    assert len(lines) == 12
    for number, scores in lines:
        question = definition.question(int(number))
        assert scores.split() == [f"{o.letter}{o.score}" for o in question.options]


def test_v1_is_loaded_lazily_and_once():
    assert default_definition() is default_definition()
    assert questionnaire.DEFINITION_V1 is default_definition()
    with pytest.raises(AttributeError):
        _ = questionnaire.NO_SUCH_THING


def test_min_and_max_total():
    assert min_total() == 14
    assert max_total() == 60
    assert score_answers(ALL_A) == 14
    assert score_answers(ALL_TOP) == 60


# --------------------------------------------------------------------------- scoring and levels


@pytest.mark.parametrize(
    ("total", "level"),
    [
        (14, "极低"),
        (18, "极低"),
        (19, "低"),
        (35, "低"),
        (36, "中"),
        (45, "中"),
        (46, "高"),
        (60, "高"),
    ],
)
def test_level_edges(total, level):
    assert risk_level(total) == level
    answers = answers_for(total)
    assert score_answers(answers) == total
    result = evaluate(answers)
    assert (result.total, result.level) == (total, level)
    assert result.may_offer == default_definition().level_info(level).may_offer
    assert result.version == 1


def test_every_possible_total_has_a_level():
    for total in range(14, 61):
        assert score_answers(answers_for(total)) == total
        assert risk_level(total) in ("极低", "低", "中", "高")


@pytest.mark.parametrize("total", [13, 0, -1, 61, 100])
def test_impossible_totals_are_refused(total):
    with pytest.raises(ValueError, match=f"总分{total}分超出可能范围（14–60分）"):
        risk_level(total)


@pytest.mark.parametrize("total", ["20", 20.0, True, None])
def test_total_must_be_an_int(total):
    with pytest.raises(ValueError, match="总分必须是整数"):
        risk_level(total)


@pytest.mark.parametrize(
    ("q9", "score"),
    [
        (["A"], 1),
        (["A", "E"], 5),
        (["E", "A"], 5),
        (("B", "C"), 3),
        ({"A", "B", "D"}, 4),
        ("C", 3),
        ("a,d", 4),
        ("BE", 5),
        (["c", "C"], 3),
    ],
)
def test_q9_counts_the_highest_choice(q9, score):
    answers = {**ALL_A, 9: q9}
    assert score_answers(answers) == 14 - 1 + score


def test_letters_are_case_insensitive_and_keys_may_be_strings():
    answers = {str(n): letter.lower() for n, letter in ALL_TOP.items() if n != 9}
    answers["9"] = ["e", "a"]
    assert score_answers(answers) == 60
    answers["1"] = " ａ "  # full-width letter, stray spaces
    assert score_answers(answers) == 56


def test_normalise_answers_for_storing():
    answers = {str(n): "a" for n in range(1, 13)}
    answers["9"] = {"e", "b"}
    answers["12"] = ["c"]
    stored = normalise_answers(answers)
    assert list(stored) == list(range(1, 13))
    assert stored[1] == "A"
    assert stored[9] == ("B", "E")
    assert stored[12] == "C"
    assert score_answers(stored) == score_answers(answers) == 14 - 1 + 5 - 1 + 3
    assert evaluate(answers) == evaluate(stored)
    assert evaluate(answers).answers == stored


def test_evaluate_returns_the_normalised_answers():
    result = evaluate({**ALL_A, 9: "ea"})
    assert result.answers[9] == ("A", "E")
    assert result.total == 18
    assert result.level == "极低"


# --------------------------------------------------------------------------- bad answers


def with_(**changes):
    answers = dict(ALL_A)
    for key, value in changes.items():
        number = int(key[1:])
        if value is ...:
            del answers[number]
        else:
            answers[number] = value
    return answers


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (with_(q3=...), "第3题：未作答"),
        (with_(q4=None), "第4题：未作答"),
        (with_(q4=""), "第4题：未作答"),
        (with_(q4="  "), "第4题：未作答"),
        (with_(q5="E"), "第5题没有选项E"),
        (with_(q7="d"), "第7题没有选项D"),
        (with_(q1="Z"), "第1题没有选项Z"),
        (with_(q1="1"), "第1题：无效的选项「1」"),
        (with_(q1="A1"), "第1题：无效的选项「A1」"),
        (with_(q1=3), "第1题：无效的答案「3」"),
        (with_(q9=["A", 5]), "第9题：无效的选项「5」"),
        (with_(q9=["A", "F"]), "第9题没有选项F"),
        (with_(q2=["A", "B"]), "第2题为单选题，只能选择一项"),
        (with_(q2="AB"), "第2题为单选题，只能选择一项"),
        (with_(q9=[]), "第9题：至少选择一项"),
        (with_(q9=""), "第9题：至少选择一项"),
        (with_(q9=set()), "第9题：至少选择一项"),
        (with_(q9=None), "第9题：至少选择一项"),
        (with_(q9=...), "第9题：未作答"),
        ({**ALL_A, "13": "A"}, "没有第13题"),
        ({**ALL_A, 0: "A"}, "没有第0题"),
        ({**ALL_A, "x": "A"}, "题号无效：'x'"),
        ({**ALL_A, "1": "B"}, "第1题重复作答"),
    ],
)
def test_bad_answers_name_the_question(answers, expected):
    with pytest.raises(ValueError) as error:
        score_answers(answers)
    assert message(error) == expected
    with pytest.raises(ValueError) as again:
        normalise_answers(answers)
    assert message(again) == expected
    with pytest.raises(ValueError):
        evaluate(answers)


def test_answer_errors_lists_every_fault_with_its_question():
    errors = answer_errors({"1": "Z", 2: ["A", "B"], 9: [], 13: "A"})
    assert [str(e) for e in errors[:4]] == [
        "没有第13题",
        "第1题没有选项Z",
        "第2题为单选题，只能选择一项",
        "第3题：未作答",
    ]
    assert [e.question for e in errors[:4]] == [None, 1, 2, 3]
    assert "第9题：至少选择一项" in [str(e) for e in errors]
    assert len(errors) == 13  # no Q13, Q1, Q2, and Q3–Q12 (Q9 empty, the rest missing)
    assert all(isinstance(e, AnswerError) and isinstance(e, ValueError) for e in errors)
    assert answer_errors(ALL_A) == []


def test_answers_must_be_a_mapping():
    with pytest.raises(TypeError):
        score_answers(["A"] * 12)


# --------------------------------------------------------------------------- the loader


def test_load_from_path_and_dict(tmp_path):
    path = tmp_path / "q.json"
    path.write_text(json.dumps(raw_v1(), ensure_ascii=False), encoding="utf-8")
    assert load_definition(path) == load_definition(str(path)) == load_definition(raw_v1())
    assert load_definition(raw_v1()) == default_definition()


def broken(change) -> dict:
    data = copy.deepcopy(raw_v1())
    change(data)
    return data


def _set_level(index, key, value):
    return lambda d: d["levels"][index].__setitem__(key, value)


def _set_question(index, key, value):
    return lambda d: d["questions"][index].__setitem__(key, value)


def _set_option(q, o, key, value):
    return lambda d: d["questions"][q]["options"][o].__setitem__(key, value)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_set_level(1, "min", 20), "等级分数段不连续：「极低」止于18分，「低」始于20分"),
        (_set_level(1, "min", 18), "等级分数段不连续"),
        (_set_level(3, "max", 59), "等级分数段未覆盖最高可能总分60分"),
        (_set_level(0, "min", 15), "等级分数段未覆盖最低可能总分14分"),
        (_set_level(2, "min", 50), "min 大于 max"),
        (_set_level(2, "level", "一般"), "未知的风险承受能力等级 '一般'"),
        (_set_level(2, "level", "低"), "风险承受能力等级重复"),
        (_set_level(0, "max", "18"), "min/max 必须是整数"),
        (lambda d: d["levels"].reverse(), "顺序"),
        (lambda d: d.__setitem__("levels", []), "缺少 levels"),
        (_set_question(2, "number", 2), "题号重复：第2题"),
        (_set_question(11, "number", 13), "题号必须依次为 1 至 12"),
        (lambda d: d["questions"].pop(4), "题号必须依次为 1 至 11"),
        (_set_question(0, "number", "1"), "number 必须是整数"),
        (_set_question(0, "text", " "), "第1题缺少 text"),
        (_set_question(0, "multiple", "yes"), "multiple 必须是 true 或 false"),
        (_set_question(4, "options", [{"letter": "A", "text": "x", "score": 1}]), "至少需要两个"),
        (_set_option(1, 1, "letter", "A"), "第2题的第2个选项字母应为 B"),
        (_set_option(1, 1, "letter", "b"), "第2题的第2个选项字母应为 B"),
        (_set_option(1, 1, "score", "2"), "第2题选项B的分值必须是非负整数"),
        (_set_option(1, 1, "score", 2.5), "分值必须是非负整数"),
        (_set_option(1, 1, "score", True), "分值必须是非负整数"),
        (_set_option(1, 1, "score", -1), "分值必须是非负整数"),
        (_set_option(1, 1, "text", ""), "第2题选项B缺少 text"),
        (lambda d: d.__setitem__("version", 0), "version 必须是正整数"),
        (lambda d: d.__setitem__("questions", []), "缺少 questions"),
        (lambda d: d["products"][0].__setitem__("min_level", "一般"), "不是已定义的等级"),
        (lambda d: d["products"].append(d["products"][0]), "产品代码重复"),
        (lambda d: d["fund_risk_grades"].__setitem__("高", "偏股型基金"), "基金类型名称的列表"),
    ],
)
def test_loader_rejects_a_broken_definition(change, expected):
    with pytest.raises(ValueError, match=re.escape(expected)) as error:
        load_definition(broken(change))
    assert message(error).startswith("问卷定义无效：")


def test_a_higher_score_raises_the_possible_maximum():
    # Q1's E worth 6 makes 61 possible; the 高 band must then reach it.
    data = broken(_set_option(0, 4, "score", 6))
    with pytest.raises(ValueError, match="未覆盖最高可能总分61分"):
        load_definition(data)
    data["levels"][3]["max"] = 61
    definition = load_definition(data)
    assert max_total(definition) == 61
    assert risk_level(61, definition) == "高"
    assert score_answers(dict(ALL_TOP), definition) == 61
