"""Duplicates and group cases (群体性): found at intake, and again when an employer is linked."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from laborwatch.cases.models import OPEN_STATUSES, Case, CaseGroup, Status
from laborwatch.core.audit import record_event

GROUP_WINDOW_DAYS = 30
GROUP_MIN_WORKERS = 3


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
    """Several workers against one employer within the window make a group case (群体性)."""
    since = case.received_at - dt.timedelta(days=GROUP_WINDOW_DAYS)
    recent = Case.objects.filter(employer=case.employer, received_at__gte=since).exclude(
        status=Status.MERGED
    )
    distinct_workers = recent.values("worker").distinct().count()
    if distinct_workers < GROUP_MIN_WORKERS and case.workers_involved < GROUP_MIN_WORKERS:
        return
    group = recent.exclude(group=None).values_list("group", flat=True).first()
    if group is None and case.employer is not None:
        new_group = CaseGroup.objects.create(
            number=uuid.uuid4().hex[:20], employer=case.employer, opened_at=case.received_at
        )
        new_group.number = f"QT{timezone.localtime(case.received_at):%Y%m%d}{new_group.pk:05d}"
        new_group.save(update_fields=["number"])
        group = new_group.pk
        record_event(
            actor=None,
            action="case_group.create",
            target=new_group,
            org_unit=case.district,
            actor_label="intake",
            after={
                "employer": case.employer.credit_code,
                "workers": distinct_workers,
            },
        )
    if group is None:
        return
    recent.filter(group=None).update(group=group)
    case.group_id = group
