"""The case list (filters, pagination, export) and the wage-arrears ledgers: totals on the page
and in Excel match the case data exactly; personal data is masked on every page and export."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from laborwatch.cases.models import Case
from laborwatch.cases.services import (
    case_accept,
    case_call_back,
    case_close,
    case_contact,
    case_give_feedback,
    case_merge,
    case_resolve,
    case_start_handling,
)
from laborwatch.core.models import AuditEvent
from tests.cases.views_support import T0, as_decimal, local, make_case, read_xlsx
from tests.conftest import SHINAN_ID_NUMBER, SHINAN_PHONE

pytestmark = pytest.mark.django_db

LEDGER_HEADERS = [
    "序号", "受理日期", "来源渠道", "职工", "用人单位", "统一社会信用代码", "涉及人数", "金额",
    "办理方式", "进展", "责任人", "时限", "办结日期", "追回金额", "工单编号",
]  # fmt: skip


def handle(case: Case, actor) -> Case:
    case = case_accept(case=case, actor=actor)
    case = case_contact(case=case, actor=actor, worker_reached=True, employer_reached=True)
    case = case_give_feedback(case=case, actor=actor, note="已反馈")
    return case_start_handling(case=case, actor=actor, method="mediation")


def resolve(case: Case, actor, recovered: str) -> Case:
    return case_resolve(
        case=handle(case, actor), actor=actor, wages_recovered=Decimal(recovered),
        workers_covered=case.workers_involved, method="mediation", union_role="led", note="已追回",
    )  # fmt: skip


@pytest.fixture
def ledger_cases(registry, centre_staff):
    """Wage-arrears clues in two districts in every state, plus two that the ledgers leave out."""
    shinan, huangdao = registry.shinan_enterprise, registry.huangdao_enterprise
    cases = {}
    with time_machine.travel(local(2025, 3, 3, 9, 0), tick=False) as clock:
        cases["open_shinan"] = case_accept(
            case=make_case(shinan, caller_phone="13912340011", caller_name="甲",
                           caller_id_number=SHINAN_ID_NUMBER, category="WAGE.ARREARS.MIGRANT",
                           amount_claimed=Decimal("18600"), workers_involved=3),
            actor=centre_staff,
        )  # fmt: skip
        clock.shift(dt.timedelta(hours=1))
        cases["resolved_shinan"] = resolve(
            make_case(shinan, caller_phone="13912340012", caller_name="乙",
                      amount_claimed=Decimal("12000.50")),
            centre_staff, "10000.25",
        )  # fmt: skip
        clock.shift(dt.timedelta(hours=1))
        cases["closed_huangdao"] = case_close(
            case=make_case(huangdao, caller_phone="13912340013", caller_name="丙",
                           category="WAGE.ARREARS", amount_claimed=Decimal("5000"),
                           workers_involved=2),
            actor=centre_staff, reason_code="withdrawn", note="撤回",
        )  # fmt: skip
        clock.shift(dt.timedelta(hours=1))
        called_back = resolve(
            make_case(huangdao, caller_phone="13912340014", caller_name="丁",
                      amount_claimed=Decimal("7000")),
            centre_staff, "7000",
        )  # fmt: skip
        cases["called_back_huangdao"] = case_call_back(
            case=called_back, actor=centre_staff, satisfaction=5
        )
        clock.shift(dt.timedelta(hours=1))
        cases["not_wages"] = make_case(
            shinan, caller_phone="13912340015", category="CONTRACT.UNSIGNED",
            amount_claimed=Decimal("999"),
        )  # fmt: skip
        cases["merged"] = make_case(shinan, caller_phone="13912340011", caller_name="甲")
        case_merge(source=cases["merged"], target=cases["open_shinan"], actor=centre_staff,
                   reason="重复")  # fmt: skip
        clock.move_to(local(2025, 3, 5, 9, 0))
        cases["open_huangdao"] = handle(
            make_case(huangdao, caller_phone="13912340016", caller_name="戊",
                      amount_claimed=Decimal("3333.33")),
            centre_staff,
        )  # fmt: skip
    return {key: Case.objects.get(pk=case.pk) for key, case in cases.items()}


def page_totals(response) -> tuple[int, int, Decimal, Decimal]:
    totals = response.context["totals"]
    return totals.cases, totals.workers, totals.amount_claimed, totals.wages_recovered


@pytest.mark.parametrize(
    ("closed", "persona", "keys", "totals"),
    [
        (False, "centre_staff", ["open_shinan", "open_huangdao"], (2, 4, "21933.33", "0")),
        # 丙 (2 workers, ¥5,000, withdrawn) and 丁 (1 worker, ¥7,000 recovered) called about
        # one employer in one window: one group case, counted once in each measure.
        (
            True,
            "centre_staff",
            ["resolved_shinan", "closed_huangdao", "called_back_huangdao"],
            (3, 3, "19000.50", "17000.25"),
        ),
        (False, "owner", ["open_shinan"], (1, 3, "18600", "0")),
        (True, "owner", ["resolved_shinan"], (1, 1, "12000.50", "10000.25")),
        (False, "outsider", ["open_huangdao"], (1, 1, "3333.33", "0")),
        (True, "liaison", [], (0, 0, "0", "0")),
    ],
)
def test_ledger_page_and_excel_match_the_cases(
    request, ledger_cases, client_for, closed, persona, keys, totals
):
    count, workers, claimed, recovered = totals
    totals = (count, workers, Decimal(claimed), Decimal(recovered))
    client = client_for(request.getfixturevalue(persona))
    url = "/cases/ledger/closed/" if closed else "/cases/ledger/"
    expected = [ledger_cases[key] for key in keys]
    with time_machine.travel(local(2025, 3, 5, 12, 0), tick=False):
        response = client.get(url)
        workbook = client.get(url, {"format": "xlsx"})
    assert response.status_code == 200
    assert [row[14] for row in response.context["rows"]] == [c.number for c in expected]
    assert page_totals(response) == totals
    assert response.context["title"] == ("已办结欠薪线索台账" if closed else "欠薪线索台账")

    assert workbook.status_code == 200
    rows = read_xlsx(workbook.content)
    assert rows[0] == LEDGER_HEADERS
    body, last = rows[1:-1], rows[-1]
    assert [row[0] for row in body] == list(range(1, len(expected) + 1))
    assert [row[3] for row in body] == [c.worker.name for c in expected]
    assert [row[14] for row in body] == [c.number for c in expected]
    assert [row[5] for row in body] == [c.employer.credit_code for c in expected]
    assert [row[6] for row in body] == [c.workers_involved for c in expected]
    assert [as_decimal(row[7]) for row in body] == [c.amount_claimed for c in expected]
    assert [as_decimal(row[13]) for row in body] == [c.wages_recovered for c in expected]
    assert last[:2] == ["合计", f"{len(expected)} 件，群体性案件只计一次"]
    assert (len(expected), last[6], as_decimal(last[7]), as_decimal(last[13])) == totals
    event = AuditEvent.objects.filter(action="case.ledger_export").get()
    assert (event.actor_label, event.after) == (
        persona.replace("_staff", ""),
        {"rows": len(expected)},
    )


def test_ledger_row_layout(ledger_cases, centre_staff, client_for):
    with time_machine.travel(local(2025, 3, 5, 12, 0), tick=False):
        content = client_for(centre_staff).get("/cases/ledger/closed/?format=xlsx").content
    rows = read_xlsx(content)
    resolved = ledger_cases["resolved_shinan"]
    assert rows[1] == [
        1, "2025-03-03", "12351热线", "乙", "青岛海岸电子有限公司", resolved.employer.credit_code,
        1, 12000.5, "介入调解", "已办结", "centre", "2025-03-24", "2025-03-03", 10000.25,
        resolved.number,
    ]  # fmt: skip
    closed = rows[2]
    assert closed[8:10] == [None, "已关闭"]  # never handled: no method
    assert closed[12] == "2025-03-03"
    assert rows[-1][0] == "合计"


def test_the_ledger_export_reads_values_not_cases(
    ledger_cases, centre_staff, client_for, monkeypatch
):
    """The export builds no case (nor its worker, employer, handler) and reads no phone or ID
    number, which the ledger does not show: a worker's encrypted columns stay unread."""
    built: list[int] = []
    from_db = Case.from_db.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(
        Case, "from_db", classmethod(lambda cls, *args: built.append(1) or from_db(cls, *args))
    )
    client = client_for(centre_staff)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/cases/ledger/closed/?format=xlsx")
    assert response.status_code == 200
    assert len(read_xlsx(response.content)) == 1 + 3 + 1  # headers, three clues, totals
    assert built == []
    read = " ".join(query["sql"] for query in queries)
    assert '"workers_worker"."name"' in read
    assert '"workers_worker"."phone"' not in read and '"workers_worker"."id_number"' not in read


def test_ledger_filters(ledger_cases, centre_staff, client_for):
    client = client_for(centre_staff)
    with time_machine.travel(local(2025, 3, 5, 12, 0), tick=False):
        by_district = client.get("/cases/ledger/closed/", {"district": "huangdao"})
        assert [row[14] for row in by_district.context["rows"]] == [
            ledger_cases["closed_huangdao"].number, ledger_cases["called_back_huangdao"].number
        ]  # fmt: skip
        # One group case (丙 and 丁), counted once.
        assert page_totals(by_district) == (2, 2, Decimal("7000.00"), Decimal("7000.00"))
        by_date = client.get("/cases/ledger/", {"received_from": "2025-03-04"})
        assert [row[14] for row in by_date.context["rows"]] == [
            ledger_cases["open_huangdao"].number
        ]
        migrant = client.get("/cases/ledger/", {"category": "WAGE.ARREARS.MIGRANT"})
        assert [row[14] for row in migrant.context["rows"]] == [ledger_cases["open_shinan"].number]
        text = by_district.content.decode()
        assert "5,000.00" in text and "7,000.00" in text  # the rows, and the totals
        # The category filter offers the wage-arrears branch only.
        codes = [code for code, _ in by_district.context["form"].fields["category"].choices]
        assert codes == ["", "WAGE.ARREARS", "WAGE.ARREARS.MIGRANT", "WAGE.ARREARS.STAFF"]


# --- the case list -----------------------------------------------------------------------


def numbers(response) -> list[str]:
    assert response.status_code == 200
    return [case.number for case in response.context["page"]]


def test_case_list_filters(ledger_cases, centre_staff, client_for):
    client = client_for(centre_staff)
    c = ledger_cases
    newest_first = sorted(c.values(), key=lambda case: (case.received_at, case.pk), reverse=True)
    with time_machine.travel(local(2025, 3, 5, 12, 0), tick=False):
        assert numbers(client.get("/cases/")) == [case.number for case in newest_first]
        assert set(numbers(client.get("/cases/", {"status": "open"}))) == {
            c["open_shinan"].number, c["open_huangdao"].number, c["not_wages"].number
        }  # fmt: skip
        assert numbers(client.get("/cases/", {"status": "merged"})) == [c["merged"].number]
        assert numbers(client.get("/cases/", {"category": "CONTRACT"})) == [c["not_wages"].number]
        assert set(numbers(client.get("/cases/", {"district": "huangdao"}))) == {
            c["closed_huangdao"].number, c["called_back_huangdao"].number,
            c["open_huangdao"].number,
        }  # fmt: skip
        assert numbers(client.get("/cases/", {"received_from": "2025-03-05"})) == [
            c["open_huangdao"].number
        ]
        early_huangdao = {"received_to": "2025-03-03", "district": "huangdao"}
        assert numbers(client.get("/cases/", early_huangdao)) == [
            c["called_back_huangdao"].number, c["closed_huangdao"].number
        ]  # fmt: skip
        assert numbers(client.get("/cases/", {"q": c["merged"].number})) == [c["merged"].number]
        assert numbers(client.get("/cases/", {"q": "丁"})) == [c["called_back_huangdao"].number]
        assert numbers(client.get("/cases/", {"q": "西海岸造船"}))[0] == c["open_huangdao"].number
        assert numbers(client.get("/cases/", {"channel": "walk_in"})) == []
        # Open cases by light at noon on 5 March: the 3 March ones are far past their clocks.
        assert set(numbers(client.get("/cases/", {"light": "red"}))) == {
            c["open_shinan"].number, c["not_wages"].number
        }  # fmt: skip
        assert numbers(client.get("/cases/", {"light": "green"})) == [c["open_huangdao"].number]
        # A bad filter value filters nothing rather than failing.
        assert len(numbers(client.get("/cases/", {"received_from": "not-a-date"}))) == 7


def test_case_list_is_scoped_and_paginated(registry, owner, outsider, client_for):
    with time_machine.travel(T0, tick=False):
        for i in range(51):
            make_case(registry.shinan_enterprise, caller_phone=f"1391235{i:04d}")
        make_case(registry.huangdao_enterprise, caller_phone="13912360000")
        first = client_for(owner).get("/cases/")
        second = client_for(owner).get("/cases/", {"page": 2})
        assert first.context["page"].paginator.count == 51
        assert len(numbers(first)) == 50 and len(numbers(second)) == 1
        assert len(numbers(client_for(outsider).get("/cases/"))) == 1


# --- masking -----------------------------------------------------------------------------


MASKED_PHONE = "138****5678"
MASKED_ID = "370202********1237"


def assert_masked(text: str) -> None:
    assert SHINAN_PHONE not in text
    assert SHINAN_ID_NUMBER not in text


def test_personal_data_is_masked_on_pages_and_exports(ledger_cases, owner, client_for):
    client = client_for(owner)
    case = ledger_cases["open_shinan"]
    assert case.worker.name == "张伟"  # the intake found the registry worker by ID number
    with time_machine.travel(local(2025, 3, 5, 12, 0), tick=False):
        listing = client.get("/cases/").content.decode()
        detail = client.get(f"/cases/{case.number}/").content.decode()
        ledger = client.get("/cases/ledger/").content.decode()
        inbox = client.get("/cases/inbox/").content.decode()
        export = client.get("/cases/", {"format": "xlsx"})
        ledger_export = client.get("/cases/ledger/", {"format": "xlsx"})
    for text in (listing, detail, ledger, inbox):
        assert_masked(text)
    assert MASKED_PHONE in listing
    assert MASKED_PHONE in detail and MASKED_ID in detail
    assert f'href="/workers/{case.worker.pk}/"' in detail  # the audited reveal lives there
    assert AuditEvent.objects.filter(action="worker.reveal").count() == 0

    rows = read_xlsx(export.content)
    assert rows[0] == [
        "工单编号", "受理日期", "来源渠道", "诉求类别", "状态", "时限灯", "职工", "手机号",
        "用人单位", "统一社会信用代码", "区市", "涉及人数", "诉求金额（元）", "责任人", "当前时限",
    ]  # fmt: skip
    row = next(r for r in rows if r[0] == case.number)
    assert (row[6], row[7], row[5]) == ("张伟", MASKED_PHONE, "红灯")
    assert_masked(str(rows))
    assert_masked(str(read_xlsx(ledger_export.content)))
    export_event = AuditEvent.objects.get(action="case.export")
    assert (export_event.actor, export_event.after) == (owner, {"rows": 4})  # 市南区's cases


def test_navigation_marks_the_ledger_not_the_work_orders(owner, client_for):
    client = client_for(owner)
    for url, active in [("/cases/", "cases"), ("/cases/ledger/closed/", "ledger")]:
        nav = client.get(url).context["nav_items"]
        assert [item["key"] for item in nav if item["active"]] == [active]
