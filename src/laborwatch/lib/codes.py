"""Check characters of Chinese identity codes: 统一社会信用代码, 组织机构代码, 公民身份号码.

Pure functions with no Django import, shared by the app's validators and the synthetic city.
Each `*_problem` function returns None for a valid value or a short reason key that the
app translates into a user-facing message.
"""

from __future__ import annotations

import datetime as dt
import re

# GB 32100-2015: the 31 characters allowed (no I, O, S, V, Z) and the position weights.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
CREDIT_CODE_VALUES = {char: index for index, char in enumerate(CREDIT_CODE_ALPHABET)}
# First character: the registration authority (1 机构编制, 5 民政, 9 工商/市场监管, Y 其他 …).
CREDIT_CODE_AUTHORITIES = frozenset("123456789ANY")

# GB 11714-1997 organisation code (positions 9-17 of a credit code).
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

# GB 11643-1999 citizen identity number.
ID_NUMBER_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_NUMBER_CHECK_CHARS = "10X98765432"
ID_NUMBER_PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82}
)

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a credit code whose first 17 characters are given."""
    total = sum(
        CREDIT_CODE_VALUES[c] * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """The 9th character of an organisation code (GB 11714) whose first 8 are given."""
    total = sum(int(c, 36) * w for c, w in zip(first8, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def credit_code_problem(value: str) -> str | None:
    """None when `value` is a well-formed credit code, else a reason key."""
    if len(value) != 18:
        return "length"
    if any(c not in CREDIT_CODE_VALUES for c in value):
        return "charset"
    if value[0] not in CREDIT_CODE_AUTHORITIES:
        return "authority"
    if not value[2:8].isdigit():
        return "division"
    if credit_code_check_char(value[:17]) != value[17]:
        return "check"
    return None


def id_number_check_char(first17: str) -> str:
    """The 18th character of an identity number whose first 17 digits are given."""
    total = sum(int(c) * w for c, w in zip(first17, ID_NUMBER_WEIGHTS, strict=True))
    return ID_NUMBER_CHECK_CHARS[total % 11]


def id_number_problem(value: str, *, today: dt.date | None = None) -> str | None:
    """None when `value` is a well-formed 18-digit identity number, else a reason key."""
    if len(value) != 18:
        return "length"
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return "charset"
    if int(value[:2]) not in ID_NUMBER_PROVINCES:
        return "region"
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "birth_date"
    if birth.year < 1900 or birth > (today or dt.date.today()):
        return "birth_date"
    if id_number_check_char(value[:17]) != value[17]:
        return "check"
    return None


def phone_problem(value: str) -> str | None:
    """None for a mainland mobile number or a landline with area code, else a reason key."""
    if MOBILE_RE.match(value) or LANDLINE_RE.match(value):
        return None
    return "format"


def normalize_code(value: str) -> str:
    """Codes are typed in many ways: strip spaces and fold to upper case (x → X)."""
    return "".join(value.split()).upper()


def normalize_phone(value: str) -> str:
    """Drop spaces, hyphens and a leading +86 / 0086 so the same phone compares equal."""
    compact = "".join(value.split()).replace("-", "")
    for prefix in ("+86", "0086"):
        if compact.startswith(prefix):
            compact = compact[len(prefix) :]
    return compact
