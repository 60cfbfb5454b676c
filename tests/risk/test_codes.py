"""The vectorised credit-code check agrees with the scalar reference in lib.codes."""

from __future__ import annotations

import random

import pyarrow as pa
import pytest

from laborwatch.lib.codes import CREDIT_CODE_ALPHABET, credit_code_problem, normalize_code
from laborwatch.risk.codes import credit_code_problems, enterprise_keys
from tests.risk.helpers import code


def test_agrees_with_scalar_reference_on_valid_and_mutated_codes() -> None:
    rng = random.Random(7)
    values: list[str] = []
    for number in range(400):
        valid = code(number)
        values.append(valid)
        position = rng.randrange(18)
        mutated = (
            valid[:position] + rng.choice(CREDIT_CODE_ALPHABET + "IOZ中") + valid[position + 1 :]
        )
        values.append(mutated)
    values += ["", "91370200", valid + "X", valid.lower(), " " + valid, "中" * 18, "Y" * 18]
    expected = [credit_code_problem(normalize_code(v)) for v in values]
    assert list(credit_code_problems(pa.array(values))) == expected


def test_nulls_are_missing() -> None:
    assert list(credit_code_problems(pa.array([None, code(1)]))) == ["missing", None]


def test_chunked_input() -> None:
    chunked = pa.chunked_array([[code(1)], [code(2)[:-1] + "0" if code(2)[-1] != "0" else "1"]])
    assert list(credit_code_problems(chunked)) == [None, "check"]


def test_enterprise_key_is_a_fixed_function_of_the_code() -> None:
    # A store written by one version is read by the next: the value must never change.
    keys = enterprise_keys(pa.array(["91370200MA3C8X8X5X", None, " 91370200ma3c8x8x5x "]))
    assert keys.to_pylist() == [6312520705456669705, None, 6312520705456669705]
    assert keys.type == pa.int64()
    large = pa.array(["91370200MA3C8X8X5X"] * 3, pa.large_string())
    assert enterprise_keys(large, normalized=True).to_pylist() == [6312520705456669705] * 3


def test_enterprise_keys_differ_for_codes_that_differ_in_one_place() -> None:
    first17 = "91370200MA3C8X8X5"
    codes = [first17[:i] + c + first17[i + 1 :] for i in range(17) for c in "0123456789"]
    codes = [code + "X" for code in dict.fromkeys(codes)]  # keys ignore the check character
    keys = enterprise_keys(pa.array(codes)).to_pylist()
    assert len(set(keys)) == len(codes)


def test_enterprise_keys_refuse_a_code_that_is_not_one() -> None:
    with pytest.raises(ValueError, match="18 ASCII"):
        enterprise_keys(pa.array(["9137"]))
    with pytest.raises(ValueError, match="alphabet"):
        enterprise_keys(pa.array(["91370200MA3C8X8XIX"]))  # I is not in the alphabet
