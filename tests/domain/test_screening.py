import pytest

from portal.domain.screening import default_rules, highlight_spans, load_rules, screen


def codes(text):
    return [hit.rule for hit in screen(text)]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("这只股票保证收益，放心买。", "guaranteed_return"),
        ("跟着我操作，稳赚不赔！", "guaranteed_return"),
        ("这个品种零风险", "guaranteed_return"),
        ("今天给您推荐一只黑马", "black_horse"),
        ("开户即送：免费赠股活动", "black_horse"),
        ("我有内幕消息，下周重组", "inside_info"),
        ("您把账户交给我，我帮您操作", "trading_for_client"),
        ("赚了我们收益分成，亏损我承担", "sharing_gains_losses"),
        ("我们的荐股成功率很高，百发百中", "exaggerated_record"),
        ("加我私人微信，每天发票给你", "unregistered_channels"),
        ("咨询费转到我个人账户就行", "unregistered_account"),
        ("我们几个一起拉抬股价", "manipulation"),
    ],
)
def test_each_kind_of_forbidden_claim_is_caught(text, rule):
    assert rule in codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "保 证 收 益",
        "保-证-收-益",
        "稳，赚",
        "黑　马",
        "保\u200b证收益",
        "免费 赠 股",
        "ＢＡＯ稳 赚",
    ],
)
def test_phrases_split_by_spaces_or_punctuation_are_still_caught(text):
    assert screen(text), text


def test_the_hit_reports_the_text_as_written():
    text = "放心，这只票保 证-收益，月底见。"
    (hit,) = screen(text)
    assert hit.matched == "保 证-收益"
    assert text[hit.start : hit.end] == hit.matched
    assert hit.clause.startswith("第五十九条") and hit.name == "做出投资收益保证"


@pytest.mark.parametrize(
    "text",
    [
        "建议关注银行板块，逢低分批建仓，注意控制仓位。",
        "该股短期涨幅较大，存在回调风险，建议减仓锁定部分利润。",
        "您的风险承受能力为中，可以配置部分保本型基金和债券。",
        "股市有风险，我们不能保证收益，请您理性投资。",
        "任何投资都并非零风险，请您注意。",
        "这只股票不一定涨，建议观望。",
        "大盘短期震荡，行业轮动加快，个股注意业绩兑现。",
        "我们无法向您保证收益，请以公告为准。",
        "",
    ],
)
def test_ordinary_advice_raises_no_alarm(text):
    assert screen(text) == []


def test_several_hits_in_order_and_highlight():
    text = "黑马来了，稳赚！"
    hits = screen(text)
    assert [h.rule for h in hits] == ["black_horse", "guaranteed_return"]
    pieces = highlight_spans(text, hits)
    assert "".join(piece for piece, _ in pieces) == text
    assert [piece for piece, hit in pieces if hit] == ["黑马", "稳赚"]


def test_rules_cover_every_prohibition_of_article_59():
    clauses = " ".join(rule.clause for rule in default_rules().rules)
    for n in range(1, 14):
        assert f"({n})" in clauses, n


def test_broken_rule_files_are_refused():
    with pytest.raises(ValueError, match="筛查规则无效"):
        load_rules({"rules": [{"code": "x", "phrases": []}]})
    with pytest.raises(ValueError):
        load_rules({"rules": [{"code": "x", "phrases": ["a"]}, {"code": "x", "phrases": ["b"]}]})
