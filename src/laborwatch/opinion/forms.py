"""Forms of the verification list's pages: the list's filters. The action forms of the event
page live in forms_actions.py. Forms only parse; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from laborwatch.cases.forms import DATE_INPUT, category_choices
from laborwatch.core.forms import district_choices
from laborwatch.opinion.models import Grade, Platform
from laborwatch.opinion.selectors import EventFilters
from laborwatch.opinion.statuses import EventStatus


class EventFilterForm(forms.Form):
    q = forms.CharField(label=_("Number, title or enterprise"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All statuses")),
            ("open", _("Open (not closed)")),
            *((value, label) for value, label in EventStatus.choices if value != "merged"),
        ],
    )
    grade = forms.ChoiceField(
        label=pgettext_lazy("opinion list", "Heat grade"),
        required=False,
        choices=[("", _("All grades")), *Grade.choices],
    )
    district = forms.ChoiceField(label=_("District"), required=False)
    platform = forms.ChoiceField(
        label=_("Platform"), required=False, choices=[("", _("All platforms")), *Platform.choices]
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    seen_from = forms.DateField(label=_("First seen from"), required=False, widget=DATE_INPUT)
    seen_to = forms.DateField(label=_("First seen to"), required=False, widget=DATE_INPUT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = district_choices()  # type: ignore[attr-defined]
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("All categories")),
            *category_choices(),
        ]

    def filters(self) -> EventFilters:
        """The selector's filters; an invalid form filters nothing rather than failing."""
        data = self.cleaned_data if self.is_valid() else {}
        return EventFilters(
            status=data.get("status", ""),
            grade=data.get("grade", ""),
            district_code=data.get("district", ""),
            platform=data.get("platform", ""),
            category=data.get("category", ""),
            seen_from=data.get("seen_from"),
            seen_to=data.get("seen_to"),
            query=data.get("q", ""),
        )
