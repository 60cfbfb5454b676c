"""The daily warning sync: one day's graded scores in, warnings opened, moved and resolved.

Rules, per enterprise and risk type: one active warning; a repeated signal merges its evidence
into the warning; a grade change is an escalation or de-escalation event; a warning with no
signal for `clean_days` consecutive score days resolves itself; among one enterprise's active
warnings the highest grade inhibits the lower ones (they are kept but not routed). Active,
uninhibited warnings are routed to the enterprise's district union and to the departments of
the fired rules, each with a sign-for deadline set by the grade — but only on a day they have
a signal: a warning released from inhibition on a clean day waits for its signal to return.

Set-based: a constant number of queries whatever the number of warnings (bulk inserts and
updates, audit events included), all in one transaction. Running a day twice changes
nothing the second time (`Warning.synced_on`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from laborwatch.core.models import AuditEvent, OrgUnit
from laborwatch.enterprises.models import Enterprise
from laborwatch.notifications.models import Notification
from laborwatch.notifications.services import notifications_create
from laborwatch.warnings.models import (
    ACTIVE_STATUSES,
    GRADE_LEVEL,
    Grade,
    Warning,
    WarningEvent,
    WarningRouting,
    WarningStatus,
)
from laborwatch.warnings.policy import WarningPolicy, department_unit_codes, warning_policy
from laborwatch.warnings.scores import Signal
from laborwatch.warnings.services.bulk import update_from_values

BATCH = 1000
# SQLite allows 32,766 bound parameters a statement; stay well below for IN lists.
IN_CHUNK = 5000
T = TypeVar("T")

Kind = WarningEvent.Kind
AUDIT_ACTIONS = {
    Kind.OPENED: "warning.open",
    Kind.ESCALATED: "warning.escalate",
    Kind.DE_ESCALATED: "warning.de_escalate",
    Kind.EVIDENCE: "warning.evidence",
    Kind.RESOLVED: "warning.resolve",
    Kind.INHIBITED: "warning.inhibit",
    Kind.RELEASED: "warning.release",
}
UPDATED_FIELDS = [
    "grade",
    "peak_grade",
    "status",
    "score",
    "evidence",
    "evidence_on",
    "departments",
    "signal_count",
    "last_seen_on",
    "clean_since",
    "resolved_on",
    "config_version",
    "inhibited_by",
    "synced_on",
    "version",
    "updated_at",
]


@dataclass
class SyncResult:
    as_of: dt.date
    signals: int = 0
    opened: int = 0
    escalated: int = 0
    de_escalated: int = 0
    evidence_added: int = 0
    repeated: int = 0
    resolved: int = 0
    inhibited: int = 0
    released: int = 0
    routings: int = 0
    unknown_enterprises: int = 0
    already_synced: int = 0
    unknown_codes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return (
            self.opened
            + self.escalated
            + self.de_escalated
            + self.evidence_added
            + self.resolved
            + self.inhibited
            + self.released
        )


@dataclass
class _Change:
    warning: Warning
    kind: str
    grade_before: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


def _chunks(items: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def merge_evidence(
    previous: list[dict[str, Any]],
    fired: Iterable[dict[str, Any]],
    on: dt.date,
    previous_on: dt.date | None = None,
) -> tuple[list[dict[str, Any]], list[str], bool]:
    """The evidence with today's fired rules merged in, the rules new to it, and whether it
    changed at all (a rule started or stopped firing, or a value or level moved).

    Each rule keeps one entry with its latest value and level and the first and last day it
    fired; a rule that stopped firing stays with its last values (it was evidence then).
    `previous_on` is the day the previous evidence was current (Warning.evidence_on).
    """
    day = on.isoformat()
    was_current = {
        e["rule"]: e
        for e in previous
        if previous_on is not None and e.get("last_seen_on") == previous_on.isoformat()
    }
    fired = list(fired)
    changed = set(was_current) != {e["rule"] for e in fired} or any(
        any(was_current[e["rule"]].get(k) != e.get(k) for k in COMPARED) for e in fired
    )
    if not changed:
        return previous, [], False
    merged = {entry["rule"]: dict(entry) for entry in previous}
    new_rules: list[str] = []
    for entry in fired:
        rule = entry["rule"]
        known = merged.get(rule)
        if known is None:
            new_rules.append(rule)
            merged[rule] = {**entry, "first_seen_on": day, "last_seen_on": day}
        else:
            merged[rule] = {**known, **entry, "last_seen_on": day}
    ordered = sorted(
        merged.values(), key=lambda e: (e["last_seen_on"] != day, -float(e.get("points") or 0))
    )
    return ordered, new_rules, True


# The parts of a fired rule whose change makes new evidence.
COMPARED = ("value", "level", "points", "department")


def _enterprises(codes: Sequence[str]) -> dict[str, tuple[int, int]]:
    """credit code → (enterprise id, district id) for the codes in the registry."""
    found: dict[str, tuple[int, int]] = {}
    for chunk in _chunks(codes):
        rows = Enterprise.objects.filter(credit_code__in=chunk).values_list(
            "credit_code", "pk", "district_id"
        )
        found.update({code: (pk, district) for code, pk, district in rows})
    return found


@transaction.atomic
def warnings_sync(
    *,
    signals: Iterable[Signal],
    as_of: dt.date,
    config_version: str,
    actor_label: str = "score",
    now: dt.datetime | None = None,
    policy: WarningPolicy | None = None,
) -> SyncResult:
    """Apply one score day's graded signals to the warnings (see the module docstring)."""
    now = now or timezone.now()
    policy = policy or warning_policy()
    result = SyncResult(as_of=as_of)
    by_code: dict[tuple[str, str], Signal] = {}
    for graded in signals:
        if graded.grade in GRADE_LEVEL:
            by_code[(graded.credit_code, graded.risk_type)] = graded
    result.signals = len(by_code)
    enterprises = _enterprises(sorted({code for code, _ in by_code}))
    unknown = sorted({code for code, _ in by_code if code not in enterprises})
    result.unknown_enterprises, result.unknown_codes = len(unknown), unknown[:20]
    pending: dict[tuple[int, str], Signal] = {
        (enterprises[code][0], risk): graded
        for (code, risk), graded in by_code.items()
        if code in enterprises
    }

    active = list(Warning.objects.select_for_update().filter(status__in=ACTIVE_STATUSES))
    # Warnings closed or resolved by today's run or a person since: no new one the same day.
    finished_today = set(
        Warning.objects.exclude(status__in=ACTIVE_STATUSES)
        .filter(synced_on__gte=as_of)
        .values_list("enterprise_id", "risk_type")
    )
    changes: list[_Change] = []
    touched: list[Warning] = []
    quiet: list[Warning] = []  # repeated signals with nothing new: one set-based update
    returned: list[Warning] = []  # signalled again after clean days: routed if never was
    for warning in active:
        key = (warning.enterprise_id, warning.risk_type)
        signal = pending.pop(key, None)
        if warning.synced_on >= as_of:
            result.already_synced += 1
            continue
        warning.synced_on = as_of
        if signal is None:
            _clean_day(warning, as_of, policy, changes, result)
            touched.append(warning)
            continue
        if warning.clean_since is not None:
            returned.append(warning)
        if _repeat(warning, signal, as_of, config_version, changes, result):
            touched.append(warning)
        else:
            quiet.append(warning)

    created = _open_new(
        pending, finished_today, enterprises, by_code, as_of, config_version, changes, result, now
    )
    still_active = [w for w in active if w.status in ACTIVE_STATUSES] + created
    _inhibit(still_active, changes, result, touched)

    for warning in touched:
        warning.updated_at = now
    update_from_values(touched, UPDATED_FIELDS)
    touched_ids = {w.pk for w in touched}
    quiet_ids = [w.pk for w in quiet if w.pk not in touched_ids]
    for chunk in _chunks(quiet_ids):
        Warning.objects.filter(pk__in=chunk).update(
            last_seen_on=as_of,
            synced_on=as_of,
            signal_count=F("signal_count") + 1,
            updated_at=now,
        )
    result.routings = _route([c.warning for c in changes] + returned, changes, now, policy)
    _write_events(changes, as_of, now, actor_label)
    return result


def _clean_day(
    warning: Warning,
    as_of: dt.date,
    policy: WarningPolicy,
    changes: list[_Change],
    result: SyncResult,
) -> None:
    if warning.clean_since is None:
        warning.clean_since = as_of
    clean_days = (as_of - warning.clean_since).days + 1
    if clean_days >= policy.clean_days:
        warning.status = WarningStatus.RESOLVED
        warning.resolved_on = as_of
        warning.inhibited_by = None
        warning.version += 1
        changes.append(_Change(warning, Kind.RESOLVED, warning.grade, {"clean_days": clean_days}))
        result.resolved += 1


def _repeat(
    warning: Warning,
    signal: Signal,
    as_of: dt.date,
    config_version: str,
    changes: list[_Change],
    result: SyncResult,
) -> bool:
    """Apply a repeated signal; False for a quiet repeat (only the dates move)."""
    before = warning.grade
    evidence, new_rules, evidence_changed = merge_evidence(
        warning.evidence, signal.evidence, as_of, warning.evidence_on
    )
    quiet = (
        not evidence_changed
        and signal.grade == before
        and signal.score == warning.score
        and warning.clean_since is None
        and warning.config_version == config_version
    )
    if quiet:
        # Kept in memory too, in case the inhibition pass touches the warning after all.
        warning.last_seen_on = as_of
        warning.signal_count += 1
        result.repeated += 1
        return False
    if evidence_changed:
        warning.evidence, warning.evidence_on = evidence, as_of
    warning.departments = sorted(set(warning.departments) | set(signal.departments))
    warning.score = signal.score
    warning.signal_count += 1
    warning.last_seen_on = as_of
    warning.clean_since = None
    warning.config_version = config_version
    if GRADE_LEVEL[Grade(signal.grade)] > GRADE_LEVEL[Grade(before)]:
        kind: str | None = Kind.ESCALATED
        result.escalated += 1
    elif GRADE_LEVEL[Grade(signal.grade)] < GRADE_LEVEL[Grade(before)]:
        kind = Kind.DE_ESCALATED
        result.de_escalated += 1
    elif new_rules:
        kind = Kind.EVIDENCE
        result.evidence_added += 1
    else:
        kind = None
        result.repeated += 1
    if kind is None:
        return True
    warning.grade = signal.grade
    if GRADE_LEVEL[Grade(signal.grade)] > GRADE_LEVEL[Grade(warning.peak_grade)]:
        warning.peak_grade = signal.grade
    if kind != Kind.EVIDENCE:
        warning.version += 1
    changes.append(_Change(warning, kind, before, {"score": signal.score, "new_rules": new_rules}))
    return True


def _open_new(
    pending: dict[tuple[int, str], Signal],
    finished_today: set[tuple[int, str]],
    enterprises: dict[str, tuple[int, int]],
    by_code: dict[tuple[str, str], Signal],
    as_of: dt.date,
    config_version: str,
    changes: list[_Change],
    result: SyncResult,
    now: dt.datetime,
) -> list[Warning]:
    districts = {pk: district for pk, district in enterprises.values()}
    fresh: list[Warning] = []
    for (enterprise_id, risk_type), signal in pending.items():
        if (enterprise_id, risk_type) in finished_today:
            result.already_synced += 1
            continue
        evidence, _, _ = merge_evidence([], signal.evidence, as_of)
        fresh.append(
            Warning(
                enterprise_id=enterprise_id,
                district_id=districts[enterprise_id],
                risk_type=risk_type,
                grade=signal.grade,
                peak_grade=signal.grade,
                status=WarningStatus.OPEN,
                score=signal.score,
                evidence=evidence,
                evidence_on=as_of,
                departments=sorted(signal.departments),
                signal_count=1,
                first_seen_on=as_of,
                last_seen_on=as_of,
                synced_on=as_of,
                config_version=config_version,
                created_at=now,
                updated_at=now,
            )
        )
    created = Warning.objects.bulk_create(fresh, batch_size=BATCH)
    if created and created[0].pk is None:  # a backend that does not return keys
        raise RuntimeError("warnings_sync needs a database that returns bulk-inserted keys")
    for warning in created:
        changes.append(_Change(warning, Kind.OPENED, "", {"score": warning.score}))
    result.opened = len(created)
    return created


def _inhibit(
    active: list[Warning], changes: list[_Change], result: SyncResult, touched: list[Warning]
) -> None:
    """Among one enterprise's active warnings the highest grade inhibits the lower ones."""
    by_enterprise: dict[int, list[Warning]] = defaultdict(list)
    for warning in active:
        by_enterprise[warning.enterprise_id].append(warning)
    touched_ids = {w.pk for w in touched}
    for group in by_enterprise.values():
        top = max(group, key=lambda w: (w.level, -w.pk))
        for warning in group:
            target = top if warning.level < top.level else None
            if warning.inhibited_by_id == (target.pk if target else None):
                continue
            kind = Kind.INHIBITED if target is not None else Kind.RELEASED
            if target is not None:
                result.inhibited += 1
            else:
                result.released += 1
            warning.inhibited_by = target
            detail = {"by": str(target)} if target is not None else {}
            changes.append(_Change(warning, kind, warning.grade, detail))
            if warning.pk not in touched_ids:
                touched.append(warning)
                touched_ids.add(warning.pk)


def _route(
    candidates: list[Warning], changes: list[_Change], now: dt.datetime, policy: WarningPolicy
) -> int:
    """Route every candidate that is active, uninhibited and signalled today to the units it
    still lacks, and pull the deadline of unsigned routings forward when the grade rose.

    A warning without today's signal (`clean_since` set) is not routed: no unit is asked to
    sign for a risk the data stopped showing. Its routing waits for the signal's return.
    """
    to_route = {
        warning.pk: warning
        for warning in candidates
        if warning.is_active and warning.inhibited_by_id is None and warning.clean_since is None
    }
    if not to_route:
        return 0
    units = dict(OrgUnit.objects.values_list("code", "pk"))
    existing: dict[int, list[WarningRouting]] = defaultdict(list)
    for chunk in _chunks(list(to_route)):
        for routing in WarningRouting.objects.filter(warning_id__in=chunk):
            existing[routing.warning_id].append(routing)
    due_by_grade = {str(grade): policy.acknowledge_due(grade, now) for grade in GRADE_LEVEL}
    new_routings: list[WarningRouting] = []
    moved: list[WarningRouting] = []
    routed_to: dict[int, list[str]] = {}
    codes_by_id = {pk: code for code, pk in units.items()}
    for warning in to_route.values():
        due = due_by_grade[warning.grade]
        have = {r.org_unit_id for r in existing[warning.pk]}
        wanted = [(warning.district_id, WarningRouting.Reason.DISTRICT)] + [
            (units[code], WarningRouting.Reason.DEPARTMENT)
            for code in department_unit_codes(_current_departments(warning))
            if code in units
        ]
        added = []
        for unit_id, reason in wanted:
            if unit_id in have:
                continue
            have.add(unit_id)
            added.append(codes_by_id[unit_id])
            new_routings.append(
                WarningRouting(
                    warning_id=warning.pk,
                    org_unit_id=unit_id,
                    reason=reason,
                    routed_at=now,
                    acknowledge_due=due,
                )
            )
        for routing in existing[warning.pk]:
            if routing.acknowledged_at is None and routing.acknowledge_due > due:
                routing.acknowledge_due = due
                moved.append(routing)
        if added:
            routed_to[warning.pk] = added
    WarningRouting.objects.bulk_create(new_routings, batch_size=BATCH)
    notify_routed(new_routings, to_route, now=now)
    update_from_values(moved, ["acknowledge_due"])
    for change in changes:
        if change.warning.pk in routed_to and change.kind != Kind.RESOLVED:
            change.detail["routed_to"] = routed_to.pop(change.warning.pk)
    return len(new_routings)


def notify_routed(
    routings: list[WarningRouting], warnings: dict[int, Warning], *, now: dt.datetime
) -> None:
    """Each receiving unit is told of its new routing, in one insert; a red warning goes out
    on the unit's channels at once."""
    rows = []
    for routing in routings:
        warning = warnings[routing.warning_id]
        message = _("Warning %(number)s (%(grade)s) sent to your unit: sign for it by %(due)s.")
        rows.append(
            Notification(
                kind=Notification.Kind.WARNING_ROUTED,
                message=message
                % {
                    "number": warning,
                    "grade": Grade(warning.grade).label,
                    "due": timezone.localtime(routing.acknowledge_due).strftime("%m-%d %H:%M"),
                },
                key=f"routing:{routing.pk}",
                url=f"/warnings/{warning.pk}/",
                org_unit_id=routing.org_unit_id,
                urgent=warning.grade == Grade.RED,
                created_at=now,
            )
        )
    notifications_create(rows)


def _current_departments(warning: Warning) -> list[str]:
    """Departments of the rules firing on the warning's last signalled day."""
    return [e["department"] for e in warning.current_evidence()]


def _write_events(
    changes: list[_Change], as_of: dt.date, now: dt.datetime, actor_label: str
) -> None:
    events = []
    audits = []
    for change in changes:
        warning = change.warning
        events.append(
            WarningEvent(
                warning_id=warning.pk,
                kind=change.kind,
                on=as_of,
                at=now,
                grade_before=change.grade_before,
                grade_after=warning.grade,
                score=warning.score,
                district_id=warning.district_id,
                detail=change.detail,
            )
        )
        audits.append(
            AuditEvent(
                at=now,
                actor=None,
                actor_label=actor_label,
                action=AUDIT_ACTIONS[Kind(change.kind)],
                target_type="warnings.warning",
                target_id=str(warning.pk),
                target_label=str(warning),
                org_unit_id=warning.district_id,
                before={"grade": change.grade_before} if change.grade_before else None,
                after={
                    "grade": warning.grade,
                    "status": warning.status,
                    "as_of": as_of.isoformat(),
                    **change.detail,
                },
            )
        )
    WarningEvent.objects.bulk_create(events, batch_size=BATCH)
    AuditEvent.objects.bulk_create(audits, batch_size=BATCH)
