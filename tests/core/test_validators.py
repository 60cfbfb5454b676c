"""Validators raise ValidationError with a Chinese message naming the field and the reason."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from laborwatch.core.validators import validate_credit_code, validate_id_number, validate_phone
from laborwatch.lib.codes import credit_code_check_char, id_number_check_char
from tests.factories import HAIER_CREDIT_CODE, REAL_FORMAT_ID_NUMBER


def _error(validator, value: str, language: str = "zh-hans") -> ValidationError:
    with override(language), pytest.raises(ValidationError) as caught:
        validator(value)
    return caught.value


def _message(error: ValidationError) -> str:
    assert len(error.messages) == 1
    return error.messages[0]


def test_valid_values_pass() -> None:
    assert validate_credit_code(HAIER_CREDIT_CODE) is None
    assert validate_id_number(REAL_FORMAT_ID_NUMBER) is None
    assert validate_phone("13812345678") is None
    assert validate_phone("0532-88886666") is None


# --- 统一社会信用代码 -------------------------------------------------------------------


def test_credit_code_check_message_in_chinese() -> None:
    error = _error(validate_credit_code, "91370200163562681H")
    message = _message(error)
    assert error.code == "credit_code_check"
    assert "统一社会信用代码" in message and "校验" in message
    assert message == "统一社会信用代码校验位错误：应为 G，实际为 H。"


def test_credit_code_check_message_in_english() -> None:
    error = _error(validate_credit_code, "91370200163562681H", language="en")
    assert _message(error) == (
        "Unified social credit code check character is wrong: expected G, got H."
    )


@pytest.mark.parametrize(("value", "n"), [("91370200163562681GG", 19), ("91370200163562681", 17)])
def test_credit_code_length_message(value: str, n: int) -> None:
    error = _error(validate_credit_code, value)
    assert error.code == "credit_code_length"
    assert _message(error) == f"统一社会信用代码应为18位，实际为{n}位。"


def test_credit_code_charset_message_for_bad_check_char() -> None:
    error = _error(validate_credit_code, "91370200163562681g")
    assert error.code == "credit_code_charset"
    assert _message(error) == "统一社会信用代码只能由数字和除 I、O、S、V、Z 以外的大写字母组成。"


def test_credit_code_authority_message() -> None:
    first17 = "01370200163562681"
    error = _error(validate_credit_code, first17 + credit_code_check_char(first17))
    assert error.code == "credit_code_authority"
    assert _message(error) == "统一社会信用代码的登记管理部门代码“0”无效。"


def test_credit_code_division_message() -> None:
    first17 = "913702A0163562681"
    error = _error(validate_credit_code, first17 + credit_code_check_char(first17))
    assert error.code == "credit_code_division"
    assert _message(error) == "统一社会信用代码第3至8位应为行政区划代码（6位数字）。"


def test_credit_code_shorter_than_17_is_a_validation_error() -> None:
    error = _error(validate_credit_code, "12345")
    assert error.code == "credit_code_length"
    assert _message(error) == "统一社会信用代码应为18位，实际为5位。"


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_credit_code_forbidden_letter_is_a_validation_error(letter: str) -> None:
    error = _error(validate_credit_code, f"91370200{letter}63562681G")
    assert error.code == "credit_code_charset"


# --- 公民身份号码 -------------------------------------------------------------------------


def test_id_number_check_message() -> None:
    error = _error(validate_id_number, "110105194912310021")
    assert error.code == "id_number_check"
    message = _message(error)
    assert "身份证号" in message and "校验" in message
    assert message == "身份证号校验位错误：应为 X，实际为 1。"


def test_id_number_birth_date_message() -> None:
    first17 = "11010519990230002"
    error = _error(validate_id_number, first17 + id_number_check_char(first17))
    assert error.code == "id_number_birth_date"
    assert _message(error) == "身份证号中的出生日期 19990230 不存在。"


def test_id_number_region_message() -> None:
    first17 = "99010519491231002"
    error = _error(validate_id_number, first17 + id_number_check_char(first17))
    assert error.code == "id_number_region"
    assert _message(error) == "身份证号的地区码 99 无效。"


def test_id_number_length_message() -> None:
    error = _error(validate_id_number, "11010519491231002")
    assert error.code == "id_number_length"
    assert _message(error) == "身份证号应为18位，实际为17位。"


def test_id_number_charset_message() -> None:
    error = _error(validate_id_number, "11010519491231002Y")
    assert error.code == "id_number_charset"
    assert _message(error) == "身份证号应为17位数字加1位数字或 X。"


def test_id_number_shorter_than_17_is_a_validation_error() -> None:
    error = _error(validate_id_number, "1101051949")
    assert error.code == "id_number_length"


def test_id_number_letter_inside_is_a_validation_error() -> None:
    error = _error(validate_id_number, "1101051949123100X2")
    assert error.code == "id_number_charset"


# --- phones ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["12812345678", "0532-888866", "phone"])
def test_phone_message(value: str) -> None:
    error = _error(validate_phone, value)
    assert error.code == "phone_format"
    assert _message(error) == (
        "手机号应为以13至19开头的11位号码，或带区号的固定电话（如 0532-88886666）。"
    )
