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
    ("text", "rule", "matched"),
    [
        # the policy's own wording (第五十九条第3款(6))
        ("分享投资收益", "sharing_gains_losses", "分享投资收益"),
        ("与客户约定分享投资收益或者分担投资损失", "sharing_gains_losses", "分享投资收益"),
        ("赚了我们五五分成", "sharing_gains_losses", "赚了我们五五分成"),
        ("收益我们平分", "sharing_gains_losses", "收益我们平分"),
        ("亏了我给你补", "sharing_gains_losses", "亏了我给你补"),
        ("赔了算我的", "sharing_gains_losses", "赔了算我的"),
        ("亏损我们一起承担", "sharing_gains_losses", "亏损我们一起承担"),
        ("放心买，以后和您分享收益", "sharing_gains_losses", "和您分享收益"),
        ("这个产品绝对没有风险", "guaranteed_return", "绝对没有风险"),
        ("开户就免费送股", "black_horse", "免费送股"),
        ("这只票保证翻倍", "guaranteed_return", "保证翻倍"),
        ("年底前肯定翻倍", "guaranteed_return", "肯定翻倍"),
        ("拿到明年一定能翻番", "guaranteed_return", "一定能翻番"),
    ],
)
def test_sharing_gains_no_risk_free_shares_and_doubling_promises(text, rule, matched):
    hits = [hit for hit in screen(text) if hit.rule == rule]
    assert [hit.matched for hit in hits][:1] == [matched], screen(text)


@pytest.mark.parametrize(
    "text",
    [
        "分 享 投 资 收 益",
        "赚了，我们 五五 分成！",
        "收益：我们平分",
        "亏了 我给你 补",
        "赔了，算我的",
        "亏损——我们一起承担",
        "绝对 没有 风险",
        "免 费 送 股",
        "保证·翻倍",
        "肯 定 翻 倍",
    ],
)
def test_the_new_phrases_split_by_spaces_or_punctuation_are_still_caught(text):
    assert screen(text), text


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
        "建议分批买入，注意控制仓位",
        "该基金近一年收益率较高，但过往业绩不代表未来",
        "本周大盘震荡，风险较大",
        "分红方案已公布",
        "两只股票平分仓位",
        "机构将该股目标价上调至50元。",
        "如果业绩翻倍，当前估值并不算高。",
        "股价年内已经翻倍，注意回调风险。",
        "股市有风险，不能保证翻倍。",
        "这只股票不一定翻倍，建议观望。",
        "投资亏损由客户自行承担，请理性投资。",
        "如果亏损，我们会及时提醒您止损。",
        "亏了我建议先止损，不要急于补仓。",
        "客户没有风险测评记录，请先完成评估。",
        "投资有风险，并不是绝对没有风险。",
        "高送转方案为每10股送5股。",
        "和您分享收益率数据供参考。",
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
    with pytest.raises(ValueError, match="筛查规则无效"):
        load_rules({"rules": [{"code": "x", "patterns": ["(未闭合"]}]})
    with pytest.raises(ValueError, match="空文本"):
        load_rules({"rules": [{"code": "x", "patterns": ["(保证)?"]}]})


def test_a_rule_may_be_patterns_only_matched_on_the_folded_text():
    rules = load_rules({"negations": ["不"], "rules": [{"code": "x", "patterns": ["包(能)?翻倍"]}]})
    (hit,) = screen("这只票包 - 翻倍", rules)
    assert (hit.rule, hit.matched) == ("x", "包 - 翻倍")
    assert screen("不包翻倍", rules) == []
