"""The action forms of a work order's page and when the page offers each of them.

Every form carries the case version the user saw (a hidden field) so a service can refuse a
change made on a stale page. Text fields are optional here on purpose: the services decide
what a closure or a resolution needs and answer with errors keyed by these field names.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from laborwatch.cases.access import can_handle, cases_visible_to
from laborwatch.cases.models import Case, ClosureReason, HandlingMethod, UnionRole
from laborwatch.cases.sla import end_of_working_day
from laborwatch.cases.transitions import may_be_assigned
from laborwatch.core.forms import Form as CheckedForm
from laborwatch.core.models import OrgUnit, User
from laborwatch.core.roles import Role
from laborwatch.enterprises.forms import EnterpriseByCodeForm
from laborwatch.lib.action_pages import NOTE_INPUT, ActionForm, LoopActionForm, blank_first

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CaseActionForm(LoopActionForm):
    @property
    def case(self) -> Case:
        return self.subject


class AcceptForm(CaseActionForm):
    pass


class ContactForm(CaseActionForm):
    worker_reached = forms.BooleanField(label=_("Worker reached"), required=False)
    employer_reached = forms.BooleanField(label=_("Employer reached"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=NOTE_INPUT)


class FeedbackForm(CaseActionForm):
    note = forms.CharField(label=_("What the worker was told"), required=False, widget=NOTE_INPUT)


class StartHandlingForm(CaseActionForm):
    method = forms.ChoiceField(
        label=_("Handling method"), required=False, choices=blank_first(HandlingMethod.choices)
    )
    note = forms.CharField(label=_("Note"), required=False, widget=NOTE_INPUT)


class ResolveForm(CaseActionForm):
    wages_recovered = forms.DecimalField(
        label=_("Wages recovered (yuan)"), max_digits=14, decimal_places=2
    )
    workers_covered = forms.IntegerField(label=_("Workers covered"))
    method = forms.ChoiceField(
        label=_("Resolved by"), required=False, choices=blank_first(HandlingMethod.choices)
    )
    union_role = forms.ChoiceField(
        label=_("Union role"), required=False, choices=blank_first(UnionRole.choices)
    )
    note = forms.CharField(label=_("Outcome"), required=False, widget=NOTE_INPUT)


class CloseForm(CaseActionForm):
    reason_code = forms.ChoiceField(
        label=_("Closure reason"), required=False, choices=blank_first(ClosureReason.choices)
    )
    note = forms.CharField(label=_("Explanation"), required=False, widget=NOTE_INPUT)


class CallBackForm(CaseActionForm):
    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction"),
        coerce=int,
        choices=[
            (5, _("5 · very satisfied")),
            (4, _("4 · satisfied")),
            (3, _("3 · neither")),
            (2, _("2 · dissatisfied")),
            (1, _("1 · very dissatisfied")),
        ],
    )
    note = forms.CharField(label=_("Call-back note"), required=False, widget=NOTE_INPUT)


class ArchiveForm(CaseActionForm):
    pass


class ReopenForm(CaseActionForm):
    reason = forms.CharField(label=_("Reason"), required=False, widget=NOTE_INPUT)


class AssignForm(CaseActionForm):
    handler = forms.ModelChoiceField(
        label=_("Handler"), queryset=User.objects.none(), empty_label=_("Choose a handler")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Whom this user may hand the case to (the service asks the same question).
        candidates = User.objects.filter(
            Q(role__in=[Role.ADMIN, Role.CENTRE_STAFF])
            | Q(role=Role.DISTRICT_STAFF, org_unit_id=self.case.district_id),
            is_active=True,
        ).order_by("username")
        allowed = [u.pk for u in candidates if may_be_assigned(self.case, u, by=self.user)]
        field: forms.ModelChoiceField = self.fields["handler"]  # type: ignore[assignment]
        field.queryset = candidates.filter(pk__in=allowed)
        field.initial = self.case.handler_id


class NoteForm(CaseActionForm):
    note = forms.CharField(label=_("Note"), required=False, widget=NOTE_INPUT)


class RecategoriseForm(CaseActionForm):
    category = forms.ChoiceField(label=_("Category"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from laborwatch.cases.forms import category_choices

        self.fields["category"].choices = category_choices()  # type: ignore[attr-defined]
        self.fields["category"].initial = self.case.category


class LinkEmployerForm(CaseActionForm, EnterpriseByCodeForm):
    pass


class MergeForm(CaseActionForm):
    target = forms.CharField(label=_("Merge into work order"), max_length=20)
    reason = forms.CharField(label=_("Reason"), required=False, widget=NOTE_INPUT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        duplicate = self.case.possible_duplicate_of
        self.fields["target"].initial = duplicate.number if duplicate else ""

    def clean_target(self) -> Case:
        number = self.cleaned_data["target"].strip()
        target = cases_visible_to(self.user).filter(number=number).first()
        if target is None or not can_handle(self.user, target):
            raise forms.ValidationError(_("No such work order that you may handle."))
        return target


class PlanForm(CaseActionForm):
    goal = forms.CharField(label=_("Goal"), required=False, widget=NOTE_INPUT)
    deadline = forms.DateField(label=_("Deadline"), widget=DATE_INPUT)


class ReferralForm(CaseActionForm):
    to_unit = forms.ModelChoiceField(
        label=_("Refer to"),
        queryset=OrgUnit.objects.filter(
            kind__in=[OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.DISTRICT], is_active=True
        ).order_by("kind", "sort_order"),
        empty_label=_("Choose a unit"),
    )
    request = forms.CharField(label=_("Request"), required=False, widget=NOTE_INPUT)
    reply_working_days = forms.IntegerField(
        label=_("Reply within (working days)"), min_value=1, max_value=60, initial=5
    )


# A leader's instruction and its steps: the same forms on a work order's page and on a
# warning's (INSTRUCTION_FORMS).
class InstructForm(LoopActionForm):
    text = forms.CharField(label=_("Instruction"), required=False, widget=NOTE_INPUT)
    deadline = forms.DateField(label=_("Report back by"), widget=DATE_INPUT)

    def clean_deadline(self) -> dt.datetime:
        """The end of the day the leader names."""
        return end_of_working_day(self.cleaned_data["deadline"])


class InstructionAcknowledgeForm(LoopActionForm):
    pass


class InstructionReportForm(LoopActionForm):
    report = forms.CharField(label=_("Report back"), required=False, widget=NOTE_INPUT)


class InstructionCloseForm(LoopActionForm):
    note = forms.CharField(label=_("Comment"), required=False, widget=NOTE_INPUT)


class MilestoneDoneForm(CheckedForm):
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ReferralReplyForm(CheckedForm):
    reply = forms.CharField(label=_("Reply"), required=False, widget=NOTE_INPUT)


INSTRUCTION_FORMS: dict[str, ActionForm] = {
    "instruct": ActionForm(InstructForm, _("Instruct (督办)"), _("Send the instruction")),
    "instruction_acknowledge": ActionForm(
        InstructionAcknowledgeForm,
        _("Sign for the instruction"),
        _("Sign for"),
        section="instructions",
    ),
    "instruction_report": ActionForm(
        InstructionReportForm,
        _("Report back to the leader"),
        _("Send the report"),
        section="instructions",
    ),
    "instruction_close": ActionForm(
        InstructionCloseForm,
        _("Close the instruction"),
        _("Close"),
        section="instructions",
    ),
}


# The form of each action the page offers; when it is offered is the transition table's
# (Case.actions_for), in the table's order.
ACTION_FORMS: dict[str, ActionForm] = {
    "accept": ActionForm(AcceptForm, _("Accept"), _("Accept")),
    "contact": ActionForm(ContactForm, _("Contact the parties"), _("Record contact")),
    "feedback": ActionForm(FeedbackForm, _("Feedback to the worker"), _("Record feedback")),
    "handle": ActionForm(StartHandlingForm, _("Start handling"), _("Start handling")),
    "resolve": ActionForm(ResolveForm, _("Resolve"), _("Resolve")),
    "close": ActionForm(CloseForm, _("Close"), _("Close")),
    "call_back": ActionForm(CallBackForm, _("Call back"), _("Record call-back")),
    "archive": ActionForm(ArchiveForm, _("Archive"), _("Archive")),
    "reopen": ActionForm(ReopenForm, _("Reopen"), _("Reopen")),
    "assign": ActionForm(AssignForm, _("Assign handler"), _("Assign")),
    "note": ActionForm(NoteForm, _("Add a note"), _("Add note")),
    "recategorise": ActionForm(RecategoriseForm, _("Correct the category"), _("Correct")),
    "link_employer": ActionForm(
        LinkEmployerForm, _("Confirm the employer"), _("Confirm"), section="employer"
    ),
    "merge": ActionForm(
        MergeForm, _("Merge as a duplicate"), _("Merge (irreversible)"), section="duplicate"
    ),
    "plan": ActionForm(
        PlanForm, _("Make the plan"), _("Create plan from template"), section="plan"
    ),
    "refer": ActionForm(
        ReferralForm,
        _("Refer to a department or district union"),
        _("Refer"),
        section="referrals",
    ),
    **INSTRUCTION_FORMS,
}
