"""Forms of the report pages: the list's filters and the centre's issue form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from laborwatch.cases.forms import DATE_INPUT
from laborwatch.core.forms import choice_filter, district_choices
from laborwatch.dashboard.forms import MONTH
from laborwatch.reports.models import ReportKind


def parse_month(value: str) -> dt.date:
    match = MONTH.fullmatch(value.strip())
    if match is None or not 1 <= int(match[2]) <= 12:
        raise ValidationError(_("Write the month as YYYY-MM, e.g. 2026-03."))
    return dt.date(int(match[1]), int(match[2]), 1)


class ReportFilterForm(forms.Form):
    kind = choice_filter(_("Report"), _("All reports"), ReportKind.choices)
    district = forms.ChoiceField(label=_("District"), required=False)
    start = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)

    def __init__(self, *args: Any, choose_district: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if choose_district:
            choices = district_choices()
            self.fields["district"].choices = [  # type: ignore[attr-defined]
                choices[0],
                ("city", _("Whole city")),
                *choices[1:],
            ]
        else:
            del self.fields["district"]


class IssueForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"), choices=ReportKind.choices)
    day = forms.DateField(label=_("Day (daily report)"), required=False, widget=DATE_INPUT)
    month = forms.CharField(
        label=_("Month (monthly report)"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )
    district = forms.ChoiceField(label=_("District"), required=False)
    correction_note = forms.CharField(
        label=_("Correction: what it changes (only to issue a period again)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = district_choices()
        self.fields["district"].choices = [("", _("Whole city")), *choices[1:]]  # type: ignore[attr-defined]

    def clean_month(self) -> dt.date | None:
        value = self.cleaned_data.get("month") or ""
        return parse_month(value) if value.strip() else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ReportKind.DAILY and data.get("day") is None:
            self.add_error("day", _("Give the day of the daily report."))
        if (
            data.get("kind") == ReportKind.MONTHLY
            and data.get("month") is None
            and not self.errors.get("month")
        ):
            self.add_error("month", _("Give the month of the monthly report."))
        return data

    def period_start(self) -> dt.date:
        data = self.cleaned_data
        return data["day"] if data["kind"] == ReportKind.DAILY else data["month"]
