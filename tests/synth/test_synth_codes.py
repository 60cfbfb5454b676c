"""The vectorised code builders agree with the scalar reference in laborwatch.lib.codes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from laborwatch.lib.codes import (
    credit_code_check_char,
    id_number_check_char,
    org_code_check_char,
)
from laborwatch.synth import codes


def test_decimal_digits_pad_with_zeros() -> None:
    chars = codes.decimal_digits(np.array([7, 370202, 0]), 6)
    assert codes.as_strings(chars).to_pylist() == ["000007", "370202", "000000"]


def test_credit_codes_match_the_scalar_check_characters() -> None:
    rng = np.random.default_rng(0)
    n = 2000
    built = codes.credit_codes(
        rng,
        kind=np.full(n, ord("2"), dtype=np.uint8),
        division=np.full(n, 370283),
        new_style=np.arange(n) % 2 == 0,
    ).to_pylist()
    for code in built:
        assert code[:8] == "92370283"
        assert code[16] == org_code_check_char(code[8:16])
        assert code[17] == credit_code_check_char(code[:17])
    assert {code[8:11] for code in built[::2]} == {"MA3"}
    assert all(code[8:16].isdigit() for code in built[1::2])
    assert len(set(built)) == n


def test_check_character_x_and_zero_cases_of_org_codes() -> None:
    # Bodies chosen so that 11 - sum % 11 is 10 ("X") and 11 ("0").
    bodies = {}
    rng = np.random.default_rng(1)
    while len(bodies) < 2:
        body = "".join(rng.choice(list("0123456789"), 8))
        check = org_code_check_char(body)
        if check in "X0":
            bodies[check] = body
    array = np.array([body.encode() for body in bodies.values()], dtype="S8")
    got = codes.organisation_check_bytes(array).tobytes().decode()
    assert got == "".join(bodies)


def test_id_numbers_match_the_scalar_check_digit_and_encode_sex() -> None:
    rng = np.random.default_rng(2)
    n = 3000
    birth = np.datetime64("1960-01-01") + rng.integers(0, 17_000, n)
    male = rng.random(n) < 0.5
    built = codes.id_numbers(rng, region=np.full(n, 370211), birth=birth, male=male).to_pylist()
    for number, day, is_male in zip(built, birth, male, strict=True):
        assert number[:6] == "370211"
        assert number[6:14] == str(day).replace("-", "")
        assert number[17] == id_number_check_char(number[:17])
        assert int(number[16]) % 2 == int(is_male)
        assert number[14:17] != "000"
    assert len(set(built)) == n


def test_id_numbers_stay_unique_when_many_share_a_birthday() -> None:
    rng = np.random.default_rng(3)
    n = 400  # 400 women born the same day in the same county: 500 possible sequences
    birth = np.full(n, np.datetime64("1990-05-01"))
    built = codes.id_numbers(
        rng, region=np.full(n, 370202), birth=birth, male=np.zeros(n, dtype=bool)
    ).to_pylist()
    assert len(set(built)) == n


def test_redraw_until_unique_gives_up_loudly_when_impossible() -> None:
    rng = np.random.default_rng(4)
    with pytest.raises(RuntimeError, match="still repeat"):
        codes.redraw_until_unique(
            np.zeros(3, dtype=np.int64), lambda rows: rng.integers(0, 2, len(rows))
        )


def test_mobile_phones_are_distinct_and_well_formed() -> None:
    phones = codes.mobile_phones(np.random.default_rng(5), 5000).to_pylist()
    assert len(set(phones)) == 5000
    assert all(len(p) == 11 and p[0] == "1" and p[1] in "3456789" for p in phones)


def test_birth_dates_follow_the_calendar() -> None:
    birth = np.array(["2000-02-29", "1999-12-31"], dtype="datetime64[D]")
    built = codes.id_numbers(
        np.random.default_rng(6), region=np.array([370202, 411321]), birth=birth,
        male=np.array([True, False]),
    ).to_pylist()  # fmt: skip
    assert [n[6:14] for n in built] == ["20000229", "19991231"]
    for number in built:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
