"""The risk loop on one warning: sign for (签收), verify (核实), joint handling (联动处置),
service matching (服务对接), root-cause measures (源头治理) and closure (办结).

open → verifying (first sign-for) → handling (verified as true) → closed; verified as not
true by the lead closes at once; an auto-resolved warning may still take measures and be
closed. Who may take which step at which status is the transition table's
(warnings/transitions.py). Each call locks the warning, checks the version the user saw, asks
the table and writes an audit event, in one transaction.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laborwatch.core.audit import record_event
from laborwatch.core.models import User
from laborwatch.lib.transitions import lock_for
from laborwatch.warnings import transitions
from laborwatch.warnings.errors import StaleWarning
from laborwatch.warnings.models import (
    STEP_OUTCOMES,
    Warning,
    WarningRouting,
    WarningStatus,
    WarningStep,
)

Step = WarningStep.Kind
Outcome = WarningStep.Outcome


def lock_warning(
    warning: Warning, expected_version: int | None, *, action: str, actor: User
) -> Warning:
    """The warning's row, locked until the transaction ends, once the version the user saw
    is current and the transition table lets the actor take the action now."""
    return lock_for(
        Warning,
        warning.pk,
        table=transitions.TABLE,
        action=action,
        actor=actor,
        expected_version=expected_version,
        stale=StaleWarning,
    )


def save_warning_change(warning: Warning, *, fields: list[str], now: dt.datetime) -> None:
    """Save a user's change to a locked warning: its version moves on, so a page loaded before
    the change is stale, and `updated_at` is `now`."""
    warning.version += 1
    warning.updated_at = now
    warning.save(update_fields=[*fields, "version", "updated_at"])


@transaction.atomic
def warning_acknowledge(
    *, routing: WarningRouting, actor: User, now: dt.datetime | None = None
) -> WarningRouting:
    """签收: the receiving unit signs for the warning; the first signature starts verification."""
    now = now or timezone.now()
    if not actor.can_write or actor.org_unit_id != routing.org_unit_id:
        raise PermissionDenied
    locked_routing = WarningRouting.objects.select_for_update().get(pk=routing.pk)
    if locked_routing.acknowledged_at is not None:
        raise ValidationError(_("This warning has already been signed for."), code="signed")
    warning = lock_warning(locked_routing.warning, None, action="acknowledge", actor=actor)
    locked_routing.acknowledged_at = now
    locked_routing.acknowledged_by = actor
    locked_routing.save(update_fields=["acknowledged_at", "acknowledged_by"])
    before = {"status": warning.status}
    if warning.status == WarningStatus.OPEN:
        warning.status = WarningStatus.VERIFYING
    save_warning_change(warning, fields=["status"], now=now)
    record_event(
        actor=actor,
        action="warning.acknowledge",
        target=warning,
        org_unit=actor.org_unit,
        before=before,
        after={
            "status": warning.status,
            "unit": locked_routing.org_unit.code,
            "late": now > locked_routing.acknowledge_due,
        },
        at=now,
    )
    return locked_routing


@transaction.atomic
def warning_record_step(
    *,
    warning: Warning,
    actor: User,
    kind: str,
    note: str,
    outcome: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> WarningStep:
    """Record one loop step; verification and closure move the warning's status."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if kind not in STEP_OUTCOMES:
        raise ValidationError({"kind": [_("Unknown step.")]})
    allowed = STEP_OUTCOMES[kind]
    if allowed and outcome not in allowed:
        errors["outcome"] = [_("Choose an outcome.")]
    if not allowed and outcome:
        errors["outcome"] = [_("This step takes no outcome.")]
    if not note.strip():
        errors["note"] = [_("Describe what was done.")]
    if errors:
        raise ValidationError(errors)
    locked = lock_warning(warning, expected_version, action=kind, actor=actor)
    before = {"status": locked.status}
    if kind == Step.VERIFICATION and outcome == Outcome.CONFIRMED:
        locked.verified = True
        locked.status = WarningStatus.HANDLING
    elif kind == Step.VERIFICATION and transitions.Party.LEAD in transitions.parties(locked, actor):
        # Not true, as the lead finds: the loop closes. A department's finding is its
        # report; the warning stays in verification for the lead to conclude.
        locked.verified = False
        locked.status = WarningStatus.CLOSED
    elif kind == Step.CLOSURE:
        locked.status = WarningStatus.CLOSED
    save_warning_change(locked, fields=["status", "verified"], now=now)
    step = WarningStep.objects.create(
        warning=locked,
        kind=kind,
        outcome=outcome,
        note=note.strip(),
        actor=actor,
        at=now,
    )
    record_event(
        actor=actor,
        action=f"warning.{kind}",
        target=locked,
        org_unit=locked.district,
        before=before,
        after={"status": locked.status, "outcome": outcome},
        reason=note.strip(),
        at=now,
    )
    return step
