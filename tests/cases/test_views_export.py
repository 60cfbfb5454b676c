"""The work-order export: a row per case with the list's values, the phone masked, and a
number of queries that does not grow with the rows (it reads only the columns it writes,
so a column written but not read would cost a query a row)."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from laborwatch.cases.forms import LIGHT_CHOICES
from laborwatch.cases.models import Case, Channel
from laborwatch.cases.statuses import Status
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
