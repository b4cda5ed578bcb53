"""Who a client is (SPEC §8, Art. 8.1): a person (个人) or an institution (机构), and the
documents that say so.

A person has a personal ID document (``idcard.ID_TYPES``), a gender and a birthday; a resident
ID's number is checked by its digit and its birthday and gender must agree with what is typed.
An institution has a 统一社会信用代码 (GB 32100-2015: 18 characters, the last a check
character) or another organisation document, no gender and no birthday, and a 经办人 — the
person acting for it — with their own personal ID document and mobile phone.

:func:`check` is the one place these rules are applied: the client form, the services that
save a client and the import of the trading system's client file all call it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from portal.domain import idcard

CLIENT_TYPES: dict[str, str] = {"individual": "个人", "institution": "机构"}
"""客户类型 (code → label)."""

ORG_ID_TYPES: tuple[tuple[str, str], ...] = (
    ("uscc", "统一社会信用代码"),
    ("org_code", "组织机构代码证"),
    ("biz_license", "营业执照"),
    ("other_org", "其他机构证件"),
)
"""An institution's documents (code, label); only ``uscc`` is checked by its check character."""

ALL_ID_TYPES: dict[str, str] = dict(idcard.ID_TYPES) | dict(ORG_ID_TYPES)
"""Every document type, code → label."""

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""GB 32100's 31 characters (no I, O, S, V, Z); a character's value is its place here."""
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC = re.compile(f"[{USCC_CHARS}]{{18}}")
_OTHER_DOCUMENT = re.compile(r"[0-9A-Z()（）-]{4,30}")

AGENT_FIELDS = ("agent_name", "agent_id_type", "agent_id_number", "agent_phone")
"""The 经办人's fields of an institution (empty for a person)."""


def id_types(client_type: str) -> tuple[tuple[str, str], ...]:
    """The document types a client of ``client_type`` may have."""
    return ORG_ID_TYPES if client_type == "institution" else idcard.ID_TYPES


def uscc_check_char(first17: str) -> str:
    """The check character of the first 17 characters of a 统一社会信用代码."""
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def parse_uscc(code: str) -> str:
    """A valid 统一社会信用代码, normalised (upper case, no spaces); ValueError in Chinese."""
    normalised = code.strip().upper()
    if len(normalised) != 18:
        raise ValueError("统一社会信用代码应为18位")
    if not _USCC.fullmatch(normalised):
        raise ValueError("统一社会信用代码只含数字和大写字母（不含I、O、S、V、Z）")
    if uscc_check_char(normalised[:17]) != normalised[17]:
        raise ValueError("统一社会信用代码校验位错误")
    return normalised


@dataclass
class Identity:
    """The identity fields of a client as checked: ``values`` normalised (a resident ID's
    birthday and gender as its number says; an institution's gender and birthday empty),
    ``errors`` field name → what is wrong (in Chinese, without a full stop)."""

    values: dict
    errors: dict[str, str] = field(default_factory=dict)


def check(values: dict, today: date | None = None) -> Identity:
    """Check the identity fields of a client: ``client_type``, ``id_type``, ``id_number``,
    ``gender``, ``birthday`` and, for an institution, :data:`AGENT_FIELDS`."""
    client_type = values.get("client_type") or "individual"
    result = Identity({"client_type": client_type})
    if client_type not in CLIENT_TYPES:
        result.errors["client_type"] = "客户类型应为个人或机构"
        return result
    id_type = values.get("id_type") or ("resident" if client_type == "individual" else "uscc")
    number = (values.get("id_number") or "").strip().upper()
    result.values |= {"id_type": id_type, "id_number": number}
    if client_type == "individual":
        _person(result, "", values, today)
        result.values |= dict.fromkeys(AGENT_FIELDS, "")
        return result
    result.values |= {"gender": "", "birthday": None}
    if id_type not in dict(ORG_ID_TYPES):
        result.errors["id_type"] = "机构客户的证件类型应为统一社会信用代码或其他机构证件"
    elif not number:
        result.errors["id_number"] = "请填写证件号码"
    elif id_type == "uscc":
        try:
            result.values["id_number"] = parse_uscc(number)
        except ValueError as error:
            result.errors["id_number"] = str(error)
    elif not _OTHER_DOCUMENT.fullmatch(number):
        result.errors["id_number"] = "证件号码应为4到30位字母或数字"
    _agent(result, values, today)
    return result


def _person(result: Identity, prefix: str, values: dict, today: date | None) -> None:
    """A person's document (``prefix`` ``agent_`` for a 经办人, who has no gender or birthday
    on file); a resident ID gives the birthday and gender."""
    id_type = values.get(f"{prefix}id_type") or "resident"
    number = (values.get(f"{prefix}id_number") or "").strip().upper()
    result.values |= {f"{prefix}id_type": id_type, f"{prefix}id_number": number}
    if id_type not in dict(idcard.ID_TYPES):
        result.errors[f"{prefix}id_type"] = "个人的证件类型应为居民身份证、护照或通行证等"
        return
    if not number:
        result.errors[f"{prefix}id_number"] = "请填写证件号码"
    elif id_type == "resident":
        try:
            parsed = idcard.parse_resident_id(number, today=today)
        except ValueError as error:
            result.errors[f"{prefix}id_number"] = str(error)
            if not prefix:  # the number was to give the gender: nothing more to say
                result.values |= {"gender": values.get("gender") or "", "birthday": None}
                return
        else:
            result.values[f"{prefix}id_number"] = parsed.number
            if not prefix:
                _agree(result, values, parsed)
                return
    elif not _OTHER_DOCUMENT.fullmatch(number):
        result.errors[f"{prefix}id_number"] = "证件号码应为4到30位字母或数字"
    if not prefix:
        gender = values.get("gender") or ""
        result.values |= {"gender": gender, "birthday": values.get("birthday")}
        if gender not in ("男", "女"):
            result.errors["gender"] = "请选择性别"


def _agree(result: Identity, values: dict, parsed: idcard.ResidentId) -> None:
    """Birthday and gender from a resident ID; typed ones must agree with it."""
    if values.get("birthday") and values["birthday"] != parsed.birthday:
        result.errors["birthday"] = (
            f"生日与身份证号码不符（号码中的生日为{parsed.birthday:%Y-%m-%d}）"
        )
    if values.get("gender") and values["gender"] != parsed.gender:
        result.errors["gender"] = f"性别与身份证号码不符（号码显示为{parsed.gender}）"
    result.values |= {"gender": parsed.gender, "birthday": parsed.birthday}


def _agent(result: Identity, values: dict, today: date | None) -> None:
    name = (values.get("agent_name") or "").strip()
    phone = (values.get("agent_phone") or "").strip()
    result.values |= {"agent_name": name, "agent_phone": phone}
    if not name:
        result.errors["agent_name"] = "机构客户须填写经办人姓名"
    elif len(name) > 40:
        result.errors["agent_name"] = "经办人姓名至多40个字"
    _person(result, "agent_", values, today)
    if not phone:
        result.errors["agent_phone"] = "机构客户须填写经办人手机号码"
    elif not idcard.is_mobile(phone):
        result.errors["agent_phone"] = "手机号码应为以1开头的11位数字"
