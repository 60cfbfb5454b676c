"""A list's filter form narrows by the fields given, all of them at once, and by no blank one."""

from __future__ import annotations

import pytest

from laborwatch.core.models import OrgUnit
from laborwatch.lib.filters import narrowed

pytestmark = pytest.mark.django_db


def test_blank_values_leave_the_rows_as_they_were() -> None:
    rows = OrgUnit.objects.all()
    assert narrowed(rows, code="", kind=None, is_active=False) is rows


def test_the_values_given_narrow_together_and_the_blank_ones_not_at_all() -> None:
    given = narrowed(OrgUnit.objects.all(), code="370202", kind=OrgUnit.Kind.DISTRICT, name="")
    expected = OrgUnit.objects.filter(code="370202", kind=OrgUnit.Kind.DISTRICT)
    assert str(given.query) == str(expected.query)
