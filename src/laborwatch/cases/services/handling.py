"""The handling loop as a state machine; every transition is one service call.

received → accepted → contacted → feedback_given → in_handling → resolved → called_back →
archived; open cases may be closed (unsubstantiated / withdrawn / transferred); a resolved or
closed case may be reopened with a reason. Which statuses each action runs from, where it
leads and who may take it is the transition table's (cases/transitions.py). Each call is
the table's `take` (lib/transitions.py): it locks the row, checks the version the user saw,
asks the table, records a missed deadline, moves the SLA clock and writes an audit event, all
in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laborwatch.cases.models import (
    Case,
    CategoryLabel,
    ClosureReason,
    EmployerAlias,
    HandlingMethod,
    Status,
    UnionRole,
)
from laborwatch.cases.services.grouping import attach_group, open_duplicate_of
from laborwatch.cases.sla import end_of_working_day, policy_for, record_breach, refresh_clock
from laborwatch.cases.transitions import (
    HANDLERS,
    TABLE,
    may_be_assigned,
    same_desk,
)
from laborwatch.core.audit import record_event
from laborwatch.core.calendar import add_working_days
from laborwatch.core.models import User
from laborwatch.enterprises.models import Enterprise
from laborwatch.lib.transitions import setting
from laborwatch.text.names import is_anonymised
from laborwatch.text.taxonomy import categories


def _keep_clock(case: Case, left: str, now: dt.datetime) -> None:
    """A stage completed late is remembered; the clock then points at the new status's deadline."""
    if case.status != left:
        record_breach(case, now)
    refresh_clock(case, policy_for(channel=case.channel, category=case.category))


def _take(
    case: Case,
    actor: User,
    action: str,
    expected_version: int | None,
    now: dt.datetime,
    /,
    *,
    reason: str = "",
    apply: Callable[[Case], dict[str, object]] | None = None,
    leads_to: Callable[[Case], str | None] | None = None,
) -> Case:
    """Take one action of the work order's table (lib/transitions.py `Table.take`), keeping
    the SLA clock."""
    return TABLE.take(
        case,
        action,
        actor,
        expected_version,
        now,
        reason=reason,
        apply=apply,
        leads_to=leads_to,
        keep=_keep_clock,
    )


def case_accept(
    *,
    case: Case,
    actor: User,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Accept the work order; the actor becomes its handler unless it already has one."""
    now = now or timezone.now()

    def apply(c: Case) -> dict[str, object]:
        c.accepted_at = now
        c.handler = c.handler or actor
        return {"handler": c.handler.get_username()}

    def leads_to(c: Case) -> str:
        # A worker already reached (a walk-in, at the desk) needs no first-contact step.
        return Status.CONTACTED if c.worker_contacted_at is not None else Status.ACCEPTED

    return _take(case, actor, "accept", expected_version, now, apply=apply, leads_to=leads_to)


def case_contact(
    *,
    case: Case,
    actor: User,
    worker_reached: bool,
    employer_reached: bool,
    note: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Record contact with the parties; the case moves on once the worker has been reached."""
    now = now or timezone.now()
    if not worker_reached and not employer_reached:
        raise ValidationError({"worker_reached": [_("Record at least one party contacted.")]})

    def apply(c: Case) -> dict[str, object]:
        if worker_reached and c.worker_contacted_at is None:
            c.worker_contacted_at = now
        if employer_reached and c.employer_contacted_at is None:
            c.employer_contacted_at = now
        return {"worker_reached": worker_reached, "employer_reached": employer_reached}

    def leads_to(c: Case) -> str | None:
        return Status.CONTACTED if worker_reached else None

    return _take(
        case, actor, "contact", expected_version, now, reason=note, apply=apply, leads_to=leads_to
    )


def case_give_feedback(
    *,
    case: Case,
    actor: User,
    note: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Case:
    now = now or timezone.now()
    if not note.strip():
        raise ValidationError({"note": [_("Say what the worker was told.")]})

    apply = setting(feedback_at=now)
    return _take(case, actor, "feedback", expected_version, now, reason=note, apply=apply)


def case_start_handling(
    *,
    case: Case,
    actor: User,
    method: str,
    note: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Case:
    now = now or timezone.now()
    if method not in HandlingMethod.values:
        raise ValidationError({"method": [_("Choose a handling method.")]})

    def apply(c: Case) -> dict[str, object]:
        c.handling_method = method
        c.handling_started_at = c.handling_started_at or now
        return {"method": method}

    return _take(case, actor, "handle", expected_version, now, reason=note, apply=apply)


def case_resolve(
    *,
    case: Case,
    actor: User,
    wages_recovered: Decimal,
    workers_covered: int,
    method: str,
    union_role: str,
    note: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Case:
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if wages_recovered < 0:
        errors["wages_recovered"] = [_("Amount cannot be negative.")]
    if workers_covered < 0:
        errors["workers_covered"] = [_("Cannot be negative.")]
    if method not in HandlingMethod.values:
        errors["method"] = [_("Choose the method that resolved the case.")]
    if union_role not in UnionRole.values:
        errors["union_role"] = [_("Say whether the union led or joined the mediation.")]
    if not note.strip():
        errors["note"] = [_("Describe the outcome.")]
    if errors:
        raise ValidationError(errors)

    def apply(c: Case) -> dict[str, object]:
        c.resolved_at = now
        c.wages_recovered = wages_recovered
        c.workers_covered = workers_covered
        c.resolved_by_method = method
        c.union_role = union_role
        c.outcome_note = note
        previous = c.handler
        if previous is None or not same_desk(previous, actor):
            c.handler = actor  # who resolved it handled it: the page names the right unit
        return {
            "wages_recovered": str(wages_recovered),
            "workers_covered": workers_covered,
            "method": method,
            "union_role": union_role,
            "handler": actor.get_username(),
            "previous_handler": previous.get_username() if previous else None,
        }

    return _take(case, actor, "resolve", expected_version, now, reason=note, apply=apply)


def case_close(
    *,
    case: Case,
    actor: User,
    reason_code: str,
    note: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Case:
    now = now or timezone.now()
    if reason_code not in ClosureReason.values:
        raise ValidationError({"reason_code": [_("Choose why the case is closed.")]})
    if not note.strip():
        raise ValidationError({"note": [_("Explain the closure.")]})

    apply = setting(
        {"closure_reason": reason_code},
        closed_at=now,
        closure_reason=reason_code,
        outcome_note=note,
    )
    return _take(case, actor, "close", expected_version, now, reason=note, apply=apply)


def case_call_back(
    *,
    case: Case,
    actor: User,
    satisfaction: int,
    note: str = "",
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Case:
    now = now or timezone.now()
    if not 1 <= satisfaction <= 5:
        raise ValidationError({"satisfaction": [_("Satisfaction is from 1 to 5.")]})

    apply = setting(
        {"satisfaction": satisfaction},
        called_back_at=now,
        satisfaction=satisfaction,
        callback_note=note,
    )
    return _take(case, actor, "call_back", expected_version, now, reason=note, apply=apply)


def case_archive(
    *,
    case: Case,
    actor: User,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Case:
    now = now or timezone.now()

    return _take(case, actor, "archive", expected_version, now, apply=setting(archived_at=now))


def case_reopen(
    *,
    case: Case,
    actor: User,
    reason: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Reopen a resolved or closed case: its outcome is cleared and it is handled again."""
    now = now or timezone.now()
    if not reason.strip():
        raise ValidationError({"reason": [_("Reopening needs a reason.")]})

    def apply(c: Case) -> dict[str, object]:
        c.resolved_at = None
        c.closed_at = None
        c.called_back_at = None
        c.closure_reason = ""
        c.handling_started_at = c.handling_started_at or now
        # A reopened case gets a fresh resolution window from today, not from its receipt.
        policy = policy_for(channel=c.channel, category=c.category)
        c.resolve_due = end_of_working_day(
            add_working_days(timezone.localtime(now).date(), policy.resolve_working_days)
        )
        c.urged_stage = c.escalated_stage = ""
        return {"resolve_due": c.resolve_due.isoformat()}

    return _take(case, actor, "reopen", expected_version, now, reason=reason, apply=apply)


def case_assign(
    *,
    case: Case,
    actor: User,
    handler: User,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Case:
    now = now or timezone.now()

    def apply(c: Case) -> dict[str, object]:
        if not may_be_assigned(c, handler, by=actor):
            raise ValidationError({"handler": [_("This person may not handle this work order.")]})
        previous = c.handler.get_username() if c.handler else None
        c.handler = handler
        return {"handler": handler.get_username(), "previous_handler": previous}

    return _take(case, actor, "assign", expected_version, now, apply=apply)


def case_add_note(
    *,
    case: Case,
    actor: User,
    note: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> None:
    """A note on the case's timeline; it changes nothing on the case, so no new version."""
    if not note.strip():
        raise ValidationError({"note": [_("The note is empty.")]})
    TABLE.note(
        case, actor=actor, note=note, expected_version=expected_version, now=now or timezone.now()
    )


def case_link_employer(
    *,
    case: Case,
    actor: User,
    enterprise: Enterprise,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Confirm the employer (a candidate or a later link of an unknown employer)."""
    now = now or timezone.now()

    def apply(c: Case) -> dict[str, object]:
        c.employer = enterprise
        c.district = c.district or enterprise.district
        return {"employer": enterprise.credit_code}

    with transaction.atomic():
        linked = _take(case, actor, "link_employer", expected_version, now, apply=apply)
        _learn_alias(told=linked.employer_name_as_told, enterprise=enterprise, actor=actor, now=now)
        # The checks intake could not make without an employer.
        duplicate = open_duplicate_of(linked) if linked.is_open else None
        if duplicate is not None and linked.possible_duplicate_of_id is None:
            linked.possible_duplicate_of = duplicate
            Case.objects.filter(pk=linked.pk).update(possible_duplicate_of=duplicate)
        attach_group(linked)
    return linked


def case_merge(
    *,
    source: Case,
    target: Case,
    actor: User,
    reason: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Merge a duplicate into another case. Irreversible; the history of both stays."""
    now = now or timezone.now()
    if source.pk == target.pk:
        raise ValidationError({"target": [_("A case cannot be merged into itself.")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("Merging needs a reason.")]})

    with transaction.atomic():
        # Both rows, in key order so that two merges of the same pair cannot deadlock.
        rows = {
            c.pk: c
            for c in Case.objects.select_for_update()
            .filter(pk__in=[source.pk, target.pk])
            .order_by("pk")
        }
        target = rows[target.pk]

        def apply(c: Case) -> dict[str, object]:
            # Once the table has let the actor merge the source: the target must take it.
            if target.status == Status.MERGED:
                raise ValidationError({"target": [_("The target case has itself been merged.")]})
            if not TABLE.parties(target, actor) & HANDLERS:
                raise ValidationError({"target": [_("No such work order that you may handle.")]})
            c.merged_into = target
            return {"merged_into": target.number}

        merged = _take(source, actor, "merge", expected_version, now, reason=reason, apply=apply)
        record_event(
            actor=actor,
            action="case.absorb",
            target=target,
            org_unit=target.district,
            after={"absorbed": source.number},
            reason=reason,
            at=now,
        )
    return merged


def _learn_alias(*, told: str, enterprise: Enterprise, actor: User, now: dt.datetime) -> None:
    """Remember a told name that is none of the registered names, so it links next time."""
    told = told.strip()
    registered = {
        enterprise.name,
        enterprise.credit_code,
        *enterprise.former_names,
        *enterprise.short_names,
    }
    if not told or told in registered or is_anonymised(told):
        return
    alias, created = EmployerAlias.objects.get_or_create(
        name=told[:200],
        defaults={"enterprise": enterprise, "confirmed_by": actor, "confirmed_at": now},
    )
    if created:
        record_event(
            actor=actor,
            action="enterprise.alias_learn",
            target=enterprise,
            org_unit=enterprise.district,
            after={"alias": alias.name},
            at=now,
        )


def case_recategorise(
    *,
    case: Case,
    actor: User,
    category: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """Correct the demand category; the correction is kept as training data (CategoryLabel)."""
    now = now or timezone.now()
    if category not in categories():
        raise ValidationError(
            {"category": [_("Unknown demand category %(code)s.") % {"code": category}]}
        )

    def apply(c: Case) -> dict[str, object]:
        previous = c.category
        c.category = category
        CategoryLabel.objects.create(
            case=c,
            text=c.description,
            category=category,
            previous_category=previous,
            labelled_by=actor,
            labelled_at=now,
        )
        return {"category": category, "previous_category": previous}

    return _take(case, actor, "recategorise", expected_version, now, apply=apply)
