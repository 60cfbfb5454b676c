"""Forms of the enterprise registry: the list filters and the create form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from laborwatch.core.forms import Form as CheckedForm
from laborwatch.core.forms import ListFilterForm, choice_filter
from laborwatch.core.models import OrgUnit, User
from laborwatch.enterprises.access import enterprises_visible_to
from laborwatch.enterprises.models import Enterprise, EnterpriseStatus, Industry, SizeBand
from laborwatch.enterprises.selectors import EnterpriseFilters
from laborwatch.lib.codes import normalize_code


class EnterpriseFilterForm(ListFilterForm):
    filters_class = EnterpriseFilters

    q = forms.CharField(label=_("Name or credit code"), required=False, max_length=100)
    district = forms.ChoiceField(label=_("District"), required=False)
    industry = choice_filter(_("Industry"), _("All industries"), Industry.choices)
    size_band = choice_filter(_("Size"), _("All sizes"), SizeBand.choices)
    status = choice_filter(_("Status"), _("All statuses"), EnterpriseStatus.choices)


class EnterpriseCreateForm(CheckedForm):
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=30)
    name = forms.CharField(label=_("Name"), max_length=200)
    short_names = forms.CharField(
        label=_("Short names"),
        required=False,
        max_length=200,
        help_text=_("Separate several short names with commas."),
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT),
        empty_label=_("Choose a district"),
    )
    industry = forms.ChoiceField(label=_("Industry"), choices=Industry.choices)
    size_band = forms.ChoiceField(label=_("Size"), choices=SizeBand.choices)
    registered_capital = forms.IntegerField(
        label=_("Registered capital (yuan)"), min_value=0, initial=0
    )
    employee_count = forms.IntegerField(label=_("Employees"), min_value=0, initial=0)
    address = forms.CharField(label=_("Address"), required=False, max_length=300)
    established_on = forms.DateField(label=_("Established on"), required=False)

    def clean_short_names(self) -> list[str]:
        raw = self.cleaned_data["short_names"].replace("，", ",")
        return [part.strip() for part in raw.split(",") if part.strip()]


class EnterpriseByCodeForm(forms.Form):
    """A form part that names an enterprise by its credit code, within the user's scope: a code
    outside it reads as unknown. The form it is mixed into sets `self.user`."""

    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=30)
    user: User

    def clean_credit_code(self) -> Enterprise:
        code = normalize_code(self.cleaned_data["credit_code"])
        enterprise = enterprises_visible_to(self.user).filter(credit_code=code).first()
        if enterprise is None:
            raise forms.ValidationError(_("No enterprise with this credit code in your scope."))
        return enterprise
