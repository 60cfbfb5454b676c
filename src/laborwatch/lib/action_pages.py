"""The actions on the page of a closed loop's object (a work order, a public-opinion event): the
forms the page offers, as its transition table allows, and the one view that takes them.

Each POST parses one form, calls one service, redirects. Refusals re-render the page: a stale
version with the "reload" message (409), any other service error next to its field (400).
Users who may see but not act on the object get 403 (their view answers 404 to those who may
not see it) — and in every refused case nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from laborwatch.core.forms import Form as CheckedForm

if TYPE_CHECKING:
    from laborwatch.core.http import AuthenticatedRequest
    from laborwatch.core.models import User
    from laborwatch.lib.transitions import Table

T = TypeVar("T")
# A service call on the object for the actor with the form's cleaned data.
Perform = Callable[[T, "User", dict[str, Any]], object]


# A short free text on an action form (a note, a reason).
NOTE_INPUT = forms.Textarea(attrs={"rows": 2})


def blank_first(choices: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """The choices after an empty one: nothing is chosen until the user chooses."""
    return [("", "—"), *choices]


class LoopActionForm(CheckedForm):
    """Every action form carries the version of the object the user saw (a hidden field), so
    that the service refuses a change made on a stale page."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, subject: Any, user: User, name: str, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("version", subject.version)
        kwargs.setdefault("auto_id", f"{name}-%s")
        super().__init__(*args, **kwargs)
        self.subject = subject
        self.user = user


@dataclass(frozen=True)
class ActionForm:
    form: type[LoopActionForm]
    title: str | Promise
    button: str | Promise
    # The transition table's action behind the form; "": the form's own name.
    action: str = ""
    # Where the page puts the form: the action panel or the section it belongs to.
    section: str = "panel"


def offered_forms(specs: dict[str, ActionForm], subject: Any, user: User) -> list[str]:
    """The forms whose action the table lets the user take on the object now, in order."""
    allowed = set(subject.actions_for(user))
    return [name for name, spec in specs.items() if (spec.action or name) in allowed]


def action_forms(
    specs: dict[str, ActionForm],
    subject: Any,
    user: User,
    *,
    offered: list[str],
    bound: dict[str, forms.Form],
) -> dict[str, forms.Form]:
    """The forms of the `offered` actions; a bound form (a refused submission) stays, with its
    errors."""
    found: dict[str, forms.Form] = {}
    for name, spec in specs.items():
        if name in bound:
            found[name] = bound[name]
        elif name in offered:
            found[name] = spec.form(subject=subject, user=user, name=name)
    return found


def with_fields(
    service: Callable[..., object],
    *fields: str,
    subject: str,
    renamed: dict[str, str] | None = None,
) -> Perform[Any]:
    """Call `service` with the object under the keyword `subject`, the actor, the version the
    user saw and the form's `fields`, each under the same name (`renamed`: parameter → field)."""
    pairs = {name: name for name in fields} | (renamed or {})
    return lambda obj, actor, data: service(
        **{subject: obj},
        actor=actor,
        expected_version=data["version"],
        now=timezone.now(),
        **{parameter: data[field] for parameter, field in pairs.items()},
    )


def show_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's errors next to the fields they name, the rest above the form."""
    if hasattr(error, "error_dict"):
        for field_name, messages_ in error.message_dict.items():
            form.add_error(field_name if field_name in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


class RenderPage(Protocol):
    def __call__(
        self, request: AuthenticatedRequest, subject: Any, /, *, bound: dict[str, Any], status: int
    ) -> HttpResponse: ...


@dataclass(frozen=True)
class ActionPage(Generic[T]):
    table: Table[Any]
    forms: dict[str, ActionForm]
    perform: dict[str, Perform[T]]
    # The page again, with the bound form of a refused submission.
    render: RenderPage
    # Where a done action leads: given the object, the action and what the service returned.
    done: Callable[[T, str, object], HttpResponse]

    def post(self, request: AuthenticatedRequest, subject: T, action: str) -> HttpResponse:
        """Take the action the form names on the object the user may see."""
        perform, spec = self.perform.get(action), self.forms.get(action)
        if perform is None or spec is None:
            raise Http404
        if not self.table.may_take(subject, spec.action or action, request.user):
            raise PermissionDenied
        form = spec.form(request.POST, subject=subject, user=request.user, name=action)
        if not form.is_valid():
            return self.render(request, subject, bound={action: form}, status=400)
        try:
            outcome = perform(subject, request.user, form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
            if isinstance(error, self.table.stale):
                messages.error(request, error.messages[0])
                return self.render(request, subject, bound={action: form}, status=409)
            return self.render(request, subject, bound={action: form}, status=400)
        messages.success(request, _("%(action)s: done.") % {"action": spec.title})
        return self.done(subject, action, outcome)
