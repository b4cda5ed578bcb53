"""A client's identity by type (SPEC §8): a person's resident ID gives birthday and gender; an
institution has a 统一社会信用代码 (GB 32100) or another organisation document, no gender or
birthday, and a 经办人 with their own document and mobile."""

from datetime import date

import pytest

from portal.domain.idcard import build_resident_id
from portal.domain.identity import check, parse_uscc, uscc_check_char

PERSON_ID = build_resident_id("310101", date(1980, 5, 17), 124)  # even: 女
FIRM = {
    "client_type": "institution",
    "id_type": "uscc",
    "id_number": "91350100M000100Y43",
    "agent_name": "陈经办",
    "agent_id_type": "resident",
    "agent_id_number": PERSON_ID,
    "agent_phone": "13811112222",
}


@pytest.mark.parametrize(
    "code",
    ["91350100M000100Y43", "91110000802100433B", "91440300708461136T", " 91350100m000100y43 "],
)
def test_real_codes_pass_and_are_normalised(code):
    assert parse_uscc(code) == code.strip().upper()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91350100M000100Y4", "统一社会信用代码应为18位"),
        ("91350100M000100Y44", "统一社会信用代码校验位错误"),
        ("91350100M0001O0Y43", "统一社会信用代码只含数字和大写字母（不含I、O、S、V、Z）"),
        ("91350100M000I00Y43", "统一社会信用代码只含数字和大写字母（不含I、O、S、V、Z）"),
    ],
)
def test_broken_codes_say_what_is_wrong(code, message):
    with pytest.raises(ValueError, match=message):
        parse_uscc(code)


def test_the_check_character_can_be_zero():
    # A check value of 31 wraps to 0: find such a code and see that it passes.
    body = next(
        f"9131000{n:010d}" for n in range(10_000) if uscc_check_char(f"9131000{n:010d}") == "0"
    )
    assert parse_uscc(body + "0") == body + "0"


def test_a_person_takes_birthday_and_gender_from_a_resident_id():
    result = check({"id_number": PERSON_ID.lower()})
    assert result.errors == {}
    assert result.values["gender"] == "女" and result.values["birthday"] == date(1980, 5, 17)
    assert result.values["client_type"] == "individual" and result.values["agent_name"] == ""
    wrong = check({"id_number": PERSON_ID, "gender": "男", "birthday": date(1980, 5, 18)})
    assert wrong.errors == {
        "birthday": "生日与身份证号码不符（号码中的生日为1980-05-17）",
        "gender": "性别与身份证号码不符（号码显示为女）",
    }


def test_a_person_with_a_passport_needs_a_gender_and_no_organisation_document():
    assert check({"id_type": "passport", "id_number": "E1234567"}).errors == {
        "gender": "请选择性别"
    }
    assert check({"id_type": "uscc", "id_number": "91350100M000100Y43", "gender": "男"}).errors == {
        "id_type": "个人的证件类型应为居民身份证、护照或通行证等"
    }


def test_an_institution_has_no_gender_or_birthday_and_needs_its_agent():
    result = check(FIRM | {"gender": "男", "birthday": date(2000, 1, 1)})
    assert result.errors == {}
    assert (result.values["gender"], result.values["birthday"]) == ("", None)
    assert result.values["agent_id_number"] == PERSON_ID
    missing = check(
        {"client_type": "institution", "id_type": "uscc", "id_number": "91350100M000100Y43"}
    )
    assert missing.errors == {
        "agent_name": "机构客户须填写经办人姓名",
        "agent_id_number": "请填写证件号码",
        "agent_phone": "机构客户须填写经办人手机号码",
    }
    bad = check(FIRM | {"agent_id_number": PERSON_ID[:-1] + "0", "agent_phone": "2381111"})
    assert set(bad.errors) == {"agent_id_number", "agent_phone"}


def test_an_institution_may_have_another_organisation_document_but_not_a_personal_one():
    assert check(FIRM | {"id_type": "biz_license", "id_number": "310115000123456"}).errors == {}
    assert check(FIRM | {"id_type": "resident", "id_number": PERSON_ID}).errors == {
        "id_type": "机构客户的证件类型应为统一社会信用代码或其他机构证件"
    }
    assert check(FIRM | {"client_type": "company"}).errors == {
        "client_type": "客户类型应为个人或机构"
    }
