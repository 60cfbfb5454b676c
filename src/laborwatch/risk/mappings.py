"""The mapping tables of risk/data/: header variants, written values to codes, number units.

Departments head their columns and write their values in many ways (纳税人识别号 for the
credit code, 首次执行 for an enforcement case, 1.2万元 for an amount). What each way means is
kept in these CSV files, not in code, so that a new variant is one line of data:

    headers.csv   feed, column, header   another header a department uses for the column
                                         (feed `*`: every feed that has the column)
    values.csv    feed, column, written, code    a written value and the code it stands for
    units.csv     kind, unit, factor     a unit written after a number (元, 万元, 人) and
                                         what it multiplies the number by
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
EVERY_FEED = "*"


def read_rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return [
            {key: value.strip() for key, value in row.items()} for row in csv.DictReader(handle)
        ]


@cache
def header_variants() -> dict[tuple[str, str], tuple[str, ...]]:
    """(feed or `*`, column) → the other headers departments use for it."""
    variants: dict[tuple[str, str], list[str]] = {}
    for row in read_rows("headers.csv"):
        variants.setdefault((row["feed"], row["column"]), []).append(row["header"])
    return {key: tuple(headers) for key, headers in variants.items()}


@cache
def value_codes() -> dict[tuple[str, str], dict[str, str]]:
    """(feed, column) → {written value: code}."""
    codes: dict[tuple[str, str], dict[str, str]] = {}
    for row in read_rows("values.csv"):
        codes.setdefault((row["feed"], row["column"]), {})[row["written"]] = row["code"]
    return codes


@cache
def number_units() -> dict[str, dict[str, float]]:
    """Column kind (amount, count) → {unit written after a number: factor}."""
    units: dict[str, dict[str, float]] = {}
    for row in read_rows("units.csv"):
        units.setdefault(row["kind"], {})[row["unit"]] = float(row["factor"])
    return units
