"""The dashboard's small city, for the browser tests."""

from tests.dashboard.city import city  # noqa: F401 - the fixture
