"""The demo's accounts: one per role to sign in with, and staff in every receiving unit."""

from __future__ import annotations

import pytest

from laborwatch.core.models import OrgUnit, User
from laborwatch.core.roles import Role
from laborwatch.demo.users import DEMO_PASSWORD, ensure_demo_users

pytestmark = pytest.mark.django_db


def test_the_accounts_to_sign_in_with_come_first_in_order(org_units) -> None:
    shown = ensure_demo_users()
    assert [(u.username, u.role, u.org_unit.code if u.org_unit else None) for u in shown] == [
        ("admin", Role.ADMIN, None),
        ("centre", Role.CENTRE_STAFF, None),
        ("shinan", Role.DISTRICT_STAFF, "shinan"),
        ("huangdao", Role.DISTRICT_STAFF, "huangdao"),
        ("hrss", Role.DEPARTMENT_LIAISON, "hrss-inspection"),
        ("leader", Role.LEADER, None),
        ("shinan_leader", Role.LEADER, "shinan"),
        ("auditor", Role.AUDITOR, None),
    ]
    assert all(user.check_password(DEMO_PASSWORD) for user in shown)


def test_every_district_union_and_receiving_department_has_staff(org_units) -> None:
    ensure_demo_users()
    staffed = set(User.objects.exclude(org_unit=None).values_list("org_unit__code", flat=True))
    districts = set(
        OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT).values_list("code", flat=True)
    )
    assert len(districts) == 10
    assert staffed == districts | {
        "hrss-inspection",
        "housing",
        "legal-aid",
        "arbitration",
        "court",
    }
    laoshan = User.objects.get(username="laoshan")
    assert (laoshan.role, laoshan.display_name) == (Role.DISTRICT_STAFF, "崂山区工会专干")
    court = User.objects.get(username="court")
    assert (court.role, court.display_name) == (Role.DEPARTMENT_LIAISON, "法院联络员")


def test_a_second_call_creates_nothing(org_units) -> None:
    first = ensure_demo_users()
    count = User.objects.count()
    assert ensure_demo_users() == first
    assert User.objects.count() == count == 8 + 8 + 4
