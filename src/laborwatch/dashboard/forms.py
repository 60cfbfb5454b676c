"""The dashboard's period and district: this month by default, a year, or a custom range."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from laborwatch.cases.forms import DATE_INPUT
from laborwatch.core.forms import district_choices
from laborwatch.lib.periods import Period

MONTH = re.compile(r"(\d{4})-(\d{2})")
# The longest custom range: a figure over more than a few years answers nothing a leader asks.
MAX_RANGE_DAYS = 3 * 366


class DashboardForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"),
        required=False,
        choices=[("month", _("A month")), ("year", _("A year")), ("range", _("Custom range"))],
    )
    month = forms.CharField(
        label=_("Month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    start = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)
    district = forms.ChoiceField(label=_("District"), required=False)

    def __init__(self, *args: object, today: dt.date, choose_district: bool, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.today = today
        if choose_district:
            self.fields["district"].choices = district_choices()  # type: ignore[attr-defined]
        else:
            del self.fields["district"]

    def clean_month(self) -> dt.date | None:
        value = self.cleaned_data.get("month") or ""
        if not value:
            return None
        match = MONTH.fullmatch(value.strip())
        if match is None or not 1 <= int(match[2]) <= 12:
            raise ValidationError(_("Write the month as YYYY-MM, e.g. 2026-03."))
        return dt.date(int(match[1]), int(match[2]), 1)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("period") == "range":
            start, end = data.get("start"), data.get("end")
            if start is None or end is None:
                raise ValidationError(_("A custom range needs both its first and last day."))
            if end < start:
                raise ValidationError(_("The range ends before it starts."))
            if (end - start).days > MAX_RANGE_DAYS:
                raise ValidationError(_("Choose a range of at most three years."))
        return data

    def chosen_period(self) -> Period:
        """The period asked for; this month when the form is empty or wrong."""
        data = self.cleaned_data if self.is_valid() else {}
        kind = data.get("period") or "month"
        if kind == "range":
            return Period(data["start"], data["end"])
        if kind == "year":
            return Period.year(data.get("year") or self.today.year, today=self.today)
        return Period.month(data.get("month") or self.today, today=self.today)

    def chosen_district_code(self) -> str:
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("district", "")
