"""Duplicates and group cases (群体性): found at intake, and again when an employer is linked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from laborwatch.cases.models import OPEN_STATUSES, Case, CaseGroup, Status
from laborwatch.cases.numbering import GROUP_PREFIX, next_number
from laborwatch.core.audit import record_event

GROUP_WINDOW_DAYS = 30
GROUP_MIN_WORKERS = 3


def demand_kind(category: str) -> str:
    """The first level of the category (WAGE of WAGE.ARREARS.MIGRANT): twelve workers owed
    wages and one without a contract are not one group case."""
    return category.split(".", 1)[0]


def open_duplicate_of(case: Case) -> Case | None:
    """The earliest other open case of the same worker against the same employer."""
    return (
        Case.objects.filter(
            worker_id=case.worker_id, employer_id=case.employer_id, status__in=OPEN_STATUSES
        )
        .exclude(pk=case.pk)
        .only("pk", "number")
        .order_by("received_at")
        .first()
    )


def attach_group(case: Case) -> None:
    """Several workers with one kind of demand (the category's first level: wages, contracts,
    injuries …) against one employer within the window make a group case (群体性)."""
    _join_group(case, _EmployerCases.read(case, with_duplicates=False))


def place_new_case(case: Case, *, worker_is_new: bool) -> None:
    """Intake, before the case is saved: its possible duplicate and its group case.

    One query reads what both need; a newly registered worker has no earlier case.
    """
    known = _EmployerCases.read(case, with_duplicates=not worker_is_new)
    case.possible_duplicate_of = known.duplicate
    _join_group(case, known)


@dataclass
class _EmployerCases:
    """The cases of the case's employer that grouping and duplicate checks look at."""

    # Not merged, received within the window and of the case's kind of demand (the case itself
    # once saved), newest first: grouping counts their workers and takes the group case of the
    # latest grouped one.
    in_window: list[Case]
    # The earliest other open case of the same worker (possible duplicate).
    duplicate: Case | None

    @classmethod
    def read(cls, case: Case, *, with_duplicates: bool) -> _EmployerCases:
        since = _window_start(case)
        wanted = Q(received_at__gte=since) & ~Q(status=Status.MERGED)
        if with_duplicates:
            wanted |= Q(worker_id=case.worker_id, status__in=OPEN_STATUSES)
        found = (
            Case.objects.filter(wanted, employer_id=case.employer_id)
            .select_related("group")
            .only("number", "worker", "status", "received_at", "category", "group__number")
            .order_by()
        )
        # An employer has few cases in a month: sorting them here is cheaper than having
        # the database sort them.
        rows = sorted(found, key=lambda row: (row.received_at, row.pk), reverse=True)
        kind = demand_kind(case.category)
        in_window = [
            row
            for row in rows
            if row.received_at >= since
            and row.status != Status.MERGED
            and demand_kind(row.category) == kind
        ]
        duplicates = [
            row
            for row in rows
            if with_duplicates
            and row.pk != case.pk
            and row.worker_id == case.worker_id
            and row.status in OPEN_STATUSES
        ]
        duplicate = min(duplicates, key=lambda row: row.received_at) if duplicates else None
        return cls(in_window, duplicate)


def _window_start(case: Case) -> dt.datetime:
    return case.received_at - dt.timedelta(days=GROUP_WINDOW_DAYS)


def _join_group(case: Case, known: _EmployerCases) -> None:
    """Put the case, and the window's ungrouped cases, into the employer's group case, opening
    one when several workers (or one case for several) reach the threshold; a case joins the
    group of a grouped case in its window."""
    workers = {row.worker_id for row in known.in_window}
    if case.pk is None:
        workers.add(case.worker_id)  # the new case counts as received now, within the window
    # The group of the latest grouped case, as a query ordered newest first would find it: a
    # worker calling while the group's window is open joins it.
    latest = next((row for row in known.in_window if row.group_id is not None), None)
    if (
        latest is None
        and len(workers) < GROUP_MIN_WORKERS
        and case.workers_involved < GROUP_MIN_WORKERS
    ):
        return
    group = latest.group if latest is not None else None
    if group is None and case.employer is not None:
        group = CaseGroup.objects.create(
            number=next_number(GROUP_PREFIX, case.received_at),
            employer=case.employer,
            opened_at=case.received_at,
        )
        record_event(
            actor=None,
            action="case_group.create",
            target=group,
            org_unit=case.district,
            actor_label="intake",
            after={"employer": case.employer.credit_code, "workers": len(workers)},
            at=group.opened_at,
        )
    if group is None:
        return
    ungrouped = [row.pk for row in known.in_window if row.group_id is None]
    if ungrouped:
        Case.objects.filter(pk__in=ungrouped, group=None).update(group=group)
    case.group = group
