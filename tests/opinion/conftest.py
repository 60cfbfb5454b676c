"""Fixtures of the opinion app's tests (the engine's own are under tests/opinion/engine)."""

from __future__ import annotations

import pytest

from laborwatch.core.models import OrgUnit
from laborwatch.opinion.models import Event
from tests.opinion.support import make_event


@pytest.fixture
def setup_actor(make_user):
    """Centre staff who prepares the events the tests act on."""
    return make_user("setup", "centre_staff")


@pytest.fixture
def shinan(org_units) -> OrgUnit:
    return org_units["shinan"]


@pytest.fixture
def event(registry, shinan) -> Event:
    """An event of 市南区 about the 市南 enterprise, on the list, nobody verifying it yet."""
    return make_event(district=shinan, enterprise=registry.shinan_enterprise)
