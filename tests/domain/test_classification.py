from decimal import Decimal

import pytest

from portal.domain.classification import (
    ASSET_BAND_FLOORS,
    CLASS_INFO,
    CLASSES,
    classify,
    describe,
    suggested_threshold,
    turnover_rate,
)

BELOW = Decimal("2.9999")
AT = Decimal("3")


@pytest.mark.parametrize(
    ("assets", "low", "high"),
    [
        ("0", "G", "G"),
        ("9999.99", "G", "G"),
        ("10000", "E", "F"),
        ("99999.99", "E", "F"),
        ("100000", "D-", "C-"),
        ("499999.99", "D-", "C-"),
        ("500000", "D", "C"),
        ("999999.99", "D", "C"),
        ("1000000", "A", "B"),
        ("4999999.99", "A", "B"),
        ("5000000", "A+", "B+"),
        ("123456789.00", "A+", "B+"),
    ],
)
def test_band_edges(assets, low, high):
    assert classify(Decimal(assets), BELOW) == low
    assert classify(Decimal(assets), AT) == high
    assert classify(Decimal(assets), Decimal("10")) == high


def test_negative_assets_are_g():
    assert classify(Decimal("-5"), Decimal("8")) == "G"


def test_custom_threshold():
    assert classify(Decimal("600000"), Decimal("3"), threshold=Decimal("4")) == "D"
    assert classify(Decimal("600000"), Decimal("4"), threshold=Decimal("4")) == "C"
    assert classify(Decimal("2000000"), Decimal("1.5"), Decimal("1.5")) == "B"


def test_int_accepted():
    assert classify(1_000_000, 3) == "B"


@pytest.mark.parametrize(
    "args",
    [
        (1_000_000.0, Decimal("1")),
        (Decimal("1000000"), 3.0),
        (Decimal("1000000"), Decimal("1"), 3.0),
        (True, Decimal("1")),
    ],
)
def test_float_rejected(args):
    with pytest.raises(TypeError):
        classify(*args)


def test_nan_rejected():
    with pytest.raises(ValueError):
        classify(Decimal("NaN"), Decimal("1"))


def test_class_tables():
    assert CLASSES == ("A+", "B+", "A", "B", "C", "D", "C-", "D-", "E", "F", "G")
    assert list(CLASS_INFO) == list(CLASSES)
    assert CLASS_INFO["C"] == ("50万-100万", "高周转")
    assert CLASS_INFO["D-"] == ("10万-50万", "低周转")
    assert CLASS_INFO["G"] == ("1万以下", "不限")
    floors = ("0", "10000", "100000", "500000", "1000000", "5000000")
    assert tuple(map(str, ASSET_BAND_FLOORS)) == floors


def test_describe():
    assert describe("A+") == "资产500万以上，周转率低"
    assert describe("C") == "资产50万-100万，周转率高"
    assert describe("G") == "资产1万以下，周转率不限"


def test_turnover_rate():
    assert turnover_rate(Decimal("3000000"), Decimal("1000000")) == Decimal("3.0000")
    assert turnover_rate(Decimal("1"), Decimal("3")) == Decimal("0.3333")
    assert turnover_rate(Decimal("2"), Decimal("3")) == Decimal("0.6667")
    assert turnover_rate(Decimal("100"), Decimal("0")) == Decimal("0")
    assert turnover_rate(Decimal("100"), Decimal("-1")) == Decimal("0")
    with pytest.raises(TypeError):
        turnover_rate(100.0, Decimal("1"))


def test_suggested_threshold():
    assert suggested_threshold([]) is None
    assert suggested_threshold([Decimal("3"), Decimal("4")]) is None
    assert suggested_threshold([Decimal("2.5"), Decimal("3.1"), Decimal("4.05")]) == Decimal("3.22")
    # Only the last three years count.
    years = [Decimal("100"), Decimal("1"), Decimal("2"), Decimal("3")]
    assert suggested_threshold(years) == Decimal("2.00")
