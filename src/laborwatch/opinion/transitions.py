"""The public-opinion event's one transition table: for each action, the statuses it may run
from, the status it leads to and who may take it.

The services read it inside their row lock (`TABLE.take`, `TABLE.lock`), the action forms and
the event page read it to offer what may be done now (`Event.can`, `Event.actions_for`). Who is
said relative to the event:

- the centre: centre staff and administrators. They assign the verification, dispose of what
  was found, answer in public, close, and correct the clustering (merge, split) and the
  linked enterprise;
- the assignee: staff of the unit the event is assigned to now (a district union or a
  department). They sign for it (签收), then verify it and add notes, and nothing else;
- leaders, auditors and everyone else who may see the event read only.

Where the status leads: assigning moves a new event to verifying; verification to the status
named by its finding (属实 / 部分属实 / 不属实 / 无法核实); a disposal to disposed (an event
already responded to stays responded); the response to responded; closing to closed; a merge
leaves the merged event as merged. A finding of (partly) true needs a disposal before closing.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from laborwatch.core.roles import CENTRE_ROLES, Role
from laborwatch.lib.transitions import Table, Transition
from laborwatch.opinion.errors import InvalidEventTransition, StaleEvent
from laborwatch.opinion.statuses import (
    DISPOSABLE_STATUSES,
    LIVE_STATUSES,
    NEEDS_DISPOSAL,
    OPEN_STATUSES,
    RESPONDABLE_STATUSES,
    EventStatus,
    VerificationResult,
)

if TYPE_CHECKING:
    from laborwatch.core.models import User
    from laborwatch.opinion.models import Event


class Party(StrEnum):
    CENTRE = "centre"
    ASSIGNEE = "assignee"


ASSIGNEE_ROLES = frozenset({Role.DISTRICT_STAFF, Role.DEPARTMENT_LIAISON})
CENTRE = frozenset({Party.CENTRE})
ASSIGNEE = frozenset({Party.ASSIGNEE})
CENTRE_AND_ASSIGNEE = frozenset({Party.CENTRE, Party.ASSIGNEE})


def _on_the_list(event: Event, user: User, parties: frozenset[str]) -> str | None:
    if event.on_list:
        return None
    return _("This event is not about labour relations and is not on the list.")


def _awaits_signature(event: Event, user: User, parties: frozenset[str]) -> str | None:
    if event.assignments.filter(ended_at=None, acknowledged_at=None).exists():
        return None
    return _("This assignment has already been signed for.")


def _signed_by_the_assignee(event: Event, user: User, parties: frozenset[str]) -> str | None:
    """The assigned unit verifies once it has signed for the event (the centre need not)."""
    if Party.CENTRE in parties:
        return None
    signed = event.assignments.filter(ended_at=None, acknowledged_at__isnull=False)
    return None if signed.exists() else _("Sign for the event first.")


def _not_found_untrue(event: Event, user: User, parties: frozenset[str]) -> str | None:
    if event.verification_result != VerificationResult.UNTRUE:
        return None
    return _("The event was found not true: there is nothing to dispose of.")


def _disposed_if_true(event: Event, user: User, parties: frozenset[str]) -> str | None:
    if event.verification_result not in NEEDS_DISPOSAL or event.disposals.exists():
        return None
    return _("The event was found true: record how it was disposed of before closing it.")


def _several_posts(event: Event, user: User, parties: frozenset[str]) -> str | None:
    if event.post_count >= 2:
        return None
    return _("An event of one post cannot be split.")


# In the order the event page offers them. A label completes "A public-opinion event in status
# … cannot be …"; `to_status` None: the status stays (or the service decides).
TRANSITIONS: dict[str, Transition[Event]] = {
    "assign": Transition(
        gettext_lazy("assigned for verification"),
        frozenset({EventStatus.PENDING, EventStatus.VERIFYING}),
        CENTRE,
        EventStatus.VERIFYING,
        _on_the_list,
    ),
    "acknowledge": Transition(
        gettext_lazy("signed for"),
        frozenset({EventStatus.VERIFYING}),
        ASSIGNEE,
        condition=_awaits_signature,
    ),
    "verify": Transition(
        gettext_lazy("verified"),
        frozenset({EventStatus.VERIFYING}),
        CENTRE_AND_ASSIGNEE,
        condition=_signed_by_the_assignee,
    ),
    "dispose": Transition(
        gettext_lazy("disposed of"),
        DISPOSABLE_STATUSES | {EventStatus.RESPONDED},
        CENTRE,
        condition=_not_found_untrue,
    ),
    "respond": Transition(
        gettext_lazy("answered in public"), RESPONDABLE_STATUSES, CENTRE, EventStatus.RESPONDED
    ),
    "close": Transition(
        pgettext_lazy("opinion", "closed"),
        frozenset({EventStatus.RESPONDED}),
        CENTRE,
        EventStatus.CLOSED,
        _disposed_if_true,
    ),
    "link_enterprise": Transition(gettext_lazy("linked to an enterprise"), OPEN_STATUSES, CENTRE),
    "merge": Transition(gettext_lazy("merged"), OPEN_STATUSES, CENTRE, EventStatus.MERGED),
    "split": Transition(gettext_lazy("split"), OPEN_STATUSES, CENTRE, condition=_several_posts),
    "note": Transition(gettext_lazy("annotated"), LIVE_STATUSES, CENTRE_AND_ASSIGNEE),
}


def _standing(event: Event, user: User) -> frozenset[Party]:
    """How a user who may act stands to the event."""
    unit = user.org_unit_id
    assignee = (
        user.role in ASSIGNEE_ROLES
        and unit is not None
        and event.assigned_unit_id == unit
        and event.assignments.filter(ended_at=None, org_unit_id=unit).exists()
    )
    found = {Party.CENTRE} if user.role in CENTRE_ROLES else set()
    return frozenset(found | {Party.ASSIGNEE}) if assignee else frozenset(found)


TABLE: Table[Event] = Table(
    transitions=TRANSITIONS,
    standing=_standing,
    wrong_status=InvalidEventTransition,
    denied=gettext_lazy("You may not act on this public-opinion event in this way."),
    stale=StaleEvent,
    audit_prefix="opinion_event",
)
