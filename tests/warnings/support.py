"""Helpers of the warning tests: literal signals in the risk engine's shape, a sync per day."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from laborwatch.enterprises.models import Enterprise
from laborwatch.warnings.models import Warning
from laborwatch.warnings.scores import Signal
from laborwatch.warnings.services import SyncResult, warnings_sync

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A plain Wednesday; the three working days after it hold no holiday.
T0 = dt.datetime(2025, 3, 5, 10, 0, tzinfo=SHANGHAI)
DAY0 = dt.date(2025, 3, 5)

# One fired rule per department the rules file names, in the engine's evidence shape.
RULES: dict[str, dict[str, Any]] = {
    "si_arrears": {"indicator": "si_arrears_months", "department": "人社", "value": 2.0},
    "wage_account_unpaid": {
        "indicator": "wage_account_unpaid_months",
        "department": "住建",
        "value": 1.0,
    },
    "labor_cases": {"indicator": "labor_cases_90d", "department": "仲裁", "value": 4.0},
    "enforcement": {"indicator": "enforcement_180d", "department": "法院", "value": 1.0},
    "revenue_drop_wages": {"indicator": "tax_revenue_drop", "department": "税务", "value": 0.6},
    "collective_complaints": {
        "indicator": "complaining_workers_30d",
        "department": "人社",
        "value": 12.0,
    },
    "layoff_size": {"indicator": "layoff_count_90d", "department": "人社", "value": 60.0},
}


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def signal(
    enterprise: Enterprise,
    grade: str,
    *rules: str,
    risk_type: str = "wage_arrears",
    score: float | None = None,
    values: dict[str, float] | None = None,
) -> Signal:
    rules = rules or ("si_arrears",)
    evidence = [
        {
            "rule": rule,
            "indicator": RULES[rule]["indicator"],
            "value": (values or {}).get(rule, RULES[rule]["value"]),
            "level": grade,
            "points": 25.0,
            "department": RULES[rule]["department"],
        }
        for rule in rules
    ]
    default_score = {"red": 85.0, "orange": 65.0, "yellow": 45.0, "blue": 25.0}[grade]
    return Signal(
        credit_code=enterprise.credit_code,
        risk_type=risk_type,
        grade=grade,
        score=default_score if score is None else score,
        evidence=evidence,
        departments=sorted({e["department"] for e in evidence}),
    )


def sync(day: dt.date, *signals: Signal, now: dt.datetime | None = None) -> SyncResult:
    return warnings_sync(
        signals=list(signals),
        as_of=day,
        config_version="rules-v1",
        now=now or dt.datetime.combine(day, dt.time(6, 0), tzinfo=SHANGHAI),
    )


def only_warning(**filters: Any) -> Warning:
    return Warning.objects.get(**filters)
