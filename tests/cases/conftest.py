"""Fixtures for the intake API: two client systems with their tokens, a registry employer."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import time_machine
from django.test import Client

from laborwatch.cases.models import ApiClient
from laborwatch.cases.services.clients import api_client_create
from laborwatch.enterprises.models import Enterprise
from tests.cases.api_support import T0
from tests.factories import make_enterprise


@dataclass
class PushingSystem:
    client: ApiClient
    token: str
    http: Client


def _system(name: str, channel: str = "hotline_12351") -> PushingSystem:
    client, token = api_client_create(actor=None, name=name, channel=channel)
    return PushingSystem(client, token, Client(headers={"Authorization": f"Bearer {token}"}))


@pytest.fixture
def hotline(org_units) -> PushingSystem:
    """The 12351 hotline system, signed in with its bearer token."""
    return _system("12351热线")


@pytest.fixture
def other_hotline(org_units) -> PushingSystem:
    """A second client system: must never see the hotline's cases."""
    return _system("区级热线")


@pytest.fixture
def superior_system(org_units) -> PushingSystem:
    return _system("省总督办平台", channel="superior_assignment")


@pytest.fixture
def api_employer(org_units) -> Enterprise:
    return make_enterprise(
        org_units["shinan"],
        name="青岛鑫瑞泰建筑工程有限公司",
        short_names=["鑫瑞泰"],
        industry="E",
    )


@pytest.fixture
def frozen():
    """The clock stopped at T0 (10:00 on the eve of the National Day holiday)."""
    with time_machine.travel(T0, tick=False):
        yield
