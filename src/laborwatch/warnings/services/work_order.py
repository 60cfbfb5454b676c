"""A warning opens a work order: the one intake service, the case linked back to the warning.

A warning has no caller of its own; the person who opens the work order enters the worker (or
the workers' representative) met during verification. The category follows the risk type.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from laborwatch.cases.models import Case, Channel
from laborwatch.cases.services import case_intake
from laborwatch.core.audit import record_event
from laborwatch.core.models import User
from laborwatch.lib.transitions import save_change
from laborwatch.warnings.models import RiskType, Warning
from laborwatch.warnings.transitions import TABLE

CATEGORY_BY_RISK = {
    RiskType.WAGE_ARREARS: "WAGE.ARREARS",
    RiskType.COLLECTIVE_DISPUTE: "WAGE.ARREARS",
    RiskType.MASS_LAYOFF: "SEPARATION.LAYOFF",
}
# Warnings are computed from the departments' data feeds and handled jointly with them.
WARNING_CHANNEL = Channel.DEPARTMENT


@transaction.atomic
def warning_open_case(
    *,
    warning: Warning,
    actor: User,
    caller_name: str,
    caller_phone: str,
    description: str,
    category: str = "",
    caller_id_number: str = "",
    workers_involved: int = 1,
    amount_claimed: Decimal = Decimal("0"),
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Case:
    now = now or timezone.now()
    locked = TABLE.lock(warning, "open_case", actor=actor, expected_version=expected_version)
    result = case_intake(
        actor=actor,
        channel=WARNING_CHANNEL,
        caller_name=caller_name,
        caller_phone=caller_phone,
        caller_id_number=caller_id_number,
        description=description,
        category=category or CATEGORY_BY_RISK[RiskType(locked.risk_type)],
        employer_credit_code=locked.enterprise.credit_code,
        workers_involved=workers_involved,
        amount_claimed=amount_claimed,
        district=locked.district,
        now=now,
    )
    locked.case = result.case
    save_change(locked, fields=["case"], now=now)
    record_event(
        actor=actor,
        action="warning.open_case",
        target=locked,
        org_unit=locked.district,
        after={"case": result.case.number},
        at=now,
    )
    return result.case
