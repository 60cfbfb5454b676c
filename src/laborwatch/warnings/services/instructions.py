"""Leaders act on a warning (批示 / 督办): instruct with a deadline, sign for, report back, close.

A leader instructs on a warning that has no work order yet (on one that has, on the work
order: cases/services/instructions.py). The warning becomes supervised to the leader's
deadline; every unit it is routed to finds the instruction in its inbox and is told at once
(in the app and by its email and group robots). One of them, or the centre, signs for it and
reports back; the leader reads the report and closes it. The sweep urges an instruction not
reported on by its deadline (services/sweep.py). Each step is the warning table's `take`
(warnings/transitions.py): it locks the warning, checks the version the user saw, asks the
table and writes the audit row (the warning's timeline), in one transaction.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from laborwatch.core.models import OrgUnit, User
from laborwatch.lib.instructions import check_instruction, check_report, open_instruction
from laborwatch.notifications.models import Notice, Notification
from laborwatch.notifications.services import notify
from laborwatch.warnings.models import Warning, WarningInstruction
from laborwatch.warnings.transitions import TABLE


def holding_units(warning: Warning) -> list[OrgUnit]:
    """The units that hold the warning: those it is routed to (its district union first), or
    its district union while it is routed to none."""
    routed = list(
        OrgUnit.objects.filter(warning_routings__warning=warning).order_by(
            "warning_routings__routed_at", "warning_routings__pk"
        )
    )
    return routed or [warning.district]


def instruction_key(instruction: WarningInstruction, what: str = "") -> str:
    """The notification key of the instruction (and of its report, its urge): told once."""
    key = f"warning-instruction:{instruction.pk}"
    return f"{key}:{what}" if what else key


def instruction_url(warning: Warning) -> str:
    return f"/warnings/{warning.pk}/#instructions"


def _due(instruction: WarningInstruction) -> str:
    return timezone.localtime(instruction.deadline).strftime("%Y-%m-%d %H:%M")


def warning_instruct(
    *,
    warning: Warning,
    actor: User,
    text: str,
    deadline: dt.datetime,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> WarningInstruction:
    """批示: the leader's instruction on the warning, to be reported on by `deadline`."""
    now = now or timezone.now()
    check_instruction(text=text, deadline=deadline, now=now)
    made: list[WarningInstruction] = []

    def apply(locked: Warning) -> dict[str, object]:
        instruction = WarningInstruction.objects.create(
            warning=locked, leader=actor, text=text.strip(), deadline=deadline, issued_at=now
        )
        made.append(instruction)
        units = holding_units(locked)
        # The instruction's words stay in the app: a push names the warning and the date.
        message = _(
            "Leader's instruction on warning %(number)s (%(enterprise)s): sign for it and "
            "report back by %(deadline)s."
        ) % {"number": locked, "enterprise": locked.enterprise.name, "deadline": _due(instruction)}
        notify(
            kind=Notification.Kind.INSTRUCTION,
            message=message,
            key=instruction_key(instruction),
            url=instruction_url(locked),
            org_units=units,
            urgent=True,
            now=now,
        )
        return {"deadline": deadline.isoformat(), "units": [unit.code for unit in units]}

    TABLE.take(warning, "instruct", actor, expected_version, now, reason=text.strip(), apply=apply)
    return made[0]


def warning_instruction_acknowledge(
    *,
    warning: Warning,
    actor: User,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> WarningInstruction:
    """签收: a unit holding the warning has taken the instruction in; the notices of it are
    read, in every unit that was told."""
    now = now or timezone.now()
    signed: list[WarningInstruction] = []

    def apply(locked: Warning) -> dict[str, object]:
        instruction = open_instruction(locked.instructions.all())
        instruction.sign_for(actor=actor, now=now)
        Notice.objects.filter(notification__key=instruction_key(instruction), read_at=None).update(
            read_at=now
        )
        signed.append(instruction)
        return {"unit": actor.org_unit.code if actor.org_unit else ""}

    TABLE.take(warning, "instruction_acknowledge", actor, expected_version, now, apply=apply)
    return signed[0]


def warning_instruction_report(
    *,
    warning: Warning,
    actor: User,
    report: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> WarningInstruction:
    """反馈: what was done on the instruction, for the leader (signing for it if not yet)."""
    now = now or timezone.now()
    check_report(report)
    reported: list[WarningInstruction] = []

    def apply(locked: Warning) -> dict[str, object]:
        instruction = open_instruction(locked.instructions.all())
        instruction.report_back(actor=actor, report=report, now=now)
        message = _("%(person)s reported on your instruction on warning %(number)s.") % {
            "person": str(actor),
            "number": locked,
        }
        notify(
            kind=Notification.Kind.INSTRUCTION_REPORT,
            message=message,
            key=instruction_key(instruction, "report"),
            url=instruction_url(locked),
            users=[instruction.leader],
            now=now,
        )
        reported.append(instruction)
        return {"late": now > instruction.deadline}

    TABLE.take(
        warning,
        "instruction_report",
        actor,
        expected_version,
        now,
        reason=report.strip(),
        apply=apply,
    )
    return reported[0]


def warning_instruction_close(
    *,
    warning: Warning,
    actor: User,
    note: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> WarningInstruction:
    """办结: the leader has read the report; the warning is no longer supervised."""
    now = now or timezone.now()
    closed: list[WarningInstruction] = []

    def apply(locked: Warning) -> dict[str, object]:
        instruction = open_instruction(locked.instructions.all())
        instruction.close(actor=actor, note=note, now=now)
        Notice.objects.filter(
            user=actor, notification__key=instruction_key(instruction, "report"), read_at=None
        ).update(read_at=now)
        closed.append(instruction)
        return {}

    TABLE.take(
        warning, "instruction_close", actor, expected_version, now, reason=note.strip(), apply=apply
    )
    return closed[0]
