"""Helpers of the work-order page tests: a frozen working-day clock, cases made through the
intake service, posting an action with the version a page showed, and "nothing changed"
snapshots for refused requests."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
from django.test import Client

from laborwatch.cases.models import Case, InboxItem, Milestone, Referral
from laborwatch.cases.services import case_intake
from laborwatch.core.models import AuditEvent
from laborwatch.enterprises.models import Enterprise

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A plain Wednesday: no holiday or make-up day within the 15 working days that follow.
T0 = dt.datetime(2025, 3, 5, 10, 0, tzinfo=SHANGHAI)

STALE_MESSAGE = "此工单已被他人修改，请刷新页面后重试。"


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def make_case(
    employer: Enterprise | None = None,
    *,
    caller_phone: str = "13912340001",
    caller_name: str = "李娜",
    **overrides: Any,
) -> Case:
    """A hotline case made by the intake service (audited like a real one)."""
    values: dict[str, Any] = {
        "actor": None,
        "channel": "hotline_12351",
        "caller_name": caller_name,
        "caller_phone": caller_phone,
        "description": "公司拖欠我两个月工资共12000元。",
        "category": "WAGE.ARREARS.STAFF",
        "amount_claimed": Decimal("12000"),
    }
    if employer is not None:
        values["employer_credit_code"] = employer.credit_code
    else:
        values.setdefault("employer_name", "某公司")
    values.update(overrides)
    return case_intake(**values).case


def post_action(client: Client, case: Case, action: str, **data: Any) -> Any:
    """POST an action form of the case page, with the version the page showed by default."""
    data.setdefault("version", case.version)
    return client.post(f"/cases/{case.number}/act/{action}/", data)


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def snapshot(case: Case) -> dict[str, Any]:
    """What a refused request must leave untouched."""
    row = Case.objects.filter(pk=case.pk).values().get()
    return {
        "case": row,
        "events": AuditEvent.objects.count(),
        "cases": Case.objects.count(),
        "referrals": list(Referral.objects.values()),
        "milestones": list(Milestone.objects.values()),
        "inbox": list(InboxItem.objects.values()),
    }


def read_xlsx(content: bytes) -> list[list[Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def as_decimal(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))
