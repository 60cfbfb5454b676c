"""Reading the risk engine's scores table into the signals the warning sync takes."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

NO_GRADE = "none"


@dataclass(frozen=True)
class Signal:
    """One enterprise × risk type with a grade on the score date."""

    credit_code: str
    risk_type: str
    grade: str
    score: float
    evidence: list[dict[str, Any]] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ScoreDay:
    as_of: dt.date
    config_version: str
    signals: list[Signal]


def _json(value: Any) -> list[Any]:
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str | bytes) else list(value)


def signals_from_table(table: pa.Table) -> list[Signal]:
    graded = table.filter(pc.not_equal(table.column("grade"), NO_GRADE))
    columns = ["credit_code", "risk_type", "grade", "score", "evidence", "departments"]
    rows = graded.select(columns)
    # The JSON extension type reads back as text; cast plain so to_pylist gives strings.
    rows = pa.table({name: _plain(rows.column(name)) for name in columns})
    return [
        Signal(
            credit_code=row["credit_code"],
            risk_type=row["risk_type"],
            grade=row["grade"],
            score=float(row["score"]),
            evidence=_json(row["evidence"]),
            departments=_json(row["departments"]),
        )
        for row in rows.to_pylist()
    ]


def _plain(column: pa.ChunkedArray) -> pa.ChunkedArray:
    if isinstance(column.type, pa.ExtensionType):
        return pa.chunked_array(
            [chunk.storage for chunk in column.chunks], type=column.type.storage_type
        )
    return column


def read_score_day(path: Path) -> ScoreDay:
    """The graded rows of one day's scores.parquet (written by `laborwatch risk-score`)."""
    table = pq.read_table(path)
    if table.num_rows == 0:
        raise ValueError(f"评分表为空：{path}")
    as_of = table.column("as_of")[0].as_py()
    version = str(table.column("config_version")[0].as_py())
    return ScoreDay(as_of=as_of, config_version=version, signals=signals_from_table(table))
