"""The REST intake API for the 12351 hotline: auth, push, idempotent retry, status for the
pushing client only, the OpenAPI document and its page, and concurrent retries."""

from __future__ import annotations

import copy
import datetime as dt
import re
import threading
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client

from laborwatch.cases.models import Case
from laborwatch.cases.services import case_accept, case_intake
from laborwatch.cases.services import intake as intake_module
from laborwatch.cases.services.clients import api_client_reissue, api_client_revoke
from laborwatch.core.models import AuditEvent
from laborwatch.workers.models import Worker
from tests.cases.api_support import (
    DELETE,
    SHANGHAI,
    T0,
    URL,
    body,
    fields,
    push,
    row_counts,
)


class TestAuthentication:
    @pytest.mark.parametrize(
        "header",
        [None, "Bearer", "Bearer not-a-token", "Token lw_abc", "lw_abc"],
        ids=["none", "empty", "unknown", "wrong-scheme", "no-scheme"],
    )
    def test_missing_or_unknown_token_is_401_json(self, hotline, api_employer, header):
        http = Client(headers={"Authorization": header} if header else {})
        before = row_counts()
        response = http.post(URL, data=body(api_employer), content_type="application/json")
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Bearer"
        assert response.json() == {
            "detail": [
                {
                    "field": "",
                    "code": "unauthorized",
                    "message": "缺少接口令牌，或令牌无效、已吊销。",
                }
            ]
        }
        assert (
            Client(headers={"Authorization": header} if header else {})
            .get(f"{URL}/GD20260930000001")
            .status_code
            == 401
        )
        assert row_counts() == before

    def test_revoked_token_is_refused_and_a_reissued_one_works(self, hotline, api_employer):
        api_client_revoke(actor=None, client=hotline.client, reason="换系统")
        before = row_counts()
        assert push(hotline, body(api_employer)).status_code == 401
        assert row_counts() == before
        _, token = api_client_reissue(actor=None, client=hotline.client)
        assert push(hotline, body(api_employer)).status_code == 401  # the old token stays dead
        fresh = Client(headers={"Authorization": f"Bearer {token}"})
        response = fresh.post(URL, data=body(api_employer), content_type="application/json")
        assert response.status_code == 201


@pytest.mark.usefixtures("frozen")
class TestPush:
    def test_creates_the_case_with_deadlines_and_the_linked_employer(self, hotline, api_employer):
        response = push(hotline, body(api_employer))
        assert response.status_code == 201
        case = Case.objects.get()
        assert response.json() == {
            "number": "GD20260930000001",
            "status": "received",
            "created": True,
            "sla": {
                "stage": "accept",
                "light": "green",
                "accept_due": "2026-09-30T10:55:00+08:00",
                "feedback_due": "2026-10-01T09:55:00+08:00",
                "resolve_due": "2026-10-27T23:59:59+08:00",
            },
            "employer": {
                "credit_code": api_employer.credit_code,
                "name": "青岛鑫瑞泰建筑工程有限公司",
                "candidates": [
                    {
                        "credit_code": api_employer.credit_code,
                        "name": "青岛鑫瑞泰建筑工程有限公司",
                        "method": "credit_code",
                        "confidence": 1.0,
                    }
                ],
            },
            "possible_duplicate_of": None,
            "group": None,
        }
        assert (case.channel, case.api_client, case.external_ref) == (
            "hotline_12351",
            hotline.client,
            "12351-20260930-0001",
        )
        # No category pushed: the text engine classified the description.
        assert (case.category, case.suggested_category) == ("WAGE.ARREARS.STAFF",) * 2
        assert (case.category, case.amount_claimed, case.district) == (
            "WAGE.ARREARS.STAFF",
            Decimal("18600.00"),
            api_employer.district,
        )
        assert (case.arrears_from, case.arrears_to) == (dt.date(2026, 6, 1), dt.date(2026, 8, 31))
        assert case.worker.phone == "13812345678"
        event = AuditEvent.objects.get(action="case.create")
        assert (event.actor, event.actor_label, event.target_id) == (
            None,
            "12351热线",
            str(case.pk),
        )

    def test_no_csrf_token_is_needed(self, hotline, api_employer):
        strict = Client(
            enforce_csrf_checks=True, headers={"Authorization": f"Bearer {hotline.token}"}
        )
        response = strict.post(URL, data=body(api_employer), content_type="application/json")
        assert response.status_code == 201

    def test_same_reference_again_answers_200_with_the_same_case(self, hotline, api_employer):
        first = push(hotline, body(api_employer)).json()
        before = row_counts()
        again = push(hotline, body(api_employer, description="第二次推送，内容不同"))
        assert again.status_code == 200
        assert again.json() == {
            **first,
            "created": False,
            "employer": {**first["employer"], "candidates": []},
        }
        assert row_counts() == before

    def test_references_are_per_client(self, hotline, other_hotline, api_employer):
        mine = push(hotline, body(api_employer)).json()
        theirs = push(other_hotline, body(api_employer, **{"caller.phone": "13900000001"}))
        assert theirs.status_code == 201
        assert theirs.json()["number"] != mine["number"]
        assert Case.objects.get(number=theirs.json()["number"]).api_client == other_hotline.client

    @pytest.mark.parametrize(
        ("description", "category", "expected"),
        [
            ("老板欠薪两个月", None, "WAGE.ARREARS.STAFF"),
            ("工地拖欠我们的钱", None, "WAGE.ARREARS.MIGRANT"),
            ("公司要求我调岗降薪", None, "CONTRACT.PERFORMANCE"),
            ("公司要求我调岗降薪", "", "CONTRACT.PERFORMANCE"),
            ("公司不给我交社保", "INSURANCE", "INSURANCE"),
        ],
    )
    def test_category_is_classified_when_omitted(
        self, hotline, api_employer, description, category, expected
    ):
        payload = body(api_employer, description=description, category=category)
        if category is None:
            del payload["category"]
        assert push(hotline, payload).status_code == 201
        assert Case.objects.get().category == expected

    def test_optional_fields_may_be_omitted_or_null(self, hotline, api_employer):
        payload = body(
            api_employer,
            received_at=DELETE,
            amount_claimed=DELETE,
            workers_involved=DELETE,
            arrears_from=None,
            arrears_to=None,
            project_name=None,
            **{"caller.id_number": None},
            unknown_field="ignored",
        )
        assert push(hotline, payload).status_code == 201
        case = Case.objects.get()
        assert (case.received_at, case.amount_claimed, case.workers_involved) == (
            T0,
            Decimal("0"),
            1,
        )
        assert case.worker.id_number == ""

    def test_time_without_offset_is_beijing_time(self, hotline, api_employer):
        push(hotline, body(api_employer, received_at="2026-09-30T08:30:00"))
        assert Case.objects.get().received_at == dt.datetime(2026, 9, 30, 8, 30, tzinfo=SHANGHAI)

    def test_employer_by_short_name_answers_candidates_to_confirm(self, hotline, api_employer):
        payload = body(api_employer, employer={"name": "鑫瑞泰"})
        answer = push(hotline, payload).json()
        assert answer["employer"] == {
            "credit_code": None,
            "name": None,
            "candidates": [
                {
                    "credit_code": api_employer.credit_code,
                    "name": "青岛鑫瑞泰建筑工程有限公司",
                    "method": "short_name",
                    "confidence": 0.8,
                }
            ],
        }
        assert Case.objects.get().employer_name_as_told == "鑫瑞泰"

    def test_repeat_caller_is_flagged_and_a_crowd_becomes_a_group(self, hotline, api_employer):
        first = push(hotline, body(api_employer)).json()
        second = push(hotline, body(api_employer, external_ref="R-2")).json()
        assert second["possible_duplicate_of"] == first["number"]
        crowd = push(hotline, body(api_employer, external_ref="R-3", workers_involved=25)).json()
        assert crowd["group"] == Case.objects.get(number=crowd["number"]).group.number

    def test_superior_assignment_client_must_give_body_and_deadline(
        self, superior_system, api_employer
    ):
        before = row_counts()
        refused = push(superior_system, body(api_employer))
        assert refused.status_code == 422
        assert fields(refused) == ["assigned_by", "superior_deadline"]
        assert row_counts() == before
        accepted = push(
            superior_system,
            body(
                api_employer,
                assigned_by="省总工会",
                superior_deadline="2026-10-09T17:00:00+08:00",
            ),
        )
        far = push(
            superior_system,
            body(api_employer, assigned_by="省总工会", superior_deadline="9999-12-31T23:59:59Z"),
        )
        assert (far.status_code, fields(far)) == (422, ["superior_deadline"])
        assert accepted.status_code == 201
        assert accepted.json()["sla"]["resolve_due"] == "2026-10-09T17:00:00+08:00"
        assert Case.objects.get().channel == "superior_assignment"


class TestStatus:
    def test_the_pushing_client_follows_its_case(self, hotline, api_employer, centre_staff):
        with time_machine.travel(T0, tick=False):
            number = push(hotline, body(api_employer)).json()["number"]
        with time_machine.travel(T0 + dt.timedelta(minutes=10), tick=False):
            case_accept(case=Case.objects.get(number=number), actor=centre_staff)
            response = hotline.http.get(f"{URL}/{number}")
        assert response.status_code == 200
        assert response.json() == {
            "number": number,
            "external_ref": "12351-20260930-0001",
            "status": "accepted",
            "status_label": "已受理",
            "received_at": "2026-09-30T09:55:00+08:00",
            "sla": {
                "stage": "contact",
                "light": "green",
                "accept_due": "2026-09-30T10:55:00+08:00",
                "feedback_due": "2026-10-01T09:55:00+08:00",
                "resolve_due": "2026-10-27T23:59:59+08:00",
            },
            "progress": [
                {"step": "received", "label": "已接收", "at": "2026-09-30T09:55:00+08:00"},
                {"step": "accepted", "label": "已受理", "at": "2026-09-30T10:10:00+08:00"},
            ],
            "outcome": None,
            "merged_into": None,
        }

    def test_other_clients_and_web_cases_are_404(self, hotline, other_hotline, api_employer):
        number = push(hotline, body(api_employer)).json()["number"]
        web_case = case_intake(
            actor=None,
            channel="walk_in",
            caller_name="李四",
            caller_phone="13900000002",
            description="拖欠工资",
            category="WAGE.ARREARS",
            employer_credit_code=api_employer.credit_code,
        ).case
        not_found = {"detail": [{"field": "", "code": "not_found", "message": "没有这个工单。"}]}
        for http, wanted in (
            (other_hotline.http, number),
            (hotline.http, web_case.number),
            (hotline.http, "GD20990101000001"),
        ):
            response = http.get(f"{URL}/{wanted}")
            assert response.status_code == 404
            assert response.json() == not_found


class TestDocuments:
    def test_openapi_document_is_served_without_a_token(self, db):
        response = Client().get("/api/v1/openapi.json")
        assert response.status_code == 200
        document = response.json()
        assert set(document["paths"]) == {
            "/api/v1/cases",
            "/api/v1/cases/{number}",
            "/api/v1/opinion/posts",
        }
        post = document["paths"]["/api/v1/cases"]["post"]
        assert set(post["responses"]) == {"200", "201", "400", "401", "413", "415", "422"}
        assert post["security"] == [{"ApiClientToken": []}]
        assert document["components"]["securitySchemes"]["ApiClientToken"] == {
            "type": "http",
            "scheme": "bearer",
        }

    def test_docs_page_loads_nothing_from_the_internet(self, db):
        page = Client().get("/api/v1/docs").content.decode()
        sources = re.findall(r'(?:src|href)="([^"]+)"', page)
        assert sources and all(source.startswith("/api/v1/docs/assets/") for source in sources)
        assert "http://" not in page and "https://" not in page
        for source in sources:
            asset = Client().get(source)
            assert asset.status_code == 200 and len(asset.content) > 1000
        assert Client().get("/api/v1/docs/assets/..%2Fmain.py").status_code == 404
        assert Client().get("/api/v1/docs/assets/swagger-ui-bundle.js.map").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_pushes_of_one_reference_make_one_case(hotline, api_employer, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    both_checked = threading.Barrier(2, timeout=10)
    real_link = intake_module.link_employer

    def link_after_both_checked(**kwargs: Any) -> Any:
        # Both requests have passed the "already pushed?" check before either creates.
        both_checked.wait()
        return real_link(**kwargs)

    monkeypatch.setattr(intake_module, "link_employer", link_after_both_checked)
    answers: list[tuple[int, dict[str, Any]]] = []
    payload = body(api_employer, received_at=DELETE)

    def push_once() -> None:
        try:
            http = Client(headers={"Authorization": f"Bearer {hotline.token}"})
            response = http.post(URL, data=copy.deepcopy(payload), content_type="application/json")
            answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=push_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(status for status, _ in answers) == [200, 201]
    assert {answer["number"] for _, answer in answers} == {Case.objects.get().number}
    assert sorted(answer["created"] for _, answer in answers) == [False, True]
    assert Worker.objects.count() == 1
    assert AuditEvent.objects.filter(action="case.create").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_pushes_from_one_new_caller_make_two_cases(
    hotline, api_employer, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    both_checked = threading.Barrier(2, timeout=10)
    real_link = intake_module.link_employer

    def link_after_both_checked(**kwargs: Any) -> Any:
        both_checked.wait()
        return real_link(**kwargs)

    monkeypatch.setattr(intake_module, "link_employer", link_after_both_checked)
    statuses: list[int] = []

    def push_once(reference: str) -> None:
        try:
            http = Client(
                headers={"Authorization": f"Bearer {hotline.token}"},
                raise_request_exception=False,
            )
            payload = body(api_employer, external_ref=reference, received_at=DELETE)
            statuses.append(
                http.post(URL, data=payload, content_type="application/json").status_code
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=push_once, args=(ref,)) for ref in ("R-A", "R-B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [201, 201]
    assert Case.objects.count() == 2
    # Each took the next number of the year while the other waited: no gap, no repeat.
    numbers = sorted(Case.objects.values_list("number", flat=True))
    assert [number[-6:] for number in numbers] == ["000001", "000002"]
