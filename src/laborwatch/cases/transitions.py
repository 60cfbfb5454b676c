"""The work order's one transition table: for each action, the statuses it may run from, the
status it leads to and who may take it.

The services read it inside their row lock (`refusal`), the action forms and the page read it
to offer what may be done now (`Case.can`, `Case.actions_for`). Who is said relative to the
case:

- the centre: centre staff and administrators, on every case;
- the district: staff of the district union the case belongs to, while no centre staff
  handle it (a case the centre handles is the centre's: its district reads it and answers
  what the centre refers to it);
- a receiver: a unit (department or another district union) with an unanswered referral of
  the case, which signs for and answers it and does nothing else;
- a leader: a leader of the city (no unit, or the federation or the centre) on every case, a
  leader of a district union on the cases of their district; a leader instructs (批示 / 督办)
  and closes the instruction once the handler has reported back, and otherwise reads;
- auditors read only, as does everyone else who may see the case.

Decisions the table encodes: closing, reopening, the call-back (回访) and archiving are the
centre's (the centre answers to the hotline and checks the districts' work); a district acts
on a case of its district only while no centre staff handles it (it does not change the
method, merge, recategorise, refer or tick the plan of the centre's case) and assigns only to
its own staff; a case is not resolved while one of its referrals is still unanswered. A
leader instructs on an open case (one open instruction at a time); whoever may handle the
case signs for the instruction and reports back, whatever the case's status by then; a leader
closes the instruction once it is reported on.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.cases.errors import InvalidTransition, StaleCase
from laborwatch.cases.statuses import (
    CORRECTABLE_STATUSES,
    LIVE_STATUSES,
    OPEN_STATUSES,
    Status,
)
from laborwatch.core.roles import CENTRE_ROLES, Role
from laborwatch.lib.instructions import (
    AWAITS_REPORT,
    AWAITS_SIGNATURE,
    REPORTED_ON,
    leader_over,
    no_open_instruction,
)
from laborwatch.lib.transitions import Table, Transition

if TYPE_CHECKING:
    from laborwatch.cases.models import Case
    from laborwatch.core.models import User


class Party(StrEnum):
    CENTRE = "centre"
    DISTRICT = "district"
    RECEIVER = "receiver"
    LEADER = "leader"


HANDLERS = frozenset({Party.CENTRE, Party.DISTRICT})
CENTRE = frozenset({Party.CENTRE})
RECEIVERS = frozenset({Party.RECEIVER})
LEADERS = frozenset({Party.LEADER})


def _no_open_referral(case: Case, user: User, parties: frozenset[str]) -> str | None:
    waiting = case.referrals.exclude(state="replied").select_related("to_unit").first()
    if waiting is None:
        return None
    return _("%(unit)s has not answered its referral yet: resolve the work order after it has.") % {
        "unit": waiting.to_unit.label
    }


def _employer_unknown(case: Case, user: User, parties: frozenset[str]) -> str | None:
    if case.employer_id is None:
        return None
    return _("The employer of this work order is already confirmed.")


def _no_plan_yet(case: Case, user: User, parties: frozenset[str]) -> str | None:
    try:
        case.plan  # noqa: B018 (the reverse one-to-one raises when there is none)
    except ObjectDoesNotExist:
        return None
    return _("This work order already has a plan.")


def _referral_awaits_signature(case: Case, user: User, parties: frozenset[str]) -> str | None:
    if case.referrals.filter(to_unit_id=user.org_unit_id, state="sent").exists():
        return None
    return _("This referral has already been signed for.")


# In the order the work-order page offers them. A label completes "A work order in status
# … cannot be …"; `to_status` None: the status stays (or the service decides, as contact does).
TRANSITIONS: dict[str, Transition[Case]] = {
    "accept": Transition(
        gettext_lazy("accepted"), frozenset({Status.RECEIVED}), HANDLERS, Status.ACCEPTED
    ),
    "contact": Transition(
        gettext_lazy("contacted"),
        frozenset({Status.ACCEPTED, Status.CONTACTED}),
        HANDLERS,
        Status.CONTACTED,
    ),
    "feedback": Transition(
        gettext_lazy("given feedback"),
        frozenset({Status.CONTACTED}),
        HANDLERS,
        Status.FEEDBACK_GIVEN,
    ),
    "handle": Transition(
        gettext_lazy("put in handling"),
        frozenset({Status.FEEDBACK_GIVEN, Status.IN_HANDLING}),
        HANDLERS,
        Status.IN_HANDLING,
    ),
    "resolve": Transition(
        gettext_lazy("resolved"),
        frozenset({Status.IN_HANDLING}),
        HANDLERS,
        Status.RESOLVED,
        _no_open_referral,
    ),
    "close": Transition(gettext_lazy("closed"), OPEN_STATUSES, CENTRE, Status.CLOSED),
    "call_back": Transition(
        gettext_lazy("called back"),
        frozenset({Status.RESOLVED, Status.CLOSED}),
        CENTRE,
        Status.CALLED_BACK,
    ),
    "archive": Transition(
        gettext_lazy("archived"), frozenset({Status.CALLED_BACK}), CENTRE, Status.ARCHIVED
    ),
    "reopen": Transition(
        gettext_lazy("reopened"),
        frozenset({Status.RESOLVED, Status.CLOSED, Status.CALLED_BACK}),
        CENTRE,
        Status.IN_HANDLING,
    ),
    "assign": Transition(gettext_lazy("assigned"), OPEN_STATUSES, HANDLERS),
    "note": Transition(gettext_lazy("annotated"), LIVE_STATUSES, HANDLERS),
    "recategorise": Transition(gettext_lazy("recategorised"), CORRECTABLE_STATUSES, HANDLERS),
    "link_employer": Transition(
        gettext_lazy("linked to an employer"),
        CORRECTABLE_STATUSES,
        HANDLERS,
        condition=_employer_unknown,
    ),
    # Also a duplicate the system did not flag: the handler may know better.
    "merge": Transition(gettext_lazy("merged"), OPEN_STATUSES, HANDLERS, Status.MERGED),
    "plan": Transition(gettext_lazy("planned"), OPEN_STATUSES, HANDLERS, condition=_no_plan_yet),
    "refer": Transition(gettext_lazy("referred"), OPEN_STATUSES, HANDLERS),
    "milestone_done": Transition(gettext_lazy("worked on by its plan"), OPEN_STATUSES, HANDLERS),
    "referral_acknowledge": Transition(
        gettext_lazy("signed for by its receiver"),
        LIVE_STATUSES,
        RECEIVERS,
        condition=_referral_awaits_signature,
    ),
    "referral_reply": Transition(gettext_lazy("answered"), LIVE_STATUSES, RECEIVERS),
    "instruct": Transition(
        gettext_lazy("instructed on"),
        OPEN_STATUSES,
        LEADERS,
        condition=no_open_instruction(
            gettext_lazy("A leader's instruction on this work order is still open: close it first.")
        ),
    ),
    "instruction_acknowledge": Transition(
        gettext_lazy("signed for its instruction"),
        LIVE_STATUSES,
        HANDLERS,
        condition=AWAITS_SIGNATURE,
    ),
    "instruction_report": Transition(
        gettext_lazy("reported on to the leader"),
        LIVE_STATUSES,
        HANDLERS,
        condition=AWAITS_REPORT,
    ),
    "instruction_close": Transition(
        gettext_lazy("closed as instructed"),
        LIVE_STATUSES,
        LEADERS,
        condition=REPORTED_ON,
    ),
}


def _standing(case: Case, user: User) -> frozenset[Party]:
    """How a user who may act stands to the case (none: they only read it, if they see it)."""
    found = {Party.CENTRE} if user.role in CENTRE_ROLES else set()
    unit = user.org_unit_id
    if (
        user.role == Role.DISTRICT_STAFF
        and unit is not None
        and case.district_id == unit
        and not _centre_handles(case)
    ):
        found.add(Party.DISTRICT)
    receives = user.role in (Role.DISTRICT_STAFF, Role.DEPARTMENT_LIAISON) and unit is not None
    if receives and case.referrals.filter(to_unit_id=unit).exclude(state="replied").exists():
        found.add(Party.RECEIVER)
    return frozenset(found)


def _overseeing(case: Case, user: User) -> frozenset[Party]:
    """A leader over the case instructs on it; everyone else who reads only has no standing."""
    return LEADERS if leader_over(user, case.district_id) else frozenset()


def _centre_handles(case: Case) -> bool:
    """Centre staff handle the case: its district reads it, and answers what is referred to it."""
    handler = case.handler if case.handler_id is not None else None
    return handler is not None and handler.role in CENTRE_ROLES


def same_desk(handler: User, actor: User) -> bool:
    """Both of the centre, or both staff of the same district union."""
    if handler.role in CENTRE_ROLES or actor.role in CENTRE_ROLES:
        return handler.role in CENTRE_ROLES and actor.role in CENTRE_ROLES
    return handler.org_unit_id == actor.org_unit_id


def may_be_assigned(case: Case, handler: User, *, by: User) -> bool:
    """Whether `by` may hand the case to `handler`: the centre to anyone who may handle it
    (the centre's staff or the case's district staff), a district only to its own staff."""
    if not handler.is_active:
        return False
    district_staff = (
        handler.role == Role.DISTRICT_STAFF
        and case.district_id is not None
        and handler.org_unit_id == case.district_id
    )
    if by.role in CENTRE_ROLES:
        return district_staff or handler.role in CENTRE_ROLES
    return district_staff


TABLE: Table[Case] = Table(
    transitions=TRANSITIONS,
    standing=_standing,
    wrong_status=InvalidTransition,
    denied=gettext_lazy("You may not act on this work order in this way."),
    stale=StaleCase,
    audit_prefix="case",
    overseeing=_overseeing,
)
