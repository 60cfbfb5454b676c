"""Two scoring runs' files compared row by row: the same scores, grades, evidence, indicators.

For checking that engines agree (DuckDB and Spark over the same store): every column of
every row, numbers within a tolerance (engines add up in different orders), the evidence and
departments JSON compared as values, not as text (each engine formats JSON its own way).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from laborwatch.risk.pipeline import INDICATORS_FILE, SCORES_FILE

JSON_COLUMNS = ("evidence", "departments")
SORT_KEYS = {SCORES_FILE: ("credit_code", "risk_type"), INDICATORS_FILE: ("credit_code",)}
MAX_REPORTED = 20


def _rows(path: Path, keys: tuple[str, ...]) -> tuple[list[str], list[dict[str, Any]]]:
    table = pq.read_table(path)
    plain = pa.table(
        {
            name: column.cast(column.type.storage_type)
            if isinstance(column.type, pa.ExtensionType)
            else column
            for name, column in zip(table.column_names, table.columns, strict=True)
        }
    )
    return table.column_names, plain.sort_by([(key, "ascending") for key in keys]).to_pylist()


def same_value(left: Any, right: Any, tolerance: float) -> bool:
    if isinstance(left, float | int) and isinstance(right, float | int):
        if isinstance(left, bool) or isinstance(right, bool):
            return left == right
        return math.isclose(left, right, rel_tol=tolerance, abs_tol=tolerance)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(
            same_value(a, b, tolerance) for a, b in zip(left, right, strict=True)
        )
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(
            same_value(left[key], right[key], tolerance) for key in left
        )
    return bool(left == right)


def file_differences(left: Path, right: Path, *, tolerance: float = 1e-9) -> list[str]:
    """What differs between two runs' file of one name (scores or indicators)."""
    keys = SORT_KEYS[left.name]
    left_columns, left_rows = _rows(left, keys)
    right_columns, right_rows = _rows(right, keys)
    if sorted(left_columns) != sorted(right_columns):
        return [f"{left.name}: columns {left_columns} != {right_columns}"]
    if len(left_rows) != len(right_rows):
        return [f"{left.name}: {len(left_rows)} rows != {len(right_rows)} rows"]
    differences = []
    for left_row, right_row in zip(left_rows, right_rows, strict=True):
        for name in left_columns:
            a, b = left_row[name], right_row[name]
            if name in JSON_COLUMNS:
                a, b = json.loads(a), json.loads(b)
            if not same_value(a, b, tolerance):
                where = ", ".join(str(left_row[key]) for key in keys)
                differences.append(f"{left.name} [{where}] {name}: {a!r} != {b!r}")
                if len(differences) >= MAX_REPORTED:
                    return differences
    return differences


def run_differences(left: Path, right: Path, *, tolerance: float = 1e-9) -> list[str]:
    """What differs between two runs' scores and indicators files (paths of their folders)."""
    return [
        difference
        for name in (SCORES_FILE, INDICATORS_FILE)
        for difference in file_differences(left / name, right / name, tolerance=tolerance)
    ]
