"""The work-order export: a row per case with the list's values, the phone masked, and a
number of queries that does not grow with the rows (it reads the rows as values, not as
cases: every column is checked against what the case itself shows)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from laborwatch.cases.forms import LIGHT_CHOICES
from laborwatch.cases.models import Case, Channel
from laborwatch.cases.statuses import Status
from laborwatch.core.models import AuditEvent
from laborwatch.text.taxonomy import label as category_label
from tests.cases.views_support import T0, make_case, read_xlsx
from tests.factories import make_enterprise


@pytest.fixture
def employer(org_units):
    return make_enterprise(org_units["shinan"], name="青岛导出测试有限公司")


def _export(client) -> tuple[list[list], int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/cases/?format=xlsx")
    assert response.status_code == 200
    return read_xlsx(response.content), len(queries.captured_queries)


@time_machine.travel(T0, tick=False)
def test_export_row_holds_the_list_values_with_the_phone_masked(employer, centre_staff, client_for):
    case = make_case(employer, caller_phone="13912340001", caller_name="李娜")
    Case.objects.filter(pk=case.pk).update(handler=centre_staff, workers_involved=3)
    centre_staff.display_name = "王芳"
    centre_staff.save(update_fields=["display_name"])
    case.refresh_from_db()
    rows, _ = _export(client_for(centre_staff))
    assert rows[1] == [
        case.number,
        "2025-03-05",
        str(Channel("hotline_12351").label),
        category_label("WAGE.ARREARS.STAFF"),
        str(Status(case.status).label),
        dict(LIGHT_CHOICES)[case.sla_light(T0)],
        "李娜",
        "139****0001",
        "青岛导出测试有限公司",
        employer.credit_code,
        employer.district.label,
        3,
        12000,
        "王芳",
        timezone.localtime(case.next_due_at).strftime("%Y-%m-%d %H:%M"),
    ]
    assert "13912340001" not in str(rows)


@time_machine.travel(T0, tick=False)
def test_export_queries_do_not_grow_with_the_rows(employer, centre_staff, client_for):
    client = client_for(centre_staff)
    for i in range(2):
        make_case(employer, caller_phone=f"1391234000{i}")
    Case.objects.update(handler=centre_staff)
    _export(client)  # the first request also fills the process's caches (labels, scopes)
    rows, few = _export(client)
    assert len(rows) == 3
    for i in range(2, 7):
        make_case(None, caller_phone=f"1391234000{i}")
    Case.objects.update(handler=centre_staff)
    rows, many = _export(client)
    assert len(rows) == 8
    assert many == few


def _row_from_the_case(case: Case) -> list:
    """A case's export row built from the case itself (its choices' display, its light, its
    worker's masked phone, its district's and handler's labels): what the values must give."""
    return [
        case.number,
        timezone.localtime(case.received_at).strftime("%Y-%m-%d"),
        case.get_channel_display(),
        category_label(case.category) or case.category,
        case.get_status_display(),
        dict(LIGHT_CHOICES)[light] if (light := case.sla_light(T0)) else "",  # no clock: none
        case.worker.name,
        case.worker.phone_masked,
        case.employer.name if case.employer else case.employer_name_as_told,
        case.employer.credit_code if case.employer else "",
        case.district.label if case.district else "",
        case.workers_involved,
        case.amount_claimed,
        str(case.handler) if case.handler else "",
        timezone.localtime(case.next_due_at).strftime("%Y-%m-%d %H:%M") if case.next_due_at else "",
    ]


def _empty_as_none(row: list) -> list:
    """An empty text is written as an empty cell, read back as None."""
    return [None if value == "" else value for value in row]


CENTS = Decimal("1234.50")


@time_machine.travel(T0, tick=False)
def test_every_column_of_every_kind_of_row_is_what_the_case_shows(
    employer, org_units, centre_staff, make_user, client_for
):
    """Each column's variants: no employer (the name as told), no district, a district with
    and without a short name, no handler, a handler with and without a display name, each
    light and no clock, other channels, statuses and a category outside the taxonomy."""
    bare_handler = make_user("bare-handler", "centre_staff")
    centre_staff.display_name = "王芳"
    centre_staff.save(update_fields=["display_name"])
    hour = dt.timedelta(hours=1)
    variants = [
        ({"handler": centre_staff}, {}),
        ({"handler": bare_handler, "next_due_at": T0 - hour}, {"caller_phone": "13800000002"}),
        ({"next_due_at": T0 + hour, "next_yellow_at": T0 - hour}, {"channel": "walk_in"}),
        ({"next_due_at": T0 + 2 * hour, "next_yellow_at": T0 + hour}, {}),
        ({"next_due_at": None, "next_yellow_at": None, "status": "closed", "district": None}, {}),
        ({"category": "NOT.IN.TAXONOMY", "workers_involved": 7}, {"amount_claimed": CENTS}),
        ({"status": "in_handling", "district": org_units["huangdao"]}, {}),
    ]
    cases = []
    for i, (update, intake) in enumerate(variants):
        with_employer = i % 2 == 0
        intake = {"caller_phone": f"1391234{i:04d}", "caller_name": f"职工{i}", **intake}
        case = make_case(employer if with_employer else None, **intake)
        Case.objects.filter(pk=case.pk).update(**update)
        cases.append(case)
    type(employer.district).objects.filter(code="huangdao").update(short_name="")
    rows, _ = _export(client_for(centre_staff))
    exported = {row[0]: row for row in rows[1:]}
    assert len(exported) == len(cases)
    lights = set()
    for case in cases:
        case = Case.objects.select_related("worker", "employer", "district", "handler").get(
            pk=case.pk
        )
        assert exported[case.number] == _empty_as_none(_row_from_the_case(case)), case.number
        lights.add(case.sla_light(T0))
    assert lights == {"", "green", "yellow", "red"}
    written = str(rows)
    assert "****" in written
    for i in range(len(cases)):
        assert f"1391234{i:04d}" not in written
    assert "13800000002" not in written


@time_machine.travel(T0, tick=False)
def test_export_is_audited_with_its_row_count(employer, centre_staff, client_for):
    for i in range(3):
        make_case(employer, caller_phone=f"1391234000{i}")
    _export(client_for(centre_staff))
    event = AuditEvent.objects.filter(action="case.export").get()
    assert event.actor == centre_staff
    assert (event.target_type, event.target_label) == ("cases.case", "3")
    assert event.after == {"rows": 3}
