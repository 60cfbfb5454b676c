"""Loading the org units, creating users, auditing exports."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from laborwatch.core.models import AuditEvent, OrgUnit, User
from laborwatch.core.roles import Role
from laborwatch.core.services import audit_export, audit_export_rows, org_units_load, user_create
from laborwatch.enterprises.models import Enterprise
from tests.conftest import PASSWORD
from tests.factories import make_enterprise

DISTRICT_CODES = [
    "shinan",
    "shibei",
    "licang",
    "laoshan",
    "huangdao",
    "chengyang",
    "jimo",
    "jiaozhou",
    "pingdu",
    "laixi",
]


@pytest.mark.django_db
def test_org_units_load_creates_the_qingdao_network() -> None:
    counts = org_units_load()
    assert counts == {"created": 21, "updated": 0}
    assert OrgUnit.objects.count() == 21
    districts = OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT).order_by("sort_order")
    assert [unit.code for unit in districts] == DISTRICT_CODES
    federation = OrgUnit.objects.get(kind=OrgUnit.Kind.FEDERATION)
    assert (federation.code, federation.name) == ("federation", "青岛市总工会")
    centre = OrgUnit.objects.get(kind=OrgUnit.Kind.CENTRE)
    assert (centre.code, centre.parent) == ("centre", federation)
    assert all(unit.parent == federation for unit in districts)
    shinan = OrgUnit.objects.get(code="shinan")
    assert (shinan.name, shinan.label, shinan.division_code) == ("市南区总工会", "市南区", "370202")
    departments = OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT)
    assert departments.count() == 9
    assert set(departments.values_list("code", flat=True)) >= {
        "hrss-inspection",
        "arbitration",
        "court",
        "housing",
        "police",
    }
    assert all(unit.parent is None for unit in departments)
    event = AuditEvent.objects.get(action="org_units.load")
    assert (event.actor, event.actor_label, event.target_label) == (None, "load", "青岛市")
    assert event.after == {"created": 21, "updated": 0}


@pytest.mark.django_db
def test_org_units_load_is_idempotent() -> None:
    org_units_load()
    ids = dict(OrgUnit.objects.values_list("code", "pk"))
    events = AuditEvent.objects.count()
    assert org_units_load() == {"created": 0, "updated": 0}
    assert dict(OrgUnit.objects.values_list("code", "pk")) == ids
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db
def test_org_units_load_repairs_a_changed_unit() -> None:
    org_units_load()
    OrgUnit.objects.filter(code="shinan").update(name="改过的名字", division_code="")
    assert org_units_load() == {"created": 0, "updated": 1}
    shinan = OrgUnit.objects.get(code="shinan")
    assert (shinan.name, shinan.division_code) == ("市南区总工会", "370202")
    assert AuditEvent.objects.filter(action="org_units.load").count() == 2


def test_user_create_for_district_staff(org_units) -> None:
    user = user_create(
        actor=None,
        username="zhang",
        password=PASSWORD,
        role=Role.DISTRICT_STAFF,
        org_unit=org_units["shinan"],
        display_name="张专干",
    )
    user.refresh_from_db()
    assert (user.role, user.org_unit.code, str(user)) == ("district_staff", "shinan", "张专干")
    assert user.check_password(PASSWORD)
    assert not user.is_staff and not user.is_superuser
    assert (user.is_city_wide, user.can_reveal_personal_data, user.can_write) == (
        False,
        True,
        True,
    )
    event = AuditEvent.objects.get(action="user.create")
    assert (event.actor_label, event.target_id, event.target_type) == (
        "setup",
        str(user.pk),
        "core.user",
    )
    assert event.after == {"role": "district_staff", "org_unit": "shinan"}


def test_user_create_admin_is_django_staff(centre_staff) -> None:
    admin = user_create(actor=centre_staff, username="root", password=PASSWORD, role=Role.ADMIN)
    assert admin.is_staff and admin.is_superuser
    event = AuditEvent.objects.get(action="user.create", target_id=str(admin.pk))
    assert (event.actor, event.actor_label) == (centre_staff, "centre")


@pytest.mark.parametrize(
    ("role", "unit_code"),
    [
        (Role.DISTRICT_STAFF, None),
        (Role.DISTRICT_STAFF, "hrss-inspection"),
        (Role.DISTRICT_STAFF, "centre"),
        (Role.DEPARTMENT_LIAISON, None),
        (Role.DEPARTMENT_LIAISON, "shinan"),
    ],
)
def test_scoped_role_needs_the_right_kind_of_unit(org_units, role, unit_code) -> None:
    users, events = User.objects.count(), AuditEvent.objects.count()
    with override("zh-hans"), pytest.raises(ValidationError) as caught:
        user_create(
            actor=None,
            username="bad",
            password=PASSWORD,
            role=role,
            org_unit=org_units[unit_code] if unit_code else None,
        )
    expected_kind = "属地工会" if role == Role.DISTRICT_STAFF else "部门"
    assert caught.value.message_dict == {"org_unit": [f"该角色必须隶属于一个{expected_kind}。"]}
    assert (User.objects.count(), AuditEvent.objects.count()) == (users, events)


def test_duplicate_username_refused(make_user) -> None:
    make_user("dup", Role.CENTRE_STAFF)
    with pytest.raises(ValidationError) as caught:
        make_user("dup", Role.LEADER)
    assert list(caught.value.message_dict) == ["username"]
    assert User.objects.filter(username="dup").count() == 1


def test_unknown_role_is_a_validation_error(org_units) -> None:
    with pytest.raises(ValidationError) as caught:
        user_create(actor=None, username="x", password=PASSWORD, role="bogus")
    assert "role" in caught.value.message_dict


@pytest.mark.django_db
def test_audit_events_are_append_only() -> None:
    org_units_load()
    event = AuditEvent.objects.get()
    event.reason = "rewrite history"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    event.refresh_from_db()
    assert event.reason == ""


def test_audit_export_records_who_exported_what(auditor) -> None:
    event = audit_export(
        actor=auditor,
        action="worker.reveal_export",
        target_type="workers.worker",
        target_label="3",
        rows=3,
        details={"revealed": True},
        reason="仲裁材料",
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor, stored.actor_label, stored.action) == (
        auditor,
        "auditor",
        "worker.reveal_export",
    )
    assert (stored.target_type, stored.target_id, stored.target_label) == (
        "workers.worker",
        "",
        "3",
    )
    assert stored.after == {"rows": 3, "revealed": True}
    assert stored.reason == "仲裁材料"


@pytest.mark.django_db
def test_audit_export_rows_reads_at_most_the_limit_and_audits_the_count(auditor, org_units) -> None:
    first, second, _third = (make_enterprise(org_units["shinan"]) for _ in range(3))
    selected = audit_export_rows(
        actor=auditor,
        rows=Enterprise.objects.order_by("pk"),
        limit=2,
        action="enterprise.export",
        target_type="enterprises.enterprise",
    )
    assert selected == [first, second]
    stored = AuditEvent.objects.get(action="enterprise.export")
    assert (stored.actor, stored.target_type, stored.target_label) == (
        auditor,
        "enterprises.enterprise",
        "2",
    )
    assert (stored.after, stored.reason) == ({"rows": 2}, "")
