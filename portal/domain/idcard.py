"""Identity data: resident ID numbers (GB 11643-1999), masking and simple format checks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

ID_TYPES: tuple[tuple[str, str], ...] = (
    ("resident", "居民身份证"),
    ("passport", "护照"),
    ("hk_macao", "港澳居民来往内地通行证"),
    ("taiwan", "台湾居民来往大陆通行证"),
    ("foreign_pr", "外国人永久居留身份证"),
)
"""ID document types (code, label); only ``resident`` numbers are checked by digit."""

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_RESIDENT_RE = re.compile(r"[0-9]{17}[0-9X]")
_MIN_BIRTHDAY = date(1900, 1, 1)

MSG_LENGTH = "身份证号码应为18位"
MSG_BIRTHDAY = "身份证号码中的出生日期无效"
MSG_CHECK = "身份证号码校验位错误"


@dataclass(frozen=True)
class ResidentId:
    """A valid 18-digit resident ID number and what it encodes."""

    number: str
    region: str
    birthday: date
    gender: str


def check_digit(first17: str) -> str:
    """Check character (0–9 or X) for the first 17 digits of a resident ID number."""
    if not re.fullmatch(r"[0-9]{17}", first17):
        raise ValueError("需要身份证号码的前17位数字")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def parse_resident_id(number: str, *, today: date | None = None) -> ResidentId:
    """Validate an 18-digit resident ID number; raise ValueError with a Chinese message.

    Surrounding whitespace is ignored and a lowercase ``x`` check digit is accepted.
    The birthday must be a real date from 1900 up to ``today`` (default: today).
    """
    normalized = number.strip().upper()
    if not _RESIDENT_RE.fullmatch(normalized):
        raise ValueError(MSG_LENGTH)
    digits = normalized[6:14]
    try:
        birthday = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise ValueError(MSG_BIRTHDAY) from None
    if not _MIN_BIRTHDAY <= birthday <= (today or date.today()):
        raise ValueError(MSG_BIRTHDAY)
    if check_digit(normalized[:17]) != normalized[17]:
        raise ValueError(MSG_CHECK)
    gender = "男" if int(normalized[16]) % 2 else "女"
    return ResidentId(number=normalized, region=normalized[:6], birthday=birthday, gender=gender)


def build_resident_id(region6: str, birthday: date, sequence3: int) -> str:
    """Compose a valid resident ID number (for demo data); odd ``sequence3`` means 男."""
    if not re.fullmatch(r"[0-9]{6}", region6):
        raise ValueError("地区码应为6位数字")
    if not 0 <= sequence3 <= 999:
        raise ValueError("顺序码应在000–999之间")
    first17 = f"{region6}{birthday:%Y%m%d}{sequence3:03d}"
    return first17 + check_digit(first17)


def _mask(value: str, head: int = 3, tail: int = 4) -> str:
    """Keep ``head`` leading and ``tail`` trailing characters, star the rest (same length)."""
    value = value.strip()
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]


def mask_id(number: str) -> str:
    """Mask an ID number: ``11010519491231002X`` → ``110***********002X``."""
    return _mask(number)


def mask_mobile(number: str) -> str:
    """Mask a mobile number: ``13812345678`` → ``138****5678``."""
    return _mask(number)


def is_mobile(number: str) -> bool:
    """True for a mainland mobile number: exactly 11 digits starting with 1."""
    return re.fullmatch(r"1[0-9]{10}", number) is not None


def is_postcode(value: str) -> bool:
    """True for a six-digit postcode."""
    return re.fullmatch(r"[0-9]{6}", value) is not None
