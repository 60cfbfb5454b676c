"""The admin site: every change there is audited like the app's own services, and an account
made there has no role, so sees nothing, until it is given one. The probe created a user in
/admin/ (role centre_staff by default: the whole city, may reveal) and no audit row was written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib import admin

from laborwatch.cases.admin import ApiClientAdmin
from laborwatch.core.admin import AuditedAccessAttemptAdmin, LaborWatchUserAdmin
from laborwatch.core.admin_audit import AuditedAdmin, ReadOnlyAdmin
from laborwatch.core.models import AuditEvent, CalendarOverride, OrgUnit, User
from laborwatch.core.roles import Role
from laborwatch.enterprises.admin import EnterpriseAdmin
from laborwatch.enterprises.models import Enterprise
from tests.cases.views_support import make_case

pytestmark = pytest.mark.django_db

# Admins that send their writes through the app's services (each has its own test below or in
# its app) rather than through AuditedAdmin.
THROUGH_SERVICES = {
    LaborWatchUserAdmin,
    EnterpriseAdmin,
    ApiClientAdmin,
    AuditedAccessAttemptAdmin,
}


def test_every_admin_is_audited_read_only_or_goes_through_the_services() -> None:
    unaudited = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AuditedAdmin | ReadOnlyAdmin)
        and type(model_admin) not in THROUGH_SERVICES
    ]
    assert unaudited == []


def form_data(response) -> dict[str, Any]:
    """What the admin's change form would send back unchanged."""
    form = response.context["adminform"].form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        if hasattr(value, "pk"):
            value = value.pk
        if isinstance(value, list | tuple):
            value = [getattr(v, "pk", v) for v in value]
        data[name] = "" if value is None else value
    return data


def events(action: str) -> list[tuple[Any, ...]]:
    return [
        (e.actor.username if e.actor else None, e.target_label, e.before, e.after)
        for e in AuditEvent.objects.filter(action=action).order_by("pk")
    ]


def test_a_user_made_in_the_admin_has_no_role_and_sees_nothing(registry, admin_user, client_for):
    case = make_case(registry.shinan_enterprise)
    response = client_for(admin_user).post(
        "/admin/core/user/add/",
        {
            "username": "newcomer",
            "password1": "海岸-2026-春季",
            "password2": "海岸-2026-春季",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    newcomer = User.objects.get(username="newcomer")
    assert (newcomer.role, newcomer.is_staff, newcomer.is_superuser) == ("", False, False)
    assert events("user.create")[-1] == ("admin", "newcomer", None, {"role": "", "org_unit": None})
    client = client_for(newcomer)
    assert "您的账号尚未分配角色" in client.get("/").content.decode()
    for url in ("/cases/", "/workers/", "/enterprises/", "/warnings/", "/cases/ledger/"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert page.context["page"].paginator.count == 0, url
    assert client.get(f"/cases/{case.number}/").status_code == 404
    assert client.get(f"/workers/{registry.shinan_worker.pk}/").status_code == 404
    assert client.get("/audit/").status_code == 404
    assert client.get("/cases/new/?channel=walk_in").status_code == 404
    assert not newcomer.can_write and not newcomer.can_reveal_personal_data


def test_a_role_given_in_the_admin_is_audited(org_units, admin_user, client_for, make_user):
    leader = make_user("lead", Role.LEADER)
    client = client_for(admin_user)
    url = f"/admin/core/user/{leader.pk}/change/"
    data = form_data(client.get(url)) | {
        "role": Role.DISTRICT_STAFF,
        "org_unit": org_units["shinan"].pk,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    leader.refresh_from_db()
    assert (leader.role, leader.org_unit.code) == (Role.DISTRICT_STAFF, "shinan")
    assert events("user.update") == [
        (
            "admin",
            "lead",
            {"role": "leader", "org_unit": None},
            {"role": "district_staff", "org_unit": str(org_units["shinan"].pk)},
        )
    ]


def test_a_password_set_in_the_admin_is_audited_and_must_be_strong(
    org_units, admin_user, client_for, make_user
):
    leader = make_user("lead", Role.LEADER)
    client = client_for(admin_user)
    url = f"/admin/core/user/{leader.pk}/password/"
    weak = client.post(
        url, {"password1": "password", "password2": "password", "usable_password": "true"}
    )
    assert weak.status_code == 200
    assert events("user.password_change") == []
    strong = client.post(
        url,
        {
            "password1": "崂山-2027-夏季巡查",
            "password2": "崂山-2027-夏季巡查",
            "usable_password": "true",
        },
    )
    assert strong.status_code == 302
    leader.refresh_from_db()
    assert leader.check_password("崂山-2027-夏季巡查")
    assert events("user.password_change") == [("admin", "lead", None, None)]


def test_org_unit_changes_and_calendar_deletions_are_audited(org_units, admin_user, client_for):
    client = client_for(admin_user)
    unit = org_units["shinan"]
    url = f"/admin/core/orgunit/{unit.pk}/change/"
    response = client.post(url, form_data(client.get(url)) | {"short_name": "市南"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert events("admin.change") == [
        ("admin", unit.name, {"short_name": unit.short_name}, {"short_name": "市南"})
    ]
    override = CalendarOverride.objects.create(day=dt.date(2026, 10, 9), is_working_day=False)
    response = client.post(f"/admin/core/calendaroverride/{override.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    ((actor, _label, before, after),) = events("admin.delete")
    assert (actor, before["day"], before["is_working_day"], after) == (
        "admin",
        "2026-10-09",
        False,
        None,
    )


def test_an_enterprise_changed_in_the_admin_goes_through_the_registry_service(
    registry, admin_user, client_for
):
    enterprise = registry.shinan_enterprise
    client = client_for(admin_user)
    url = f"/admin/enterprises/enterprise/{enterprise.pk}/change/"
    data = form_data(client.get(url)) | {"name": "青岛海岸智能科技有限公司"}
    data["short_names"] = '["海岸电子"]'
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    enterprise = Enterprise.objects.get(pk=enterprise.pk)
    assert enterprise.former_names == ["青岛海岸电子有限公司"]
    assert "青岛海岸智能科技有限公司" in enterprise.search_text
    assert events("enterprise.update")[-1] == (
        "admin",
        "青岛海岸智能科技有限公司",
        {"name": "青岛海岸电子有限公司"},
        {"name": "青岛海岸智能科技有限公司"},
    )


def test_workers_and_the_audit_log_cannot_be_changed_in_the_admin(registry, admin_user, client_for):
    client = client_for(admin_user)
    worker = registry.shinan_worker
    assert client.get(f"/admin/workers/worker/{worker.pk}/change/").status_code == 200
    response = client.post(f"/admin/workers/worker/{worker.pk}/change/", {"name": "改名"})
    assert response.status_code == 403
    assert client.get("/admin/workers/worker/add/").status_code == 403
    event = AuditEvent.objects.first()
    assert (
        client.post(f"/admin/core/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert OrgUnit.objects.filter(code="shinan").exists()
