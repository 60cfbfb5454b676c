"""Shared fixtures: the Qingdao org units and the three personas of every access test."""

from __future__ import annotations

import pytest

from laborwatch.core.models import OrgUnit, User
from laborwatch.core.roles import Role
from laborwatch.core.services import org_units_load, user_create

PASSWORD = "test-password-123"


@pytest.fixture
def org_units(db: None) -> dict[str, OrgUnit]:
    org_units_load()
    return {unit.code: unit for unit in OrgUnit.objects.all()}


@pytest.fixture
def make_user(org_units: dict[str, OrgUnit]):
    def make(username: str, role: str, unit_code: str | None = None) -> User:
        unit = org_units[unit_code] if unit_code else None
        return user_create(actor=None, username=username, password=PASSWORD, role=role,
                           org_unit=unit)

    return make


@pytest.fixture
def owner(make_user) -> User:
    """District staff of 市南区: owns objects in 市南区."""
    return make_user("owner", Role.DISTRICT_STAFF, "shinan")


@pytest.fixture
def colleague(make_user) -> User:
    """Another 市南区 staff member: sees the same district."""
    return make_user("colleague", Role.DISTRICT_STAFF, "shinan")


@pytest.fixture
def outsider(make_user) -> User:
    """District staff of 黄岛区: must get 404 for 市南区 objects."""
    return make_user("outsider", Role.DISTRICT_STAFF, "huangdao")
