import pytest

from portal.domain.questionnaire import default_definition
from portal.domain.suitability import (
    DISCLOSURE_TYPES,
    FUND_RISK_GRADES,
    NOT_ASSESSED,
    PRODUCTS,
    Verdict,
    allowed_products,
    check,
    level_allows,
)

ALL_SIGNED = frozenset(DISCLOSURE_TYPES)

# SPEC §4 / Art. 8.5: what each level may be offered.
OFFERED = {
    "极低": {"fund_low", "bond"},
    "低": {"stock", "fund_mid", "fund_low", "bond"},
    "中": {"stock", "fund_high", "fund_mid", "fund_low", "bond"},
    "高": set(PRODUCTS),
}


def test_products_in_art_8_5_order():
    assert list(PRODUCTS) == [
        "stock",
        "fund_high",
        "fund_mid",
        "fund_low",
        "bond",
        "warrant",
        "chinext",
        "margin",
        "futures",
    ]
    assert [p.label for p in PRODUCTS.values()] == [
        "股票",
        "高风险等级基金",
        "中风险等级基金",
        "低风险等级基金",
        "债券",
        "权证",
        "创业板",
        "融资融券",
        "股指期货及其它金融衍生产品",
    ]
    assert all(code == product.code for code, product in PRODUCTS.items())


@pytest.mark.parametrize("level", list(OFFERED))
@pytest.mark.parametrize("code", list(PRODUCTS))
def test_level_by_product_table(level, code):
    expected = code in OFFERED[level]
    assert level_allows(level, code) is expected
    verdict = check(code, level, ALL_SIGNED)
    assert verdict.allowed is expected
    if expected:
        assert verdict.reasons == []
    else:
        assert verdict.reasons == [
            f"客户风险承受能力为「{level}」，不适合推荐「{PRODUCTS[code].label}」"
            f"（需「{PRODUCTS[code].min_level}」"
            + ("" if PRODUCTS[code].min_level == "高" else "及以上")
            + "）"
        ]


@pytest.mark.parametrize("level", list(OFFERED))
def test_allowed_products(level):
    codes = [product.code for product in allowed_products(level)]
    assert set(codes) == OFFERED[level]
    assert codes == [code for code in PRODUCTS if code in OFFERED[level]]


def test_nothing_is_allowed_before_an_assessment():
    assert allowed_products(None) == []
    assert allowed_products("") == []
    for code in PRODUCTS:
        verdict = check(code, None, ALL_SIGNED)
        assert verdict == Verdict(False, [NOT_ASSESSED])
    assert NOT_ASSESSED == "客户尚未完成风险承受能力评估，请先评估"


def test_the_level_message():
    assert check("warrant", "低", ALL_SIGNED).reasons == [
        "客户风险承受能力为「低」，不适合推荐「权证」（需「高」）"
    ]
    assert check("fund_high", "低", set()).reasons == [
        "客户风险承受能力为「低」，不适合推荐「高风险等级基金」（需「中」及以上）"
    ]
    assert check("stock", "极低", set()).reasons == [
        "客户风险承受能力为「极低」，不适合推荐「股票」（需「低」及以上）"
    ]


@pytest.mark.parametrize("code", ["warrant", "margin", "chinext"])
def test_art_49_products_need_a_signed_disclosure(code):
    label = PRODUCTS[code].label
    missing = f"客户尚未签署「{label}」风险揭示书"
    assert check(code, "高", set()) == Verdict(False, [missing])
    assert check(code, "高", {c for c in DISCLOSURE_TYPES if c != code}) == Verdict(
        False, [missing]
    )
    assert check(code, "高", {code}) == Verdict(True, [])
    assert check(code, "高", [code]).allowed
    # Every reason is given at once.
    assert check(code, "中", set()).reasons == [
        f"客户风险承受能力为「中」，不适合推荐「{label}」（需「高」）",
        missing,
    ]
    assert check(code, None, set()).reasons == [NOT_ASSESSED, missing]


@pytest.mark.parametrize("code", ["stock", "fund_high", "fund_mid", "fund_low", "bond", "futures"])
def test_other_products_need_no_disclosure(code):
    assert PRODUCTS[code].disclosure is None
    assert check(code, "高", set()) == Verdict(True, [])
    assert check(code, "高").allowed


def test_disclosure_types():
    assert DISCLOSURE_TYPES == {
        "trading": "证券交易风险提示书",  # Art. 48, signed at opening
        "warrant": "权证风险揭示书",
        "margin": "融资融券交易风险揭示书",
        "chinext": "创业板市场投资风险揭示书",
    }
    needing = {p.code: p.disclosure for p in PRODUCTS.values() if p.disclosure}
    assert needing == {"warrant": "warrant", "chinext": "chinext", "margin": "margin"}


def test_unknown_product_or_level_is_an_error():
    with pytest.raises(ValueError, match="未知的产品类别"):
        check("gold", "高", set())
    with pytest.raises(ValueError, match="未知的风险承受能力等级"):
        check("stock", "一般", set())
    with pytest.raises(ValueError, match="未知的风险承受能力等级"):
        allowed_products("极高")


def test_fund_grades():
    assert PRODUCTS["fund_high"].fund_types == FUND_RISK_GRADES["高"]
    assert PRODUCTS["fund_mid"].fund_types == ("偏债型基金", "标准债券型基金", "普通债券型基金")
    assert PRODUCTS["fund_low"].fund_types == ("中短债型基金", "保本型基金", "货币型基金")
    assert "灵活配置型基金" in FUND_RISK_GRADES["高"]


def test_questionnaire_v1_tables_agree():
    definition = default_definition()
    assert [
        (rule.code, rule.label, rule.min_level, rule.disclosure) for rule in definition.products
    ] == [(p.code, p.label, p.min_level, p.disclosure) for p in PRODUCTS.values()]
    assert dict(definition.fund_risk_grades) == FUND_RISK_GRADES
    # Art. 8.5's text for each level names what allowed_products gives.
    for level in definition.levels:
        text = level.may_offer
        codes = {p.code for p in allowed_products(level.level)}
        assert ("股票" in text) == ("stock" in codes)
        assert ("权证" in text) == ("warrant" in codes)
        assert ("高中低风险等级基金" in text) == ("fund_high" in codes)
        assert text.startswith("低风险等级基金") or "中低风险等级基金" in text
