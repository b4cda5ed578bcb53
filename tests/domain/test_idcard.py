from datetime import date

import pytest

from portal.domain.idcard import (
    ID_TYPES,
    MSG_BIRTHDAY,
    MSG_CHECK,
    MSG_LENGTH,
    build_resident_id,
    check_digit,
    is_mobile,
    is_postcode,
    mask_id,
    mask_mobile,
    parse_resident_id,
)

FAMOUS = "11010519491231002X"


def test_famous_number():
    rid = parse_resident_id(FAMOUS)
    assert rid.number == FAMOUS
    assert rid.region == "110105"
    assert rid.birthday == date(1949, 12, 31)
    assert rid.gender == "女"


def test_lowercase_x_and_whitespace():
    assert parse_resident_id("  11010519491231002x\n").number == FAMOUS


def test_check_digit():
    assert check_digit("11010519491231002") == "X"
    with pytest.raises(ValueError):
        check_digit("1101051949123100")


@pytest.mark.parametrize(
    ("region", "birthday", "seq", "gender"),
    [
        ("440304", date(1990, 3, 7), 123, "男"),
        ("310101", date(1985, 12, 1), 42, "女"),
        ("500101", date(2000, 2, 29), 1, "男"),
        ("650102", date(1900, 1, 1), 998, "女"),
    ],
)
def test_build_and_parse_round_trip(region, birthday, seq, gender):
    number = build_resident_id(region, birthday, seq)
    assert len(number) == 18
    rid = parse_resident_id(number)
    assert (rid.birthday, rid.gender, rid.region) == (birthday, gender, region)


def test_known_valid_numbers():
    assert parse_resident_id("44030419900307123X").gender == "男"
    assert parse_resident_id("310101198512010423").gender == "女"


def test_build_rejects_bad_parts():
    with pytest.raises(ValueError):
        build_resident_id("44030", date(1990, 1, 1), 1)
    with pytest.raises(ValueError):
        build_resident_id("440304", date(1990, 1, 1), 1000)


def test_gender_parity():
    for seq in range(10):
        rid = parse_resident_id(build_resident_id("110105", date(1970, 6, 15), seq))
        assert rid.gender == ("男" if seq % 2 else "女")


def _with_check(first17):
    return first17 + check_digit(first17)


@pytest.mark.parametrize(
    "number",
    [
        FAMOUS[:17],
        FAMOUS + "1",
        "1101051949123100",
        "",
        "11010519491231A02X",
        "X10105194912310021",
        "11010519491231002Y",
        "１１０１０５１９４９１２３１００２Ｘ",
    ],
)
def test_bad_length_or_characters(number):
    with pytest.raises(ValueError, match=MSG_LENGTH):
        parse_resident_id(number)


@pytest.mark.parametrize(
    "first17",
    [
        "11010519490230002",  # Feb 30
        "11010519491331002",  # month 13
        "11010519490001002",  # month 0
        "11010519490100002",  # day 0
        "11010519010229002",  # 1901 is no leap year
        "11010518991231002",  # before 1900
        "11010599991231002",  # far future
    ],
)
def test_bad_birthday(first17):
    with pytest.raises(ValueError, match=MSG_BIRTHDAY):
        parse_resident_id(_with_check(first17))


def test_future_birthday_relative_to_today():
    number = build_resident_id("110105", date(2030, 1, 2), 1)
    with pytest.raises(ValueError, match=MSG_BIRTHDAY):
        parse_resident_id(number, today=date(2030, 1, 1))
    assert parse_resident_id(number, today=date(2030, 1, 2)).birthday == date(2030, 1, 2)


def test_bad_check_digit():
    with pytest.raises(ValueError, match=MSG_CHECK):
        parse_resident_id("110105194912310021")
    with pytest.raises(ValueError, match=MSG_CHECK):
        parse_resident_id("110105194912310029")


def test_masks():
    assert mask_id(FAMOUS) == "110***********002X"
    assert len(mask_id(FAMOUS)) == 18
    assert mask_id("E12345678") == "E12**5678"
    assert mask_id("1234567") == "*******"
    assert mask_id("") == ""
    assert mask_mobile("13812345678") == "138****5678"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812345678", True),
        ("19900000000", True),
        ("23812345678", False),
        ("1381234567", False),
        ("138123456789", False),
        ("1381234567a", False),
        ("１３８１２３４５６７８", False),
        ("", False),
    ],
)
def test_is_mobile(value, expected):
    assert is_mobile(value) is expected


def test_is_postcode():
    assert is_postcode("100000")
    assert not is_postcode("10000")
    assert not is_postcode("1000000")
    assert not is_postcode("10000a")


def test_id_types():
    assert ID_TYPES[0] == ("resident", "居民身份证")
    assert [code for code, _ in ID_TYPES] == [
        "resident",
        "passport",
        "hk_macao",
        "taiwan",
        "foreign_pr",
    ]
