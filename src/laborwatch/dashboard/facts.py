"""Keeping the dashboard's facts and day rows (dashboard.models) equal to the work orders and
warnings.

Each fact is worked out with the figure's own condition (cases/figures.py, warnings/figures.py),
so a sum of facts over a period's days counts the rows the list behind the figure shows. The
day rows are the facts added up: when facts change, the days they were on and the days they
are on now are added up again.

The facts follow the audit log: every service that changes a case or a warning writes its
audit row in the same transaction (the warning sync too, one row per warning it changes), so
the cases and warnings named by the rows written since the last read are worked out again
before the dashboard counts. Rows written any other way (a bulk load) are taken in by
`facts_rebuild` (`laborwatch django dashboard_rebuild`), which a database never built runs by
itself on first use.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils import timezone

from laborwatch.cases import figures as case_figures
from laborwatch.cases.models import Case
from laborwatch.core.models import AuditEvent
from laborwatch.dashboard.models import CaseDay, CaseFact, FactsCursor, WarningDay, WarningFact
from laborwatch.lib.periods import SHANGHAI, Period
from laborwatch.warnings import figures as warning_figures
from laborwatch.warnings.models import Grade, Warning, WarningStep
from laborwatch.warnings.statuses import WarningStatus

CASE_TARGET = Case._meta.label_lower
WARNING_TARGET = Warning._meta.label_lower
CHUNK = 500
# How long an audit id skipped by a read is looked for again: longer than any transaction
# runs (a morning sync of a city's warnings takes minutes).
GAP_SECONDS = 24 * 3600
# How far back from the log's end a rebuild looks for ids not yet seen.
GAP_LOOKBACK = 100
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
FUNNEL_STAGES = ("signed", "verified", "handled", "closed")
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
            received_on=row["received_at"].astimezone(SHANGHAI).date(),
            resolved_on=_local_day(row["resolved_at"]),
            wages_amount=row["wages_recovered"],
            workers_covered=row["workers_covered"],
            # A condition on a missing date is unknown (None): not met.
            **{name: bool(row[f"is_{name}"]) for name in CASE_FLAGS},
        )


def warning_facts(warnings: QuerySet[Warning]) -> Iterator[WarningFact]:
    flags = {f"is_{name}": _flag(figure.q(ALL_DAYS)) for name, figure in WARNING_FLAGS.items()}
    closing = WarningStep.objects.filter(warning=OuterRef("pk"), kind=WarningStep.Kind.CLOSURE)
    rows = warnings.annotate(
        **flags,
        is_defused=_flag(warning_figures.MAJOR_DEFUSED.q(ALL_DAYS)),
        closed_at=Subquery(closing.order_by("at").values("at")[:1]),
    ).values(
        "pk",
        "district_id",
        "enterprise_id",
        "first_seen_on",
        "peak_grade",
        "status",
        "resolved_on",
        "closed_at",
        "is_defused",
        *flags,
    )
    for row in rows.iterator(chunk_size=2000):
        # The risk ended when the signal went away, else when the loop was closed (once: a
        # closed warning takes no further step).
        ended_on = row["resolved_on"] or _local_day(row["closed_at"])
        yield WarningFact(
            warning_id=row["pk"],
            district_id=row["district_id"],
            enterprise_id=row["enterprise_id"],
            issued_on=row["first_seen_on"],
            peak_grade=row["peak_grade"],
            closed=row["status"] == WarningStatus.CLOSED,
            defused_on=ended_on if row["is_defused"] else None,
            **{name: bool(row[f"is_{name}"]) for name in WARNING_FLAGS},
        )


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _case_days(facts: Iterable[CaseFact]) -> set[dt.date]:
    return {day for fact in facts for day in (fact.received_on, fact.resolved_on) if day}


def facts_refresh(*, case_ids: Iterable[int] = (), warning_ids: Iterable[int] = ()) -> None:
    """Work out again the facts of these cases and warnings (a merged or deleted one loses
    its fact), and add up again the days they were and are on."""
    case_days: set[dt.date] = set()
    for chunk in _chunks(sorted(set(case_ids))):
        old = CaseFact.objects.filter(case_id__in=chunk)
        case_days |= _case_days(old)
        old.delete()
        case_days |= _case_days(
            CaseFact.objects.bulk_create(case_facts(Case.objects.filter(pk__in=chunk)))
        )
    warning_days: set[dt.date] = set()
    for chunk in _chunks(sorted(set(warning_ids))):
        old_warnings = WarningFact.objects.filter(warning_id__in=chunk)
        warning_days |= set(old_warnings.values_list("issued_on", flat=True))
        old_warnings.delete()
        made = WarningFact.objects.bulk_create(warning_facts(Warning.objects.filter(pk__in=chunk)))
        warning_days |= {fact.issued_on for fact in made}
    days_add_up(case_days=case_days, warning_days=warning_days)


def _day_chunks(days: set[dt.date] | None) -> Iterator[list[dt.date] | None]:
    if days is None:
        yield None
        return
    ordered = sorted(days)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def days_add_up(
    *, case_days: set[dt.date] | None = None, warning_days: set[dt.date] | None = None
) -> None:
    """The day rows of these days added up again from the facts (None: every day)."""
    for days in _day_chunks(case_days):
        _case_days_add_up(days)
    for days in _day_chunks(warning_days):
        _warning_days_add_up(days)


def _named(sums: dict[str, Any]) -> dict[str, Any]:
    """Aggregates named apart from the fields they count (a name may not be both)."""
    return {f"sum_{name}": aggregate for name, aggregate in sums.items()}


def _case_days_add_up(days: list[dt.date] | None) -> None:
    rows: dict[tuple[dt.date, int | None], dict[str, Any]] = defaultdict(dict)
    facts = CaseFact.objects.order_by()
    received = facts if days is None else facts.filter(received_on__in=days)
    for day, district_id, *counts in received.values_list("received_on", "district_id").annotate(
        received=Count("pk"), feedback_24h=Count("pk", filter=Q(feedback_in_24h=True))
    ):
        rows[(day, district_id)].update(zip(("received", "feedback_24h"), counts, strict=True))
    resolved = facts.exclude(resolved_on=None)
    if days is not None:
        resolved = resolved.filter(resolved_on__in=days)
    wages = Q(wages_recovered=True)
    sums = {
        "resolved": Count("pk"),
        "resolved_on_time": Count("pk", filter=Q(resolved_on_time=True)),
        "union_mediated": Count("pk", filter=Q(union_mediated=True)),
        "wages_recovered": Count("pk", filter=wages),
        "amount": Sum("wages_amount", filter=wages),
        "workers": Sum("workers_covered", filter=wages),
    }
    for day, district_id, *counts in resolved.values_list("resolved_on", "district_id").annotate(
        **_named(sums)
    ):
        rows[(day, district_id)].update(
            (name, count or 0) for name, count in zip(sums, counts, strict=True)
        )
    (CaseDay.objects.all() if days is None else CaseDay.objects.filter(day__in=days)).delete()
    CaseDay.objects.bulk_create(
        (
            CaseDay(day=day, district_id=district, **counts)
            for (day, district), counts in rows.items()
        ),
        batch_size=2000,
    )


def _warning_days_add_up(days: list[dt.date] | None) -> None:
    facts = WarningFact.objects.order_by()
    if days is not None:
        facts = facts.filter(issued_on__in=days)
    sums: dict[str, Count] = {
        "issued": Count("pk"),
        **{stage: Count("pk", filter=Q(**{stage: True})) for stage in FUNNEL_STAGES},
        **{f"issued_{grade}": Count("pk", filter=Q(peak_grade=grade)) for grade in Grade},
    }
    rows = facts.values_list("issued_on", "district_id").annotate(**_named(sums))
    (WarningDay.objects.all() if days is None else WarningDay.objects.filter(day__in=days)).delete()
    WarningDay.objects.bulk_create(
        (
            WarningDay(day=day, district_id=district, **dict(zip(sums, counts, strict=True)))
            for day, district, *counts in rows
        ),
        batch_size=2000,
    )


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
    days_add_up()
    cursor.save()
    return Rebuilt(cases=len(cases), warnings=len(warnings))


def _locked_cursor() -> FactsCursor:
    cursor = FactsCursor.objects.select_for_update().filter(pk=1).first()
    if cursor is None:
        cursor, _created = FactsCursor.objects.get_or_create(pk=1)
    return cursor


def _unread(cursor: FactsCursor) -> Q:
    unread = Q(pk__gt=cursor.read_up_to)
    if cursor.gaps:
        unread |= Q(pk__in=[int(key) for key in cursor.gaps])
    return unread


def facts_follow(*, now: dt.datetime | None = None) -> None:
    """Bring the facts up to the audit log: the cases and warnings named by audit rows not
    read yet, worked out again; a database never built is built whole."""
    cursor = FactsCursor.objects.filter(pk=1).first()
    # Most reads find nothing new: one query, no lock.
    if (
        cursor is not None
        and cursor.built_at is not None
        and not AuditEvent.objects.filter(_unread(cursor)).exists()
    ):
        return
    _follow(now=now or timezone.now())


@transaction.atomic
def _follow(*, now: dt.datetime) -> None:
    cursor = _locked_cursor()
    if cursor.built_at is None:
        facts_rebuild(now=now)
        return
    missed = {int(key): dt.datetime.fromisoformat(at) for key, at in cursor.gaps.items()}
    rows = list(
        AuditEvent.objects.filter(_unread(cursor))
        .order_by()
        .values_list("pk", "target_type", "target_id")
    )
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
