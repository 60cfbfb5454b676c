"""The dashboard's small city, for its page tests."""

from tests.dashboard.city import city  # noqa: F401 - the fixture
