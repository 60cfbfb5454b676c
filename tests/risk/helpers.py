"""Literal inputs shared by the risk-engine tests: valid credit codes and feed frames."""

from __future__ import annotations

import datetime as dt

from laborwatch.lib.codes import credit_code_check_char
from laborwatch.risk.rules import load_rules
from laborwatch.risk.scoring import feed_frame, score_frames

CONFIG = load_rules()
AS_OF = dt.date(2026, 10, 31)


def code(number: int) -> str:
    """A valid credit code (91 = enterprise, 370200 = Qingdao) with serial `number`."""
    first17 = f"91370200MA{number:07d}"
    return first17 + credit_code_check_char(first17)


ACME = code(1)
OTHER = code(2)


def months(first: dt.date, count: int) -> list[dt.date]:
    index = first.year * 12 + first.month - 1
    return [dt.date((index + i) // 12, (index + i) % 12 + 1, 1) for i in range(count)]


def registry(*codes: str, industry: str = "C") -> dict:
    rows = [{"credit_code": c, "name": f"企业{c[-4:]}", "industry": industry} for c in codes]
    return {"registry": feed_frame("registry", rows)}


def score(
    frames: dict, as_of: dt.date = AS_OF, config=CONFIG, credit_code: str = ACME
) -> tuple[dict, dict]:
    """(indicator values of ACME, {risk_type: score row of ACME}), or of another code."""
    merged = {**registry(ACME, OTHER), **frames}
    values, scores = score_frames(merged, config, as_of)
    value_row = next(row for row in values.to_pylist() if row["credit_code"] == credit_code)
    score_rows = {
        row["risk_type"]: row for row in scores.to_pylist() if row["credit_code"] == credit_code
    }
    for risk_type in config.risk_types:  # no row: no points
        score_rows.setdefault(risk_type, {**NO_POINTS, "risk_type": risk_type, "as_of": as_of})
    return value_row, score_rows


NO_POINTS = {"score": 0.0, "grade": "none", "evidence": "[]", "departments": "[]", "row": False}
