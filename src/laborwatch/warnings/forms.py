"""Forms of the warning pages: board filters, a loop step, opening a work order."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from laborwatch.cases.forms import (
    SUPERVISED_CHOICES,
    FigureFilterForm,
    amount_claimed_field,
    category_choices,
    figure_fields,
)
from laborwatch.core.forms import Form as CheckedForm
from laborwatch.core.forms import choice_filter
from laborwatch.enterprises.models import Industry
from laborwatch.warnings.figures import WARNING_FIGURES
from laborwatch.warnings.models import Grade, RiskType, WarningStatus, WarningStep
from laborwatch.warnings.selectors import WarningFilters

STATUS_CHOICES = [
    ("active", _("Active (open, verifying, handling)")),
    ("all", _("All statuses")),
    *WarningStatus.choices,
]


class WarningFilterForm(FigureFilterForm):
    filters_class = WarningFilters

    q = forms.CharField(label=_("Enterprise or credit code"), required=False, max_length=100)
    grade = choice_filter(_("Grade"), _("All grades"), Grade.choices)
    risk_type = choice_filter(_("Risk type"), _("All risk types"), RiskType.choices)
    district = forms.ChoiceField(label=_("District"), required=False)
    industry = choice_filter(_("Industry"), _("All industries"), Industry.choices)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
    overdue = forms.BooleanField(label=_("Not signed for in time"), required=False)
    supervised = forms.ChoiceField(
        label=_("Supervised (督办)"), required=False, choices=SUPERVISED_CHOICES
    )
    # A dashboard figure and its period: the warnings behind the figure (warnings/figures.py).
    figure, period_from, period_to = figure_fields(WARNING_FIGURES)
    peak_grade = choice_filter(_("Highest grade reached"), _("All grades"), Grade.choices)


class StepForm(CheckedForm):
    kind = forms.ChoiceField(label=_("Step"))
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("— none —")), *WarningStep.Outcome.choices],
    )
    note = forms.CharField(
        label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: object, kinds: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            (kind, WarningStep.Kind(kind).label) for kind in kinds
        ]


class WorkOrderForm(CheckedForm):
    caller_name = forms.CharField(
        label=_("Worker or workers' representative"), required=False, max_length=60
    )
    caller_phone = forms.CharField(label=_("Phone"), required=False, max_length=30)
    caller_id_number = forms.CharField(label=_("ID number"), required=False, max_length=30)
    category = forms.ChoiceField(label=_("Category"))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    workers_involved = forms.IntegerField(label=_("Workers involved"), initial=1, min_value=1)
    amount_claimed = amount_claimed_field()
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["category"].choices = category_choices()  # type: ignore[attr-defined]
