"""A small city for the dashboard: work orders in two months and two districts, warnings
issued, signed for, verified, handled and closed, with every figure known by hand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from laborwatch.cases.models import Case
from laborwatch.core.models import OrgUnit, User
from laborwatch.enterprises.models import Enterprise
from laborwatch.warnings.models import Warning, WarningRouting, WarningStatus, WarningStep
from tests.cases.views_support import local, make_case
from tests.factories import make_enterprise
from tests.opinion.support import make_event
from tests.warnings.support import signal, sync

# The dashboard's "today": 2025-03-20, so March is this month (1st to 20th) and February the
# previous period (1st to 20th of it).
TODAY = dt.date(2025, 3, 20)
NOW = local(2025, 3, 20, 15, 0)


def received(day: dt.date, hour: int = 10) -> dt.datetime:
    return local(day.year, day.month, day.day, hour)


def case_at(
    employer: Enterprise, day: dt.date, *, phone: str, category: str = "WAGE.ARREARS.STAFF"
) -> Case:
    return make_case(
        employer,
        caller_phone=phone,
        received_at=received(day),
        now=received(day),
        category=category,
    )


def finish(case: Case, **fields: Any) -> None:
    """Set a case's outcome fields directly: the figures read fields, not the path there."""
    Case.objects.filter(pk=case.pk).update(**fields)


@dataclass
class City:
    shinan: OrgUnit
    huangdao: OrgUnit
    shinan_firm: Enterprise
    huangdao_firm: Enterprise
    march: list[Case]
    warnings: list[Warning]


def _warning_loop(warnings: list[Warning], staff: dict[int, User]) -> None:
    """Warning 0 signed, verified, handled jointly and closed; 1 signed and verified; 2 signed
    only."""
    for index, warning in enumerate(warnings[:3]):
        WarningRouting.objects.filter(warning=warning, org_unit_id=warning.district_id).update(
            acknowledged_at=received(TODAY, 9), acknowledged_by=staff[warning.district_id]
        )
        if index <= 1:
            WarningStep.objects.create(
                warning=warning,
                kind=WarningStep.Kind.VERIFICATION,
                outcome=WarningStep.Outcome.CONFIRMED,
                note="核实属实",
                actor=staff[warning.district_id],
                at=received(TODAY, 10),
            )
    WarningStep.objects.create(
        warning=warnings[0],
        kind=WarningStep.Kind.JOINT_HANDLING,
        note="联动处置",
        actor=staff[warnings[0].district_id],
        at=received(TODAY, 11),
    )
    WarningStep.objects.create(
        warning=warnings[0],
        kind=WarningStep.Kind.CLOSURE,
        note="办结",
        actor=staff[warnings[0].district_id],
        at=received(TODAY, 12),
    )
    Warning.objects.filter(pk=warnings[0].pk).update(status=WarningStatus.CLOSED)


@pytest.fixture
def city(org_units, owner, outsider) -> City:
    shinan, huangdao = org_units["shinan"], org_units["huangdao"]
    shinan_firm = make_enterprise(shinan, name="青岛海岸电子有限公司", employee_count=120)
    huangdao_firm = make_enterprise(huangdao, name="青岛西海岸造船有限公司", employee_count=30)
    other_firm = make_enterprise(shinan, name="青岛市南物流有限公司", employee_count=50)
    third_firm = make_enterprise(shinan, name="青岛浮山建筑劳务有限公司", employee_count=15)
    # February (the previous period): two received in 市南区, one resolved on time.
    february = [
        case_at(shinan_firm, dt.date(2025, 2, 3), phone="13900000001"),
        case_at(shinan_firm, dt.date(2025, 2, 4), phone="13900000002"),
    ]
    finish(
        february[0],
        status="resolved",
        feedback_at=received(dt.date(2025, 2, 3), 12),
        resolved_at=received(dt.date(2025, 2, 10)),
        union_role="led",
        wages_recovered=Decimal("5000"),
        workers_covered=1,
    )
    # March: three in 市南区 (one a social-insurance demand), one in 黄岛区.
    march = [
        case_at(shinan_firm, dt.date(2025, 3, 3), phone="13900000011"),
        case_at(shinan_firm, dt.date(2025, 3, 4), phone="13900000012"),
        case_at(other_firm, dt.date(2025, 3, 5), phone="13900000013", category="INSURANCE.PENSION"),
        case_at(huangdao_firm, dt.date(2025, 3, 6), phone="13900000014"),
    ]
    # Feedback within 24 h for 0 and 3, late for 1 (25 h), none for 2.
    finish(march[0], feedback_at=received(dt.date(2025, 3, 3), 20))
    finish(march[1], feedback_at=received(dt.date(2025, 3, 5), 11))
    finish(march[3], feedback_at=received(dt.date(2025, 3, 6), 11))
    # Resolved in March: February's second (late, union joined, 8,000 yuan for 3 workers),
    # March's first (on time, no union role, nothing recovered), 黄岛's (on time, led).
    finish(
        february[1],
        status="resolved",
        resolved_at=received(dt.date(2025, 3, 10)),
        resolve_due=received(dt.date(2025, 3, 1)),
        union_role="joined",
        wages_recovered=Decimal("8000"),
        workers_covered=3,
    )
    finish(
        march[0], status="resolved", resolved_at=received(dt.date(2025, 3, 12)), union_role="none"
    )
    finish(
        march[3],
        status="resolved",
        resolved_at=received(dt.date(2025, 3, 14)),
        union_role="led",
        wages_recovered=Decimal("20000"),
        workers_covered=4,
    )
    # A case merged into another is never counted.
    merged = case_at(shinan_firm, dt.date(2025, 3, 7), phone="13900000015")
    finish(merged, status="merged")
    # Warnings: one issued in February (red), four in March.
    sync(dt.date(2025, 2, 10), signal(other_firm, "red"))
    sync(
        dt.date(2025, 3, 10),
        signal(other_firm, "red"),
        signal(shinan_firm, "orange"),
        signal(third_firm, "yellow", "labor_cases", risk_type="collective_dispute"),
        signal(huangdao_firm, "blue"),
    )
    issued = list(Warning.objects.filter(first_seen_on__gte=dt.date(2025, 3, 1)).order_by("pk"))
    staff = {shinan.pk: owner, huangdao.pk: outsider}
    _warning_loop(issued, staff)
    # Public-opinion events: three on the list first seen in March (市南 重大 and 一般, 黄岛
    # 较大), one in February (市南); not counted: one off the list and one merged into another.
    make_event(district=shinan, grade="grave", now=local(2025, 3, 4, 12))
    make_event(district=shinan, now=local(2025, 3, 8, 12))
    make_event(district=huangdao, grade="major", now=local(2025, 3, 6, 12))
    make_event(district=shinan, now=local(2025, 2, 5, 12))
    make_event(district=shinan, on_list=False, now=local(2025, 3, 9, 12))
    merged_event = make_event(district=shinan, now=local(2025, 3, 10, 12))
    type(merged_event).objects.filter(pk=merged_event.pk).update(status="merged")
    return City(shinan, huangdao, shinan_firm, huangdao_firm, march, issued)
