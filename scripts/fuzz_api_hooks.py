"""Schemathesis hooks for scripts/fuzz_api.py (loaded through SCHEMATHESIS_HOOKS).

The OpenAPI document states every rule JSON Schema can state. A few it cannot, and the
document names them instead: a check character (`format` gb32100, gb11643), an ID number's
impossible birth date (31 February), a date after today; and a pushed post is checked row by
row as its description says. Two hooks follow from that, and nothing else is relaxed:

- the formats generate valid codes (with their check characters), so positive data reaches
  the success path;
- a schema-valid request refused with 422 (check `positive_data_acceptance`) is dropped only
  when every refusal in the answer carries one of those codes. Any other refusal, any server
  error and any response outside the document still fail the run.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import schemathesis
from hypothesis import strategies as st

from laborwatch.lib.codes import (
    CREDIT_CODE_ALPHABET,
    credit_code_check_char,
    id_number_check_char,
)

# The rules each operation names but its schema cannot state, as the server's error codes.
UNSTATABLE_CODES = {
    "POST /api/v1/cases": frozenset(
        {"credit_code_check", "id_number_check", "id_number_birth_date", "date_in_future"}
    ),
    # Posts are checked one by one (the operation's description): the batch is refused only
    # when every post is, each with its row, field and one of these codes.
    "POST /api/v1/opinion/posts": frozenset(
        {"missing", "no_identity", "empty_text", "bad_date", "in_future", "bad_number"}
        | {"bad_platform", "bad_url", "too_long", "bad_value"}
    ),
}


@st.composite
def _credit_codes(draw: st.DrawFn) -> str:
    rest = st.sampled_from(CREDIT_CODE_ALPHABET)
    first17 = (
        draw(st.sampled_from("123456789ANY"))
        + draw(rest)
        + "".join(draw(st.sampled_from("0123456789")) for _ in range(6))
        + "".join(draw(rest) for _ in range(9))
    )
    return first17 + credit_code_check_char(first17)


@st.composite
def _id_numbers(draw: st.DrawFn) -> str:
    born = draw(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2005, 12, 31)))
    first17 = (
        draw(st.sampled_from(["11", "37", "44", "65"]))
        + draw(st.from_regex(r"\A[0-9]{4}\Z"))
        + born.strftime("%Y%m%d")
        + draw(st.from_regex(r"\A[0-9]{3}\Z"))
    )
    return first17 + id_number_check_char(first17)


schemathesis.openapi.format("gb32100", _credit_codes())
schemathesis.openapi.format("gb11643", _id_numbers())


@schemathesis.hook
def filter_failure(ctx: Any, failure: Any, case: Any, response: Any) -> bool:
    """False (drop) only for a 422 whose every item is a rule the schema cannot state."""
    if response.status_code != 422 or getattr(failure, "code", "") != "ST202":
        return True
    try:
        items = json.loads(response.content)["detail"]
        codes = {item["code"] for item in items}
    except (ValueError, KeyError, TypeError):
        return True
    return not (codes and codes <= UNSTATABLE_CODES.get(case.operation.label, frozenset()))
