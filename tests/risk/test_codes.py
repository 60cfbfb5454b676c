"""The vectorised credit-code check agrees with the scalar reference in lib.codes."""

from __future__ import annotations

import random

import pyarrow as pa

from laborwatch.lib.codes import CREDIT_CODE_ALPHABET, credit_code_problem, normalize_code
from laborwatch.risk.codes import credit_code_problems
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
