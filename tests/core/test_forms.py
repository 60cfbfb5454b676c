"""The filter bar every list shares: valid filters apply, an invalid one is reported."""

from __future__ import annotations

import datetime as dt

import pytest

from laborwatch.cases.forms import CaseFilterForm
from laborwatch.cases.selectors import CaseFilters
from laborwatch.warnings.forms import WarningFilterForm
from laborwatch.warnings.selectors import WarningFilters


@pytest.mark.django_db
def test_an_invalid_filter_is_reported_and_the_valid_ones_still_apply(org_units) -> None:
    form = CaseFilterForm(
        {"status": "open", "district": "shinan", "received_from": "2026-13-01", "q": "华安"}
    )
    assert form.filters() == CaseFilters(status="open", district_code="shinan", query="华安")
    assert list(form.errors) == ["received_from"]


@pytest.mark.django_db
def test_an_unbound_form_filters_nothing(org_units) -> None:
    assert CaseFilterForm(None).filters() == CaseFilters()
    assert WarningFilterForm(None).filters() == WarningFilters()


@pytest.mark.django_db
def test_form_fields_fill_the_filters_of_their_names(org_units) -> None:
    form = CaseFilterForm({"received_from": "2026-11-01", "received_to": "2026-11-30"})
    assert form.filters() == CaseFilters(
        received_from=dt.date(2026, 11, 1), received_to=dt.date(2026, 11, 30)
    )
    assert WarningFilterForm({"overdue": "on", "grade": "red"}).filters() == WarningFilters(
        grade="red", overdue=True
    )
