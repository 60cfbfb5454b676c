"""Helpers for the intake API tests: a valid push, changed field by field, and row counts."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from laborwatch.cases.models import Case
from laborwatch.core.models import AuditEvent
from laborwatch.workers.models import Worker
from tests.factories import valid_credit_code, valid_id_number

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)  # the eve of the National Day holiday
URL = "/api/v1/cases"
CHINESE = re.compile("[\u4e00-\u9fff]")
DELETE = object()


def row_counts() -> tuple[int, int, int]:
    return Case.objects.count(), Worker.objects.count(), AuditEvent.objects.count()


def body(employer=None, /, **changes: Any) -> dict[str, Any]:
    """A valid push; `changes` maps dotted paths to new values (DELETE removes the key)."""
    values: dict[str, Any] = {
        "external_ref": "12351-20260930-0001",
        "received_at": "2026-09-30T09:55:00+08:00",
        "caller": {"name": "张三", "phone": "13812345678", "id_number": valid_id_number(41)},
        "employer": {"credit_code": employer.credit_code if employer else valid_credit_code(7)},
        "description": "公司拖欠我三个月工资共18600元。",
        "amount_claimed": "18600.00",
        "workers_involved": 1,
        "arrears_from": "2026-06-01",
        "arrears_to": "2026-08-31",
        "project_name": "",
    }
    for path, value in changes.items():
        *parents, last = path.split(".")
        target = values
        for key in parents:
            target = target[key]
        if value is DELETE:
            del target[last]
        else:
            target[last] = value
    return values


def push(system, payload: Any) -> Any:
    return system.http.post(URL, data=payload, content_type="application/json")


def fields(response) -> list[str]:
    return [item["field"] for item in response.json()["detail"]]
