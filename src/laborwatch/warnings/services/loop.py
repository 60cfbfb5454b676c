"""The risk loop on one warning: sign for (签收), verify (核实), joint handling (联动处置),
service matching (服务对接), root-cause measures (源头治理) and closure (办结).

open → verifying (first sign-for) → handling (verified as true) → closed; verified as not
true by the lead closes at once; an auto-resolved warning may still take measures and be
closed. Who may take which step at which status is the transition table's
(warnings/transitions.py). Each call is the table's `take` (lib/transitions.py): it locks the
warning, checks the version the user saw, asks the table and writes an audit event, in one
transaction.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laborwatch.core.models import User
from laborwatch.warnings import transitions
from laborwatch.warnings.models import (
    STEP_OUTCOMES,
    Warning,
    WarningRouting,
    WarningStatus,
    WarningStep,
)
from laborwatch.warnings.transitions import TABLE

Step = WarningStep.Kind
Outcome = WarningStep.Outcome


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

    def apply(w: Warning) -> dict[str, object]:
        locked_routing.acknowledged_at = now
        locked_routing.acknowledged_by = actor
        locked_routing.save(update_fields=["acknowledged_at", "acknowledged_by"])
        return {"unit": locked_routing.org_unit.code, "late": now > locked_routing.acknowledge_due}

    def leads_to(w: Warning) -> str | None:
        return WarningStatus.VERIFYING if w.status == WarningStatus.OPEN else None

    TABLE.take(
        locked_routing.warning,
        "acknowledge",
        actor,
        None,
        now,
        apply=apply,
        leads_to=leads_to,
        org_unit=actor.org_unit,  # filed under the unit that signed
    )
    return locked_routing


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
    steps: list[WarningStep] = []

    def leads_to(w: Warning) -> str | None:
        if kind == Step.VERIFICATION and outcome == Outcome.CONFIRMED:
            return WarningStatus.HANDLING
        if kind == Step.VERIFICATION and transitions.Party.LEAD in TABLE.parties(w, actor):
            # Not true, as the lead finds: the loop closes. A department's finding is its
            # report; the warning stays in verification for the lead to conclude.
            return WarningStatus.CLOSED
        return WarningStatus.CLOSED if kind == Step.CLOSURE else None

    def apply(w: Warning) -> dict[str, object]:
        if kind == Step.VERIFICATION and leads_to(w) is not None:
            w.verified = outcome == Outcome.CONFIRMED
        steps.append(
            WarningStep.objects.create(
                warning=w, kind=kind, outcome=outcome, note=note.strip(), actor=actor, at=now
            )
        )
        return {"outcome": outcome}

    TABLE.take(
        warning,
        kind,
        actor,
        expected_version,
        now,
        reason=note.strip(),
        apply=apply,
        leads_to=leads_to,
    )
    return steps[0]
