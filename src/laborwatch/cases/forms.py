"""Forms of the work-order pages: list and ledger filters, the intake form.

The action forms of the detail page live in forms_actions.py. Forms only parse; the rules
(required reasons, allowed statuses, valid codes) are the services' and come back as
ValidationError dicts keyed by these field names.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from laborwatch.cases.figures import CASE_FIGURES
from laborwatch.cases.models import Channel, RequestType, Status
from laborwatch.cases.selectors import CaseFilters
from laborwatch.core.forms import Form as CheckedForm
from laborwatch.core.forms import ListFilterForm
from laborwatch.lib.periods import Period
from laborwatch.text.taxonomy import WAGE_ARREARS, categories, is_within, label

LIGHT_CHOICES = [
    ("", _("All lights")),
    ("green", _("Green")),
    ("yellow", _("Yellow")),
    ("red", _("Red")),
]
SUPERVISED_CHOICES = [
    ("", _("Supervised or not")),
    ("open", _("Under a leader's open instruction")),
    ("overdue", _("Instruction not reported on in time")),
]
# The channels a handler types in at the counter or from the office; the hotline and other
# systems push theirs through the API.
WEB_INTAKE_CHANNELS = (Channel.WALK_IN, Channel.ONLINE, Channel.SUPERIOR)
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def category_choices(*, within: str = "") -> list[tuple[str, str]]:
    """Taxonomy codes labelled with their Chinese path (工资报酬 / 拖欠工资 / …)."""
    return [(code, label(code)) for code in categories() if not within or is_within(code, within)]


def amount_claimed_field() -> forms.DecimalField:
    return forms.DecimalField(
        label=_("Amount claimed (yuan)"),
        required=False,
        max_digits=14,
        decimal_places=2,
        initial=Decimal("0"),
    )


def figure_fields(
    figures: Mapping[str, Any],
) -> tuple[forms.ChoiceField, forms.DateField, forms.DateField]:
    """A list's filter fields for a dashboard figure and its period: the rows behind the
    figure (`figures`: the list's figures by key)."""
    return (
        forms.ChoiceField(
            label=_("Figure"),
            required=False,
            choices=[("", _("No figure")), *((f.key, f.label) for f in figures.values())],
        ),
        forms.DateField(label=_("Figure period from"), required=False, widget=DATE_INPUT),
        forms.DateField(label=_("Figure period to"), required=False, widget=DATE_INPUT),
    )


class FigureFilterForm(ListFilterForm):
    """A list's filter form with `figure_fields`."""

    def derived_filters(self, data: dict[str, Any]) -> dict[str, Any]:
        """The dashboard figure's period, when both its ends are given."""
        return {"period": figure_period(data)}


def figure_period(data: dict[str, Any]) -> Period | None:
    """The figure's period from a filter form's cleaned data; None unless both ends are
    given in order."""
    start, end = data.get("period_from"), data.get("period_to")
    if start is None or end is None or end < start:
        return None
    return Period(start, end)


class CaseFilterForm(FigureFilterForm):
    filters_class = CaseFilters
    # A search by ID number or phone arrives as its digest (workers/lookup.py).
    key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    q = forms.CharField(
        label=_("Number, employer, worker, phone or ID number"), required=False, max_length=100
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), ("open", _("Open (not finished)")), *Status.choices],
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("All channels")), *Channel.choices]
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    light = forms.ChoiceField(label=_("SLA light"), required=False, choices=LIGHT_CHOICES)
    supervised = forms.ChoiceField(
        label=_("Supervised (督办)"), required=False, choices=SUPERVISED_CHOICES
    )
    received_from = forms.DateField(label=_("Received from"), required=False, widget=DATE_INPUT)
    received_to = forms.DateField(label=_("Received to"), required=False, widget=DATE_INPUT)
    # A dashboard figure and its period: the cases behind the figure (cases/figures.py).
    figure, period_from, period_to = figure_fields(CASE_FIGURES)

    category_within = ""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("All categories")),
            *category_choices(within=self.category_within),
        ]


class LedgerFilterForm(CaseFilterForm):
    """The ledger is wage arrears by definition and open or closed by its page."""

    category_within = WAGE_ARREARS

    def __init__(self, *args: object, closed: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for name in ("status", "figure", "period_from", "period_to"):
            del self.fields[name]
        if closed:
            del self.fields["light"]


class IntakeForm(CheckedForm):
    caller_name = forms.CharField(label=_("Caller's name"), required=False, max_length=60)
    caller_phone = forms.CharField(label=_("Caller's phone"), required=False, max_length=30)
    caller_id_number = forms.CharField(label=_("Caller's ID number"), required=False, max_length=30)
    employer_credit_code = forms.CharField(
        label=_("Employer credit code"), required=False, max_length=30
    )
    employer_name = forms.CharField(label=_("Employer name"), required=False, max_length=200)
    category = forms.ChoiceField(label=_("Category"), required=False)
    request_type = forms.ChoiceField(
        label=_("Request type"), choices=RequestType.choices, initial=RequestType.HELP
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    amount_claimed = amount_claimed_field()
    workers_involved = forms.IntegerField(label=_("Workers involved"), initial=1)
    arrears_from = forms.DateField(label=_("Arrears from"), required=False, widget=DATE_INPUT)
    arrears_to = forms.DateField(label=_("Arrears to"), required=False, widget=DATE_INPUT)
    project_name = forms.CharField(label=_("Project"), required=False, max_length=200)

    def __init__(self, *args: object, channel: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.channel = channel
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("Recognise from the description")),
            *category_choices(),
        ]
        self.fields["category"].initial = ""
        if channel == Channel.SUPERIOR:
            self.fields["assigned_by"] = forms.CharField(
                label=_("Assigned by"), required=False, max_length=100
            )
            self.fields["superior_deadline"] = forms.DateTimeField(
                label=_("Superior deadline"),
                required=False,
                widget=DATETIME_INPUT,
                input_formats=DATETIME_FORMATS,
            )

    def intake_arguments(self) -> dict[str, Any]:
        """Keyword arguments of case_intake (after is_valid())."""
        data = dict(self.cleaned_data)
        data["amount_claimed"] = data["amount_claimed"] or Decimal("0")
        data.setdefault("assigned_by", "")
        data.setdefault("superior_deadline", None)
        return {**data, "channel": self.channel}
