"""The worker-demand taxonomy (诉求类别): hierarchical codes shared by intake, text engine, reports.

Pure module, no Django. Codes are dotted paths (WAGE.ARREARS.MIGRANT); a code's ancestors are
its prefixes, so "is this a wage-arrears case" is a prefix test.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TAXONOMY_FILE = Path(__file__).resolve().parent / "data" / "demand_taxonomy.csv"
WAGE_ARREARS = "WAGE.ARREARS"
NON_LABOR = "NON_LABOR"


@dataclass(frozen=True)
class Category:
    code: str
    parent: str
    name_zh: str
    name_en: str

    @property
    def level(self) -> int:
        return self.code.count(".") + 1

    @property
    def is_labor(self) -> bool:
        return not is_within(self.code, NON_LABOR)


@cache
def categories() -> dict[str, Category]:
    with TAXONOMY_FILE.open(encoding="utf-8", newline="") as handle:
        rows = [Category(**row) for row in csv.DictReader(handle)]
    return {row.code: row for row in rows}


def is_within(code: str, ancestor: str) -> bool:
    return code == ancestor or code.startswith(ancestor + ".")


def label(code: str) -> str:
    """Chinese path label, e.g. 工资报酬 / 拖欠工资 / 农民工工资拖欠."""
    parts = code.split(".")
    known = categories()
    names = [
        known[".".join(parts[: i + 1])].name_zh
        for i in range(len(parts))
        if ".".join(parts[: i + 1]) in known
    ]
    return " / ".join(names)
