"""Art. 44 staff phrases: the courteous ones as data, the forbidden ones screened by
``screen_service`` — measured on a labelled set (tests/data/service_phrases_labelled.tsv: 90
texts, half rude answers in the policy's and other words, half ordinary notes and polite answers
sharing their words)."""

import json
from pathlib import Path

import pytest

from portal.domain.screening import (
    COURTEOUS_PHRASES,
    SERVICE_PHRASES_PATH,
    highlight_spans,
    screen,
    screen_service,
    service_rules,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "service_phrases_labelled.tsv"


def labelled() -> list[tuple[str, str]]:
    lines = DATA.read_text("utf-8").splitlines()
    return [tuple(line.split("\t", 1)) for line in lines if line and not line.startswith("#")]


def test_the_policy_lists_fifteen_courteous_and_eighteen_forbidden_phrases():
    assert len(COURTEOUS_PHRASES) == 15
    assert COURTEOUS_PHRASES[0] == "您好，某某证券*营业部！"
    assert COURTEOUS_PHRASES[-1] == "由于我们的疏忽给您添了麻烦，对不起！"
    rules = service_rules().rules
    assert len(rules) == 18
    assert [rule.clause for rule in rules] == [f"第四十四条第2款({n})" for n in range(1, 19)]
    assert rules[1].name == "不知道。" and rules[3].name == "怎么填的，重新填！"


def test_every_forbidden_phrase_as_the_policy_writes_it_is_caught_by_its_own_rule():
    for rule in service_rules().rules:
        assert rule.code in {hit.rule for hit in screen_service(rule.name)}, rule.name


def test_no_courteous_phrase_is_flagged():
    assert [p for p in COURTEOUS_PHRASES if screen_service(p)] == []


def test_a_note_that_shares_the_words_of_a_forbidden_answer_is_not_one():
    assert screen_service("客户不知道如何使用网上交易，已约时间现场演示。") == []
    assert screen_service("您的申请表填写有误，麻烦您重新填写一份，好吗？") == []
    assert [h.rule for h in screen_service("不知道。")] == ["s02"]
    assert [h.rule for h in screen_service("怎么填的，重新填！")] == ["s04"]


def test_hits_give_the_text_as_written_with_offsets_in_the_whole_text():
    text = "您好，已收到您的来信。不知道。请稍后再来电。"
    [hit] = screen_service(text)
    assert (hit.matched, text[hit.start : hit.end]) == ("不知道", "不知道")
    assert hit.name == "不知道。" and hit.clause == "第四十四条第2款(2)"
    assert "".join(piece for piece, _ in highlight_spans(text, [hit])) == text


def test_empty_text_has_no_hits():
    assert screen_service("") == [] and screen_service(None) == []


def test_the_art_59_screening_keeps_its_own_rules():
    assert screen("不知道。") == []
    assert screen_service("我保证您稳赚不赔。") == []


def test_the_rules_are_data_in_the_seed_file():
    raw = json.loads(SERVICE_PHRASES_PATH.read_text("utf-8"))
    assert tuple(raw["courteous"]) == COURTEOUS_PHRASES
    assert [r["name"] for r in raw["rules"]] == [r.name for r in service_rules().rules]


def test_the_labelled_set_is_half_rude_half_ordinary():
    rows = labelled()
    rude = sum(expected != "-" for expected, _ in rows)
    assert len(rows) >= 60 and abs(rude - (len(rows) - rude)) <= 5
    assert {e for e, _ in rows if e != "-"} == {r.code for r in service_rules().rules}


@pytest.mark.parametrize(("expected", "text"), [r for r in labelled() if r[0] != "-"])
def test_every_rude_answer_of_the_labelled_set_is_caught_by_its_rule(expected, text):
    assert expected in {hit.rule for hit in screen_service(text)}


@pytest.mark.parametrize("text", [t for e, t in labelled() if e == "-"])
def test_no_ordinary_text_of_the_labelled_set_is_flagged(text):
    assert screen_service(text) == []


def test_precision_and_recall_on_the_labelled_set():
    caught = missed = false_alarms = 0
    for expected, text in labelled():
        flagged = bool(screen_service(text))
        if expected == "-":
            false_alarms += flagged
        else:
            caught += flagged
            missed += not flagged
    precision = caught / (caught + false_alarms)
    recall = caught / (caught + missed)
    print(f"Art. 44 labelled set: precision {precision:.2f}, recall {recall:.2f}")
    assert precision >= 0.95 and recall >= 0.95
