"""Health check, sign-in redirects, the audit log's gate (the home page: tests/dashboard)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.test import Client

from laborwatch.core.models import AuditEvent
from tests.conftest import PASSWORD

CITY_WIDE = ["centre_staff", "leader", "auditor", "admin_user"]


@pytest.mark.django_db
def test_healthz_without_login() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_is_get_only() -> None:
    assert Client().post("/healthz").status_code == 405


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/audit/",
        "/enterprises/",
        "/enterprises/new/",
        "/enterprises/{code}/",
        "/workers/",
        "/workers/new/",
        "/workers/{pk}/",
        "/workers/?format=xlsx",
    ],
)
def test_anonymous_is_sent_to_login(registry, url) -> None:
    url = url.format(code=registry.shinan_enterprise.credit_code, pk=registry.shinan_worker.pk)
    events = AuditEvent.objects.count()
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
    assert AuditEvent.objects.count() == events


def test_anonymous_reveal_is_sent_to_login_and_not_audited(registry) -> None:
    events = AuditEvent.objects.count()
    url = f"/workers/{registry.shinan_worker.pk}/reveal/"
    response = Client().post(url, {"reason": "x"})
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next=/workers/{registry.shinan_worker.pk}/reveal/"
    assert AuditEvent.objects.count() == events


def test_login_with_password(owner) -> None:
    client = Client()
    response = client.post("/login/", {"username": "owner", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_login_with_wrong_password(owner) -> None:
    response = Client().post("/login/", {"username": "owner", "password": "wrong-password"})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated


# --- audit log ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["owner", "outsider", "liaison", "centre_staff", "leader"])
def test_audit_log_hidden_from_other_roles(request, registry, client_for, persona) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get("/audit/").status_code == 404
    assert client.get("/audit/?format=xlsx").status_code == 404


@pytest.mark.parametrize("persona", ["auditor", "admin_user"])
def test_audit_log_for_auditor_and_admin(request, registry, client_for, persona) -> None:
    client = client_for(request.getfixturevalue(persona))
    response = client.get("/audit/", {"action": "enterprise.create"})
    assert response.status_code == 200
    events = list(response.context["page"])
    assert [event.target_label for event in events] == [
        "青岛西海岸造船有限公司",
        "青岛海岸电子有限公司",
    ]
    assert all(event.action == "enterprise.create" for event in events)
    page = response.content.decode()
    assert "<td>登记企业</td><td>企业 青岛海岸电子有限公司</td>" in page
    assert '<option value="enterprise.create" selected>登记企业</option>' in page
    assert "enterprise.create</" not in page


def test_audit_log_filter_by_actor(registry, client_for, auditor) -> None:
    response = client_for(auditor).get("/audit/", {"actor": "setup"})
    assert {event.action for event in response.context["page"]} == {"user.create"}


def test_audit_log_export(registry, client_for, auditor) -> None:
    response = client_for(auditor).get("/audit/", {"format": "xlsx", "action": "worker.create"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("时间", "操作人", "操作", "对象类型", "对象", "单位", "原因")
    assert sorted((row[1], row[2], row[3], row[4], row[5]) for row in rows[1:]) == [
        ("system", "登记职工", "职工", "张伟", "市南区"),
        ("system", "登记职工", "职工", "王芳", "黄岛区"),
    ]


def test_audit_log_export_is_itself_audited(registry, client_for, auditor) -> None:
    response = client_for(auditor).get("/audit/", {"format": "xlsx", "action": "worker"})
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="audit.export")
    assert event.actor == auditor
    assert event.after["action"] == "worker"
