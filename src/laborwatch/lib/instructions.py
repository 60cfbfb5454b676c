"""Leaders' instructions (批示 / 督办), the same on every loop that takes them (a work order, a
warning): what an instruction must say, the conditions its four transitions share, and the
open instruction of a locked object.

The object's model has `instructions` (rows of an `lib.loop_models.Instructed` model); its
transition table names the four actions (instruct, instruction_acknowledge,
instruction_report, instruction_close) with these conditions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.core.roles import Role
from laborwatch.lib.loop_models import Instructed

if TYPE_CHECKING:
    from laborwatch.core.models import User
    from laborwatch.lib.transitions import Condition

AnInstruction = TypeVar("AnInstruction", bound=Instructed)

ISSUED = Instructed.State.ISSUED
ACKNOWLEDGED = Instructed.State.ACKNOWLEDGED
REPORTED = Instructed.State.REPORTED
CLOSED = Instructed.State.CLOSED
# An instruction still to be reported on: the sweep urges it once past its deadline.
AWAITING_REPORT = (ISSUED, ACKNOWLEDGED)


def leader_over(user: User, district_id: int | None) -> bool:
    """A leader over an object of the district: a leader of the city, or of that district's
    union (who instructs on the objects of their own district only)."""
    if not (user.is_authenticated and user.is_active and user.role == Role.LEADER):
        return False
    district = user.home_district_id
    return district is None or district_id == district


def check_instruction(*, text: str, deadline: dt.datetime, now: dt.datetime) -> None:
    """Refuse an instruction without words or with a deadline already past, field by field."""
    errors: dict[str, list[str]] = {}
    if not text.strip():
        errors["text"] = [_("Write the instruction.")]
    if deadline <= now:
        errors["deadline"] = [_("The deadline must be in the future.")]
    if errors:
        raise ValidationError(errors)


def check_report(report: str) -> None:
    if not report.strip():
        raise ValidationError({"report": [_("Say what was done on the instruction.")]})


def open_instruction_state(subject: Any) -> str | None:
    """The state of the object's open instruction; None when it has none."""
    state: str | None = (
        subject.instructions.exclude(state=CLOSED).values_list("state", flat=True).first()
    )
    return state


def open_instruction(instructions: QuerySet[AnInstruction]) -> AnInstruction:
    """The open one of a locked object's instructions, locked too (its table has checked that
    there is one)."""
    return instructions.select_for_update().select_related("leader").exclude(state=CLOSED).get()


def no_open_instruction(refusal: str | Promise) -> Condition[Any]:
    """A condition: the object has no open instruction (one at a time)."""

    def condition(subject: Any, user: User, parties: frozenset[str]) -> str | None:
        return None if open_instruction_state(subject) is None else str(refusal)

    return condition


def instruction_in(*states: str, refusal: str | Promise) -> Condition[Any]:
    """A condition: the object's open instruction is in one of `states`."""

    def condition(subject: Any, user: User, parties: frozenset[str]) -> str | None:
        return None if open_instruction_state(subject) in states else str(refusal)

    return condition


def supervising(
    instructions: QuerySet[AnInstruction], which: str, now: dt.datetime
) -> QuerySet[AnInstruction]:
    """The open ones of `instructions` (the objects they are on are supervised, 督办); with
    "overdue", those not reported on by their deadline: the lists' "supervised" filter."""
    rows = instructions.exclude(state=CLOSED)
    if which == "overdue":
        rows = rows.filter(state__in=AWAITING_REPORT, deadline__lt=now)
    return rows


# The conditions of the three steps after the instruction, in every loop's table.
AWAITS_SIGNATURE = instruction_in(
    ISSUED, refusal=gettext_lazy("No leader's instruction awaits signing for.")
)
AWAITS_REPORT = instruction_in(
    *AWAITING_REPORT, refusal=gettext_lazy("No leader's instruction awaits a report.")
)
REPORTED_ON = instruction_in(
    REPORTED, refusal=gettext_lazy("The instruction has not been reported on yet.")
)


def urge_overdue(
    instructions: QuerySet[AnInstruction],
    *,
    now: dt.datetime,
    urge: Callable[[AnInstruction], None],
) -> int:
    """For each of `instructions` not reported on by its deadline and not urged yet: claim it
    (`overdue_notified_at`, so that it is urged once whichever sweep runs first) and `urge` it,
    in one transaction each. Returns how many were urged."""
    overdue = instructions.filter(
        state__in=AWAITING_REPORT, deadline__lt=now, overdue_notified_at=None
    )
    count = 0
    for instruction in overdue:
        with transaction.atomic():
            claimed = type(instruction)._default_manager.filter(
                pk=instruction.pk, overdue_notified_at=None
            )
            if not claimed.update(overdue_notified_at=now):
                continue
            urge(instruction)
        count += 1
    return count
