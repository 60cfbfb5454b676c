"""Check characters of 统一社会信用代码, 组织机构代码, 公民身份号码, and phone formats."""

from __future__ import annotations

import datetime as dt

import pytest

from laborwatch.lib import codes
from tests.factories import HAIER_CREDIT_CODE, REAL_CREDIT_CODE_2, REAL_FORMAT_ID_NUMBER


def _with_check(first17: str) -> str:
    return first17 + codes.credit_code_check_char(first17)


def _id_with_check(first17: str) -> str:
    return first17 + codes.id_number_check_char(first17)


# --- 统一社会信用代码 -------------------------------------------------------------------


@pytest.mark.parametrize("value", [HAIER_CREDIT_CODE, REAL_CREDIT_CODE_2])
def test_real_credit_codes_are_valid(value: str) -> None:
    assert codes.credit_code_problem(value) is None


def test_check_char_of_real_codes() -> None:
    assert codes.credit_code_check_char(HAIER_CREDIT_CODE[:17]) == "G"
    assert codes.credit_code_check_char(REAL_CREDIT_CODE_2[:17]) == "X"


def test_check_char_zero_when_sum_is_multiple_of_31() -> None:
    # 1*1 + 30*3 = 91 = 2*31 + 29 -> (31 - 29) % 31 = 2; all zeros gives 0 -> "0".
    assert codes.credit_code_check_char("0" * 17) == "0"
    assert codes.credit_code_check_char("1" + "Y" + "0" * 15) == "2"


def test_wrong_check_char_is_reported() -> None:
    assert codes.credit_code_problem("91370200163562681H") == "check"
    assert codes.credit_code_problem("91110000710925462Y") == "check"


@pytest.mark.parametrize("value", ["91370200163562681", "91370200163562681GG", "", "9"])
def test_wrong_length(value: str) -> None:
    assert codes.credit_code_problem(value) == "length"


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_forbidden_letters(letter: str) -> None:
    # In the org-code part and as the check character: both are outside the GB 32100 alphabet.
    assert codes.credit_code_problem(f"91370200{letter}63562681G") == "charset"
    assert codes.credit_code_problem(f"91370200163562681{letter}") == "charset"


def test_lower_case_is_invalid_until_normalised() -> None:
    assert codes.credit_code_problem("91110000710925462x") == "charset"
    assert codes.normalize_code(" 9111 0000 7109 25462x ") == REAL_CREDIT_CODE_2
    assert codes.credit_code_problem(codes.normalize_code("91370200163562681g")) is None


def test_unknown_registration_authority() -> None:
    value = _with_check("01370200163562681")
    assert codes.credit_code_problem(value) == "authority"


def test_division_must_be_digits() -> None:
    value = _with_check("913702A0163562681")
    assert codes.credit_code_problem(value) == "division"


# --- 组织机构代码 -------------------------------------------------------------------------


def test_org_code_check_char_of_real_codes() -> None:
    # The org code is embedded at positions 9-17 of a credit code.
    assert HAIER_CREDIT_CODE[8:16] == "16356268"
    assert codes.org_code_check_char("16356268") == HAIER_CREDIT_CODE[16] == "1"
    assert codes.org_code_check_char("71092546") == REAL_CREDIT_CODE_2[16] == "2"


@pytest.mark.parametrize(
    ("first8", "expected"),
    [
        ("00000001", "9"),  # sum 2 -> 11 - 2 = 9
        ("00000006", "X"),  # sum 12 -> 11 - 1 = 10 -> X
        ("00000000", "0"),  # sum 0 -> 11 -> 0
        ("A0000000", "3"),  # A = 10, 10*3 = 30 -> 11 - 8 = 3
    ],
)
def test_org_code_check_char(first8: str, expected: str) -> None:
    assert codes.org_code_check_char(first8) == expected


# --- 公民身份号码 -------------------------------------------------------------------------


def test_real_format_id_number_is_valid() -> None:
    assert codes.id_number_problem(REAL_FORMAT_ID_NUMBER) is None
    assert codes.id_number_check_char(REAL_FORMAT_ID_NUMBER[:17]) == "X"


def test_id_number_wrong_check_digit() -> None:
    assert codes.id_number_problem("110105194912310021") == "check"


def test_id_number_impossible_birth_date() -> None:
    assert codes.id_number_problem(_id_with_check("11010519990230002")) == "birth_date"


def test_id_number_birth_date_before_1900() -> None:
    assert codes.id_number_problem(_id_with_check("11010518991231002")) == "birth_date"


def test_id_number_future_birth_date() -> None:
    value = _id_with_check("11010520200102002")
    assert codes.id_number_problem(value, today=dt.date(2020, 1, 1)) == "birth_date"
    assert codes.id_number_problem(value, today=dt.date(2020, 1, 2)) is None


def test_id_number_birth_date_after_real_today() -> None:
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    assert codes.id_number_problem(_id_with_check(f"110105{tomorrow:%Y%m%d}002")) == "birth_date"


def test_id_number_unknown_region() -> None:
    assert codes.id_number_problem(_id_with_check("99010519491231002")) == "region"


@pytest.mark.parametrize("value", ["11010519491231002", "11010519491231002X1", ""])
def test_id_number_wrong_length(value: str) -> None:
    assert codes.id_number_problem(value) == "length"


@pytest.mark.parametrize(
    "value", ["11010519491231002Y", "1101051949123100X2", "11010519491231002x"]
)
def test_id_number_charset(value: str) -> None:
    assert codes.id_number_problem(value) == "charset"


def test_lower_case_x_is_valid_after_normalising() -> None:
    assert codes.id_number_problem(codes.normalize_code("11010519491231002x")) is None


# --- phones ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["13812345678", "19912345678", "0532-88886666", "053288886666", "010-12345678"]
)
def test_valid_phones(value: str) -> None:
    assert codes.phone_problem(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "12812345678",  # mobile numbers start 13-19
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "532-88886666",  # landline without leading 0
        "0532-888866",  # 6-digit local number
        "0532 88886666",  # space is not a separator
        "+8613812345678",  # must be normalised first
        "",
    ],
)
def test_invalid_phones(value: str) -> None:
    assert codes.phone_problem(value) == "format"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+86 138 1234 5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("008613812345678", "13812345678"),
        (" 0532-88886666 ", "053288886666"),
        ("13812345678", "13812345678"),
    ],
)
def test_normalize_phone(raw: str, expected: str) -> None:
    assert codes.normalize_phone(raw) == expected
    assert codes.phone_problem(codes.normalize_phone(raw)) is None
