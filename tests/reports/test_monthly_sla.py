"""The monthly report's timeliness table counts with the dashboard's figure definitions
(cases/figures.py): feedback within 24 h to the minute, on-time resolution, wages and workers
of the cases resolved in the month, merged cases left out, each district's on-time rate."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from laborwatch.cases.models import Case
from laborwatch.reports.monthly.selectors import city_monthly_report, district_on_time, month_sla
from tests.cases.views_support import local, make_case
from tests.factories import make_enterprise

OCTOBER = dt.date(2026, 10, 1)


def update(case: Case, **fields) -> None:
    Case.objects.filter(pk=case.pk).update(**fields)


@pytest.fixture
def october(org_units) -> None:
    shinan = make_enterprise(org_units["shinan"])
    huangdao = make_enterprise(org_units["huangdao"])
    received = local(2026, 10, 8, 9)

    def case(employer, at: dt.datetime, phone: str) -> Case:
        return make_case(employer, caller_phone=phone, received_at=at, now=at)

    exactly, minute_late, _no_feedback, early = (
        case(shinan, received, f"1390000000{i}") for i in range(4)
    )
    update(exactly, feedback_at=received + dt.timedelta(hours=24))
    update(minute_late, feedback_at=received + dt.timedelta(hours=24, minutes=1))
    update(early, feedback_at=received + dt.timedelta(hours=2))
    on_time, late, september = (
        case(shinan if i < 2 else huangdao, local(2026, 9, 20, 9), f"1390000001{i}")
        for i in range(3)
    )
    update(
        on_time,
        status="resolved",
        resolved_at=local(2026, 10, 5, 9),
        resolve_due=local(2026, 10, 6, 9),
        wages_recovered=Decimal("18600.50"),
        workers_covered=3,
    )
    update(
        late,
        status="resolved",
        resolved_at=local(2026, 10, 9, 9),
        resolve_due=local(2026, 10, 6, 9),
        wages_recovered=Decimal("1000"),
        workers_covered=1,
    )
    update(
        september,
        status="resolved",
        resolved_at=local(2026, 9, 30, 9),
        resolve_due=local(2026, 10, 1, 9),
    )
    merged = case(shinan, received, "13900000020")
    update(merged, status="merged", feedback_at=received)


def test_timeliness_is_counted_by_the_shared_definitions(october) -> None:
    sla, previous = month_sla(Case.objects.all(), OCTOBER)
    assert (sla.received, sla.feedback_in_24h) == (4, 2)
    assert (sla.resolved, sla.resolved_on_time) == (2, 1)
    # The two resolved cases are one group case (three 市南 callers within the window): it
    # counts once, as its largest account (cases/figures.counted_once).
    assert (sla.wages_recovered, sla.workers_covered) == (Decimal("18600.50"), 3)
    # September: three received, one resolved on time.
    assert (previous.received, previous.resolved, previous.resolved_on_time) == (3, 1, 1)


def test_each_district_has_its_on_time_rate(october) -> None:
    assert district_on_time(OCTOBER) == {"市南区": (0.5, None), "黄岛区": (None, 1.0)}


def test_the_report_carries_them(october) -> None:
    report = city_monthly_report(month=OCTOBER)
    assert (report.sla.received, report.sla.resolved_on_time) == (4, 1)
    assert report.sla.median_days_to_resolve == pytest.approx((15 + 19) / 2)
    assert [(d.label, d.on_time_rate) for d in report.districts] == [("市南区", 0.5)]
