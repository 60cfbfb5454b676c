"""Masks for screens and exports."""

from __future__ import annotations

import pytest

from laborwatch.core.masking import mask_id_number, mask_name, mask_phone


def test_mask_id_number_keeps_region_and_last_four() -> None:
    masked = mask_id_number("370202199001011234")
    assert masked == "370202********1234"
    assert len(masked) == 18
    assert masked.count("*") == 8


def test_mask_id_number_with_x() -> None:
    assert mask_id_number("11010519491231002X") == "110105********002X"


@pytest.mark.parametrize(
    ("value", "expected"), [("", ""), ("1234", "****"), ("1234567890", "*" * 10)]
)
def test_mask_id_number_short_values_fully_hidden(value: str, expected: str) -> None:
    assert mask_id_number(value) == expected


def test_mask_mobile() -> None:
    assert mask_phone("13812345678") == "138****5678"


def test_mask_landline() -> None:
    assert mask_phone("0532-88886666") == "053******6666"


@pytest.mark.parametrize(("value", "expected"), [("", ""), ("1234567", "*******")])
def test_mask_phone_short_values_fully_hidden(value: str, expected: str) -> None:
    assert mask_phone(value) == expected


def test_mask_name() -> None:
    assert mask_name("张三丰") == "张**"
    assert mask_name("李") == "李"
    assert mask_name("") == ""
