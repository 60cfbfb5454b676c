"""The action forms of an event's page and when the page offers each of them.

Every form carries the event version the user saw (a hidden field) so a service can refuse a
change made on a stale page. Text fields are optional here on purpose: the services decide what
each step needs and answer with errors keyed by these field names. Three forms (open a work
order, join one, attach to a warning) are the one table action "dispose".
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from laborwatch.cases.access import cases_visible_to
from laborwatch.cases.forms import DATETIME_FORMATS, DATETIME_INPUT, category_choices
from laborwatch.cases.models import Case
from laborwatch.core.models import OrgUnit, User
from laborwatch.enterprises.forms import EnterpriseByCodeForm
from laborwatch.lib.action_pages import NOTE_INPUT, ActionForm, LoopActionForm, blank_first
from laborwatch.lib.action_pages import offered_forms as offered_by_table
from laborwatch.opinion.access import events_visible_to
from laborwatch.opinion.models import Event, ResponseKind, VerificationCheck
from laborwatch.opinion.services.disposal import warnings_to_attach
from laborwatch.opinion.statuses import VerificationResult
from laborwatch.opinion.transitions import CENTRE, TABLE


class EventActionForm(LoopActionForm):
    @property
    def event(self) -> Event:
        return self.subject


class AssignForm(EventActionForm):
    org_unit = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=OrgUnit.objects.filter(
            kind__in=[OrgUnit.Kind.DISTRICT, OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.CENTRE],
            is_active=True,
        ).order_by("kind", "sort_order"),
    )
    request = forms.CharField(label=_("What to verify"), required=False, widget=NOTE_INPUT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].initial = self.event.district_id


class AcknowledgeForm(EventActionForm):
    pass


class VerifyForm(EventActionForm):
    result = forms.ChoiceField(
        label=_("Finding"), required=False, choices=blank_first(VerificationResult.choices)
    )
    checks = forms.MultipleChoiceField(
        label=_("What was checked"),
        required=False,
        choices=VerificationCheck.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("What was found"), required=False, widget=NOTE_INPUT)


class OpenCaseForm(EventActionForm):
    caller_name = forms.CharField(label=_("Worker or representative"), required=False)
    caller_phone = forms.CharField(label=_("Phone"), required=False)
    caller_id_number = forms.CharField(label=_("ID number (optional)"), required=False)
    employer_name = forms.CharField(
        label=_("Employer (when the event is not linked to one)"), required=False, max_length=200
    )
    description = forms.CharField(label=_("Description"), required=False, widget=NOTE_INPUT)
    category = forms.ChoiceField(label=_("Category"), required=False)
    workers_involved = forms.IntegerField(
        label=_("Workers involved"), required=False, min_value=1, max_value=1_000_000
    )
    note = forms.CharField(label=_("Note"), required=False, widget=NOTE_INPUT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = blank_first(category_choices())  # type: ignore[attr-defined]
        self.fields["category"].initial = self.event.category
        if self.event.enterprise_id is not None:
            del self.fields["employer_name"]
        else:
            self.fields["employer_name"].initial = self.event.enterprise_named
        self.fields["workers_involved"].initial = self.event.workers_involved
        self.fields["description"].initial = _("Public-opinion event %(number)s: %(title)s") % {
            "number": self.event.number,
            "title": self.event.title,
        }


class JoinCaseForm(EventActionForm):
    case = forms.CharField(label=_("Work order number"), max_length=20)
    note = forms.CharField(label=_("Note"), required=False, widget=NOTE_INPUT)

    def clean_case(self) -> Case:
        number = self.cleaned_data["case"].strip()
        case = cases_visible_to(self.user).filter(number=number).first()
        if case is None:
            raise forms.ValidationError(_("No such work order in your scope."))
        return case


class AttachWarningForm(EventActionForm):
    warning = forms.ChoiceField(label=_("Warning of the enterprise"))
    note = forms.CharField(label=_("Note"), required=False, widget=NOTE_INPUT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.warnings = {str(w.pk): w for w in warnings_to_attach(self.event)}
        self.fields["warning"].choices = [  # type: ignore[attr-defined]
            (pk, f"{w} {w.get_risk_type_display()} {w.get_grade_display()}")
            for pk, w in self.warnings.items()
        ]

    def clean_warning(self) -> object:
        return self.warnings[self.cleaned_data["warning"]]


class RespondForm(EventActionForm):
    kind = forms.ChoiceField(
        label=_("Response"), choices=ResponseKind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(label=_("Text of the response"), required=False, widget=NOTE_INPUT)
    channel = forms.CharField(
        label=_("Published on"), required=False, help_text=_("e.g. the official Weibo account")
    )
    published_at = forms.DateTimeField(
        label=_("Published at"),
        required=False,
        widget=DATETIME_INPUT,
        input_formats=DATETIME_FORMATS,
    )
    reason = forms.CharField(
        label=_("Reason for not responding"), required=False, widget=NOTE_INPUT
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].initial = ResponseKind.PUBLISHED


class CloseForm(EventActionForm):
    note = forms.CharField(label=_("Note"), required=False, widget=NOTE_INPUT)


class LinkEnterpriseForm(EventActionForm, EnterpriseByCodeForm):
    pass


class MergeForm(EventActionForm):
    target = forms.CharField(label=_("Merge into event"), max_length=12)
    reason = forms.CharField(label=_("Reason"), required=False, widget=NOTE_INPUT)

    def clean_target(self) -> Event:
        number = self.cleaned_data["target"].strip().upper().removeprefix("YQ")
        target = None
        if number.isdigit():
            target = events_visible_to(self.user).filter(pk=int(number)).first()
        if target is None or not TABLE.parties(target, self.user) & CENTRE:
            raise forms.ValidationError(_("No such public-opinion event that you may handle."))
        return target


class SplitForm(EventActionForm):
    posts = forms.MultipleChoiceField(
        label=_("Posts to split off"), required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=NOTE_INPUT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["posts"].choices = [  # type: ignore[attr-defined]
            (
                str(post.pk),
                f"{post.get_platform_display()} {post.published_at:%m-%d %H:%M} "
                f"{(post.title or post.text)[:30]}",
            )
            for post in self.event.posts.order_by("published_at", "pk")
        ]

    def clean_posts(self) -> list[int]:
        return [int(value) for value in self.cleaned_data["posts"]]


class NoteForm(EventActionForm):
    note = forms.CharField(label=_("Note"), required=False, widget=NOTE_INPUT)


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Why you need the clear text"), max_length=200)


# The form of each action the page offers; when it is offered is the transition table's
# (Event.actions_for), in the table's order.
ACTION_FORMS: dict[str, ActionForm] = {
    "assign": ActionForm(AssignForm, _("Assign for verification"), _("Assign"), "assign"),
    "acknowledge": ActionForm(AcknowledgeForm, _("Sign for"), _("Sign for"), "acknowledge"),
    "verify": ActionForm(VerifyForm, _("Record the verification"), _("Record"), "verify"),
    "open_case": ActionForm(
        OpenCaseForm, _("Dispose: open a work order"), _("Open the work order"), "dispose"
    ),
    "join_case": ActionForm(
        JoinCaseForm, _("Dispose: join an existing work order"), _("Join"), "dispose"
    ),
    "attach_warning": ActionForm(
        AttachWarningForm, _("Dispose: attach to the enterprise's warning"), _("Attach"), "dispose"
    ),
    "respond": ActionForm(RespondForm, _("Public response"), _("Record the response"), "respond"),
    "close": ActionForm(CloseForm, _("Close"), _("Close"), "close"),
    "link_enterprise": ActionForm(
        LinkEnterpriseForm,
        _("Confirm the enterprise"),
        _("Confirm"),
        "link_enterprise",
        section="enterprise",
    ),
    "merge": ActionForm(
        MergeForm, _("Merge into another event"), _("Merge (irreversible)"), "merge"
    ),
    "split": ActionForm(SplitForm, _("Split off posts"), _("Split"), "split", section="posts"),
    "note": ActionForm(NoteForm, _("Add a note"), _("Add note"), "note"),
}


def offered_forms(event: Event, user: User) -> list[str]:
    """The forms the page offers this user now: the table decides; attaching to a warning
    also needs an active warning of the event's enterprise."""
    return [
        name
        for name in offered_by_table(ACTION_FORMS, event, user)
        if name != "attach_warning" or warnings_to_attach(event)
    ]
