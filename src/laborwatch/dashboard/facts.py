"""Keeping the dashboard's facts (dashboard.models) equal to the work orders and warnings.

Each fact is worked out with the figure's own condition (cases/figures.py, warnings/figures.py),
so a sum of facts over a period's days counts the rows the list behind the figure shows.

The facts follow the audit log: every service that changes a case or a warning writes its
audit row in the same transaction (the warning sync too, one row per warning it changes), so
the cases and warnings named by the rows written since the last read are worked out again
before the dashboard counts. Rows written any other way (a bulk load) are taken in by
`facts_rebuild` (`laborwatch django dashboard_rebuild`), which a database never built runs by
itself on first use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from laborwatch.cases import figures as case_figures
from laborwatch.cases.models import Case
from laborwatch.core.models import AuditEvent
from laborwatch.dashboard.models import CaseFact, FactsCursor, WarningFact
from laborwatch.lib.periods import SHANGHAI, Period
from laborwatch.warnings import figures as warning_figures
from laborwatch.warnings.models import Warning
from laborwatch.warnings.statuses import WarningStatus

CASE_TARGET = Case._meta.label_lower
WARNING_TARGET = Warning._meta.label_lower
CHUNK = 500
# How long an audit id skipped by a read is looked for again: longer than any transaction
# runs (a morning sync of a city's warnings takes minutes).
GAP_SECONDS = 24 * 3600
# How far back from the log's end a rebuild looks for ids not yet seen.
GAP_LOOKBACK = 1000
# Every day a warning can have been issued on: a warning funnel stage's condition applied to
# it is the stage's condition alone.
ALL_DAYS = Period(dt.date(1900, 1, 1), dt.date(2999, 12, 31))


def _flag(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())


def _local_day(moment: dt.datetime | None) -> dt.date | None:
    return None if moment is None else moment.astimezone(SHANGHAI).date()


CASE_FLAGS = {
    "feedback_in_24h": case_figures.FEEDBACK_IN_24H,
    "resolved_on_time": case_figures.RESOLVED_ON_TIME,
    "union_mediated": case_figures.UNION_MEDIATED,
    "wages_recovered": case_figures.WAGES_RECOVERED,
}
WARNING_FLAGS = {
    "signed": warning_figures.SIGNED,
    "verified": warning_figures.VERIFIED,
    "handled": warning_figures.HANDLED,
}


def case_facts(cases: QuerySet[Case]) -> Iterator[CaseFact]:
    """The facts of the live cases among `cases`."""
    rows = (
        case_figures.live(cases)
        .annotate(**{f"is_{name}": _flag(figure.condition) for name, figure in CASE_FLAGS.items()})
        .values(
            "pk",
            "district_id",
            "category",
            "received_at",
            "resolved_at",
            "wages_recovered",
            "workers_covered",
            *(f"is_{name}" for name in CASE_FLAGS),
        )
    )
    for row in rows.iterator(chunk_size=2000):
        yield CaseFact(
            case_id=row["pk"],
            district_id=row["district_id"],
            category=row["category"],
            received_on=_local_day(row["received_at"]),
            resolved_on=_local_day(row["resolved_at"]),
            wages_amount=row["wages_recovered"],
            workers_covered=row["workers_covered"],
            # A condition on a missing date is unknown (None): not met.
            **{name: bool(row[f"is_{name}"]) for name in CASE_FLAGS},
        )


def warning_facts(warnings: QuerySet[Warning]) -> Iterator[WarningFact]:
    flags = {f"is_{name}": _flag(figure.q(ALL_DAYS)) for name, figure in WARNING_FLAGS.items()}
    rows = warnings.annotate(**flags).values(
        "pk", "district_id", "first_seen_on", "peak_grade", "status", *flags
    )
    for row in rows.iterator(chunk_size=2000):
        yield WarningFact(
            warning_id=row["pk"],
            district_id=row["district_id"],
            issued_on=row["first_seen_on"],
            peak_grade=row["peak_grade"],
            closed=row["status"] == WarningStatus.CLOSED,
            **{name: bool(row[f"is_{name}"]) for name in WARNING_FLAGS},
        )


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def facts_refresh(*, case_ids: Iterable[int] = (), warning_ids: Iterable[int] = ()) -> None:
    """Work out again the facts of these cases and warnings (a merged or deleted one loses
    its fact)."""
    for chunk in _chunks(sorted(set(case_ids))):
        CaseFact.objects.filter(case_id__in=chunk).delete()
        CaseFact.objects.bulk_create(case_facts(Case.objects.filter(pk__in=chunk)))
    for chunk in _chunks(sorted(set(warning_ids))):
        WarningFact.objects.filter(warning_id__in=chunk).delete()
        WarningFact.objects.bulk_create(warning_facts(Warning.objects.filter(pk__in=chunk)))


@dataclass(frozen=True)
class Rebuilt:
    cases: int
    warnings: int


@transaction.atomic
def facts_rebuild(*, now: dt.datetime | None = None) -> Rebuilt:
    """Every fact worked out again from the tables, and the audit log read from its end."""
    now = now or timezone.now()
    cursor = _locked_cursor()
    # Read before the rows: a change committed meanwhile is read again, never missed.
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    # Ids below it still in a transaction show up later: looked for as gaps.
    recent = set(AuditEvent.objects.filter(pk__gt=last - GAP_LOOKBACK).values_list("pk", flat=True))
    cursor.read_up_to = last
    cursor.gaps = {
        str(pk): now.isoformat()
        for pk in range(max(last - GAP_LOOKBACK, 0) + 1, last)
        if pk not in recent
    }
    cursor.built_at = now
    CaseFact.objects.all().delete()
    WarningFact.objects.all().delete()
    cases = CaseFact.objects.bulk_create(case_facts(Case.objects.all()), batch_size=2000)
    warnings = WarningFact.objects.bulk_create(
        warning_facts(Warning.objects.all()), batch_size=2000
    )
    cursor.save()
    return Rebuilt(cases=len(cases), warnings=len(warnings))


def _locked_cursor() -> FactsCursor:
    cursor = FactsCursor.objects.select_for_update().filter(pk=1).first()
    if cursor is None:
        cursor, _created = FactsCursor.objects.get_or_create(pk=1)
    return cursor


@transaction.atomic
def facts_follow(*, now: dt.datetime | None = None) -> None:
    """Bring the facts up to the audit log: the cases and warnings named by audit rows not
    read yet, worked out again; a database never built is built whole."""
    now = now or timezone.now()
    cursor = _locked_cursor()
    if cursor.built_at is None:
        facts_rebuild(now=now)
        return
    missed = {int(key): dt.datetime.fromisoformat(at) for key, at in cursor.gaps.items()}
    unread = Q(pk__gt=cursor.read_up_to)
    if missed:
        unread |= Q(pk__in=list(missed))
    rows = list(AuditEvent.objects.filter(unread).values_list("pk", "target_type", "target_id"))
    if not rows and not missed:
        return
    seen = {pk for pk, _type, _id in rows}
    last = max(seen | {cursor.read_up_to})
    gaps = {
        pk: at
        for pk, at in missed.items()
        if pk not in seen and (now - at).total_seconds() < GAP_SECONDS
    }
    gaps.update(
        {pk: now for pk in range(cursor.read_up_to + 1, last) if pk not in seen and pk not in gaps}
    )
    targets: dict[str, set[int]] = {CASE_TARGET: set(), WARNING_TARGET: set()}
    for _pk, target_type, target_id in rows:
        if target_type in targets and target_id.isdigit():
            targets[target_type].add(int(target_id))
    facts_refresh(case_ids=targets[CASE_TARGET], warning_ids=targets[WARNING_TARGET])
    cursor.read_up_to = last
    cursor.gaps = {str(pk): at.isoformat() for pk, at in gaps.items()}
    cursor.save(update_fields=["read_up_to", "gaps"])
