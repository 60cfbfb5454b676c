"""Shared fixtures: the Qingdao org units, the three personas of every access test, one user
per remaining role, and a logged-in test client per user."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connections
from django.test import Client

from laborwatch.core.models import OrgUnit, User
from laborwatch.core.roles import Role
from laborwatch.core.services import org_units_load, user_create
from laborwatch.enterprises.models import Enterprise
from laborwatch.workers.models import Worker

PASSWORD = "test-password-123"


@pytest.fixture(autouse=True)
def _own_link_index(settings, tmp_path) -> None:
    """The registry's linking index on disk belongs to the test's own registry."""
    settings.LINK_INDEX_DIR = tmp_path / "link_index"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """PBKDF2 with Django's default iterations costs ~0.3 s a user; tests need no such cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _sessions_outlive_time_travel(settings) -> None:
    """Tests travel days ahead with one signed-in client; the 8-hour idle timeout (tested in
    tests/core/test_sign_in.py) would sign it out on the way."""
    settings.SESSION_COOKIE_AGE = 20 * 365 * 24 * 3600


@pytest.fixture(autouse=True)
def _commands_leave_the_test_connection_open(monkeypatch) -> None:
    """A `laborwatch` command closes the database connections when it ends (Django's
    BaseCommand.run_from_argv), as a process about to exit may. In a test the connection holds
    the test's transaction (PostgreSQL would lose it), so it stays open."""
    monkeypatch.setattr(connections, "close_all", lambda: None)


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """What a process keeps (the linking index, clients, policies, the calendar) must not
    carry one test's rolled-back rows into the next."""
    from laborwatch.lib.process_cache import forget_all

    forget_all()
    yield
    forget_all()


@pytest.fixture
def org_units(db: None) -> dict[str, OrgUnit]:
    org_units_load()
    return {unit.code: unit for unit in OrgUnit.objects.all()}


@pytest.fixture
def make_user(org_units: dict[str, OrgUnit]):
    def make(username: str, role: str, unit_code: str | None = None) -> User:
        unit = org_units[unit_code] if unit_code else None
        return user_create(
            actor=None, username=username, password=PASSWORD, role=role, org_unit=unit
        )

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


@pytest.fixture
def liaison(make_user) -> User:
    """Department liaison (人社局劳动保障监察): sees no enterprise or worker directly."""
    return make_user("liaison", Role.DEPARTMENT_LIAISON, "hrss-inspection")


@pytest.fixture
def centre_staff(make_user) -> User:
    return make_user("centre", Role.CENTRE_STAFF)


@pytest.fixture
def leader(make_user) -> User:
    return make_user("leader", Role.LEADER)


@pytest.fixture
def auditor(make_user) -> User:
    return make_user("auditor", Role.AUDITOR)


@pytest.fixture
def admin_user(make_user) -> User:
    return make_user("admin", Role.ADMIN)


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    """A fresh test client signed in as the given user."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


# Known clear values of the two registry workers, so tests can look for leaks in pages.
SHINAN_ID_NUMBER = "370202199001011237"
SHINAN_PHONE = "13812345678"
HUANGDAO_ID_NUMBER = "37021119850505008X"
HUANGDAO_PHONE = "053288886666"  # stored form of 0532-88886666


@dataclass
class Registry:
    shinan_enterprise: Enterprise
    huangdao_enterprise: Enterprise
    shinan_worker: Worker
    huangdao_worker: Worker


@pytest.fixture
def registry(org_units: dict[str, OrgUnit]) -> Registry:
    """One enterprise with one worker in 市南区 (owner's district) and one in 黄岛区."""
    from tests.factories import make_enterprise, make_worker

    shinan = make_enterprise(
        org_units["shinan"],
        name="青岛海岸电子有限公司",
        employee_count=120,
        short_names=["海岸电子"],
    )
    huangdao = make_enterprise(
        org_units["huangdao"], name="青岛西海岸造船有限公司", employee_count=30
    )
    return Registry(
        shinan_enterprise=shinan,
        huangdao_enterprise=huangdao,
        shinan_worker=make_worker(
            employer=shinan, name="张伟", id_number=SHINAN_ID_NUMBER, phone=SHINAN_PHONE
        ),
        huangdao_worker=make_worker(
            employer=huangdao, name="王芳", id_number=HUANGDAO_ID_NUMBER, phone=HUANGDAO_PHONE
        ),
    )
