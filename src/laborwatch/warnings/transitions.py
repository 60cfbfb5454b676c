"""The warning's one transition table: for each action of the risk loop, the statuses it may
run from and who may take it, read by the services (inside the row lock), the step form and
the page alike (`Warning.can`, `Warning.actions_for`).

Who is said relative to the warning:

- the lead: centre staff and administrators, and the staff of the warning's district union;
  they verify, take every measure, close the loop and open a work order (a district union
  once it has signed for the warning);
- a department: liaisons of a department the warning is routed to. Once they have signed
  for it they verify (核实) against their own records and report joint handling (联动处置);
  their "true" starts the handling, their "not true" is a report that leaves the closing to
  the lead;
- a receiver: any unit the warning is routed to, until it has signed for it (签收);
- a leader: a leader of the city on every warning, a leader of a district union on the
  warnings of their district; a leader instructs (批示 / 督办) on a warning that has no work
  order (on one that has, on the work order) and closes the instruction once it is reported
  on, and otherwise reads;
- auditors read only.

Where the status leads: the first signature moves an open warning to verifying; a
verification as true to handling, as not true (by the lead) to closed; closure to closed. A
leader's instruction leaves the status as it is: whoever holds the warning (the lead, a
routed unit) signs for it and reports back, whatever the status by then.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.core.roles import CENTRE_ROLES, Role
from laborwatch.lib.instructions import (
    AWAITS_REPORT,
    AWAITS_SIGNATURE,
    REPORTED_ON,
    leader_over,
    no_open_instruction,
)
from laborwatch.lib.transitions import Table, Transition
from laborwatch.warnings.errors import StaleWarning, StepNotAllowed
from laborwatch.warnings.statuses import (
    MEASURE_STATUSES,
    NOT_CLOSED_STATUSES,
    UNVERIFIED_STATUSES,
    WarningStatus,
)

if TYPE_CHECKING:
    from laborwatch.core.models import User
    from laborwatch.warnings.models import Warning


class Party(StrEnum):
    LEAD = "lead"
    DEPARTMENT = "department"
    RECEIVER = "receiver"
    LEADER = "leader"


LEAD = frozenset({Party.LEAD})
LEAD_AND_DEPARTMENTS = frozenset({Party.LEAD, Party.DEPARTMENT})
RECEIVERS = frozenset({Party.RECEIVER})
# Whoever holds the warning: the lead and every unit it is routed to, signed for or not.
HOLDERS = frozenset({Party.LEAD, Party.DEPARTMENT, Party.RECEIVER})
LEADERS = frozenset({Party.LEADER})
ALL_STATUSES = frozenset(WarningStatus)


def _not_inhibited(warning: Warning, user: User, parties: frozenset[str]) -> str | None:
    """A warning that a higher-grade warning of the same enterprise stands for is handled
    through that one: it is neither signed for nor worked on by itself."""
    if warning.inhibited_by_id is None:
        return None
    return _("The higher-grade warning %(number)s stands for this one: act on that one.") % {
        "number": warning.inhibited_by
    }


def _signed_for_first(warning: Warning, user: User, parties: frozenset[str]) -> str | None:
    """A unit the warning is routed to acts on it once it has signed for it: a district union
    does not find a warning untrue before it has even taken it in. Centre staff, to whom
    nothing is routed, act at once."""
    if refusal := _not_inhibited(warning, user, parties):
        return refusal
    return _("Sign for the warning first.") if Party.RECEIVER in parties else None


def _signed_and_no_work_order_yet(
    warning: Warning, user: User, parties: frozenset[str]
) -> str | None:
    if refusal := _signed_for_first(warning, user, parties):
        return refusal
    if warning.case_id is None:
        return None
    return _("This warning already opened work order %(number)s.") % {
        "number": warning.case.number if warning.case else ""
    }


def _may_be_instructed(warning: Warning, user: User, parties: frozenset[str]) -> str | None:
    """A leader instructs where the handling is: on the higher warning that stands for this
    one, on the work order opened from it; one open instruction at a time."""
    if refusal := _not_inhibited(warning, user, parties):
        return refusal
    if warning.case_id is not None:
        return _("This warning is handled in work order %(number)s: instruct on that one.") % {
            "number": warning.case.number if warning.case else ""
        }
    return _no_open_instruction(warning, user, parties)


_no_open_instruction = no_open_instruction(
    gettext_lazy("A leader's instruction on this warning is still open: close it first.")
)


# The step kinds (WarningStep.Kind) and the two other actions, in the order the page offers;
# a label names the step in "cannot take the step …". Where each leads is the service's.
TRANSITIONS: dict[str, Transition[Warning]] = {
    "acknowledge": Transition(
        gettext_lazy("Sign for"), NOT_CLOSED_STATUSES, RECEIVERS, condition=_not_inhibited
    ),
    "verification": Transition(
        gettext_lazy("Verification"),
        UNVERIFIED_STATUSES,
        LEAD_AND_DEPARTMENTS,
        condition=_signed_for_first,
    ),
    "joint_handling": Transition(
        gettext_lazy("Joint handling"),
        MEASURE_STATUSES,
        LEAD_AND_DEPARTMENTS,
        condition=_signed_for_first,
    ),
    "service": Transition(
        gettext_lazy("Service matching"), MEASURE_STATUSES, LEAD, condition=_signed_for_first
    ),
    "root_cause": Transition(
        gettext_lazy("Root-cause measure"), MEASURE_STATUSES, LEAD, condition=_signed_for_first
    ),
    "closure": Transition(
        gettext_lazy("Closure"), MEASURE_STATUSES, LEAD, condition=_signed_for_first
    ),
    "open_case": Transition(
        gettext_lazy("Open a work order"),
        NOT_CLOSED_STATUSES,
        LEAD,
        condition=_signed_and_no_work_order_yet,
    ),
    "instruct": Transition(
        gettext_lazy("Instruct (督办)"), NOT_CLOSED_STATUSES, LEADERS, condition=_may_be_instructed
    ),
    "instruction_acknowledge": Transition(
        gettext_lazy("Sign for the instruction"),
        ALL_STATUSES,
        HOLDERS,
        condition=AWAITS_SIGNATURE,
    ),
    "instruction_report": Transition(
        gettext_lazy("Report back to the leader"),
        ALL_STATUSES,
        HOLDERS,
        condition=AWAITS_REPORT,
    ),
    "instruction_close": Transition(
        gettext_lazy("Close the instruction"),
        ALL_STATUSES,
        LEADERS,
        condition=REPORTED_ON,
    ),
}
STEP_ACTIONS = ("verification", "joint_handling", "service", "root_cause", "closure")


def _standing(warning: Warning, user: User) -> frozenset[Party]:
    """How a user who may act stands to the warning: the centre and its district lead."""
    unit = user.org_unit_id
    district = user.role == Role.DISTRICT_STAFF and unit is not None
    leads = user.role in CENTRE_ROLES or (district and warning.district_id == unit)
    found = {Party.LEAD} if leads else set()
    if unit is None:
        return frozenset(found)
    routings = warning.routings.filter(org_unit_id=unit)
    if user.role == Role.DEPARTMENT_LIAISON and routings.exists():
        found.add(Party.DEPARTMENT)
    if routings.filter(acknowledged_at=None).exists():
        found.add(Party.RECEIVER)
    return frozenset(found)


def _overseeing(warning: Warning, user: User) -> frozenset[Party]:
    """A leader over the warning instructs on it; everyone else who reads only has no standing."""
    return LEADERS if leader_over(user, warning.district_id) else frozenset()


TABLE: Table[Warning] = Table(
    transitions=TRANSITIONS,
    standing=_standing,
    wrong_status=StepNotAllowed,
    denied=gettext_lazy("You may not act on this warning in this way."),
    stale=StaleWarning,
    audit_prefix="warning",
    overseeing=_overseeing,
)
