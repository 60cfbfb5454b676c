"""Forms for workers."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from laborwatch.core.forms import Form as CheckedForm


class WorkerSearchForm(CheckedForm):
    q = forms.CharField(label=_("Name, phone or ID number"), required=False, max_length=40)


class WorkerCreateForm(CheckedForm):
    name = forms.CharField(label=_("Name"), max_length=60)
    id_number = forms.CharField(label=_("ID number"), required=False, max_length=30)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=30)
    employer_credit_code = forms.CharField(
        label=_("Employer credit code"), required=False, max_length=30
    )


class RevealForm(CheckedForm):
    reason = forms.CharField(label=_("Reason for viewing"), max_length=200)
