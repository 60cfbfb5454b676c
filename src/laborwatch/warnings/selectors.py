"""Reads of warnings: the filtered board, one warning's page, an enterprise's risk profile."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Case, Exists, IntegerField, OuterRef, QuerySet, Value, When
from django.utils import timezone

from laborwatch.core.models import User
from laborwatch.core.roles import Role
from laborwatch.enterprises.models import Enterprise
from laborwatch.enterprises.selectors import enterprises_matching
from laborwatch.lib.filters import lookups
from laborwatch.lib.instructions import supervising
from laborwatch.lib.periods import Period
from laborwatch.warnings.access import warnings_visible_to
from laborwatch.warnings.figures import WARNING_FIGURES, figure_rows
from laborwatch.warnings.models import (
    ACTIVE_STATUSES,
    GRADE_LEVEL,
    Warning,
    WarningInstruction,
    WarningRouting,
)


@dataclass(frozen=True)
class WarningFilters:
    grade: str = ""
    district_code: str = ""
    industry: str = ""
    risk_type: str = ""
    status: str = ""  # a status, "active" (the default board) or "all"
    overdue: bool = False  # a routing not signed for by its deadline
    supervised: str = ""  # open / overdue: under a leader's open instruction (督办)
    query: str = ""
    # A dashboard figure (warnings/figures.py) and its period: the warnings the figure counts,
    # whatever their status unless one is asked for; `peak_grade` the highest grade reached.
    figure: str = ""
    period: Period | None = None
    peak_grade: str = ""


def warning_board(*, user: User, filters: WarningFilters) -> QuerySet[Warning]:
    # The enterprises of the page only, fetched after it is cut: joined before the sort, the
    # whole board's enterprises would be read from the registry (at city scale, all of it).
    rows = warnings_visible_to(user).select_related("district").prefetch_related("enterprise")
    status = filters.status or "active"
    if filters.figure in WARNING_FIGURES and filters.period is not None:
        rows = figure_rows(rows, WARNING_FIGURES[filters.figure], filters.period)
        status = filters.status or "all"
    if filters.peak_grade:
        rows = rows.filter(peak_grade=filters.peak_grade)
    if status == "active":
        # An inhibited warning is worked through the higher one that stands for it.
        rows = rows.filter(status__in=ACTIVE_STATUSES, inhibited_by=None)
    elif status != "all":
        rows = rows.filter(status=status)
    rows = rows.filter(
        **lookups(
            filters,
            grade="grade",
            district_code="district__code",
            industry="enterprise__industry",
            risk_type="risk_type",
        )
    )
    now = timezone.now()
    if filters.overdue:
        late = WarningRouting.objects.filter(acknowledged_at=None, acknowledge_due__lt=now)
        rows = rows.filter(pk__in=late.values("warning_id"))
    if filters.supervised:
        instructions = supervising(WarningInstruction.objects.all(), filters.supervised, now)
        rows = rows.filter(pk__in=instructions.values("warning_id"))
    query = filters.query.strip()
    if query:
        # Any of the enterprise's names or its code, through the registry's own index.
        rows = rows.filter(enterprise__in=enterprises_matching(query))
    # Red first, then the highest score, the newest signal; the supervised marked.
    open_instruction = supervising(WarningInstruction.objects.all(), "open", now)
    supervised = Exists(open_instruction.filter(warning_id=OuterRef("pk")))
    return rows.annotate(grade_rank=grade_rank(), supervised=supervised).order_by(
        "-grade_rank", "-score", "-last_seen_on", "-pk"
    )


def grade_rank() -> Case:
    return Case(
        *(When(grade=grade, then=Value(level)) for grade, level in GRADE_LEVEL.items()),
        default=Value(0),
        output_field=IntegerField(),
    )


def indicator_history(enterprise: Enterprise) -> list[dict[str, Any]]:
    """The enterprise's indicator values at the last stored score day of each month."""
    from laborwatch.risk.pipeline import indicator_history as read_history

    table = read_history(settings.DATA_DIR, enterprise.credit_code)
    if table.num_rows == 0:
        return []
    by_month: dict[str, dict[str, Any]] = {}
    for row in table.to_pylist():
        day: dt.date = row["as_of"]
        by_month[day.strftime("%Y-%m")] = row  # rows are oldest first: the last day wins
    return [by_month[month] for month in sorted(by_month, reverse=True)]


def routings_to_sign(*, user: User) -> QuerySet[WarningRouting]:
    """Warnings sent to the user's own unit that nobody there has signed for yet, the
    nearest sign-for deadline first (the inbox; the sweep escalates the overdue ones).
    Only for a user who may sign for them: read-only roles get none."""
    if user.org_unit_id is None or not user.can_write:
        return WarningRouting.objects.none()
    return (
        WarningRouting.objects.awaiting_signature()
        .filter(org_unit_id=user.org_unit_id)
        .select_related("warning__enterprise")
        .order_by("acknowledge_due", "pk")
    )


def open_warning_instructions(*, user: User) -> QuerySet[WarningInstruction]:
    """Leaders' instructions on warnings still open that are the user's, nearest deadline
    first: a leader's own (to close once reported on); for the staff of a unit a warning is
    routed to, those on its warnings (to sign for and report on)."""
    rows = (
        WarningInstruction.objects.exclude(state=WarningInstruction.State.CLOSED)
        .select_related("warning__enterprise", "leader")
        .order_by("deadline", "pk")
    )
    if user.role == Role.LEADER:
        return rows.filter(leader=user)
    if user.org_unit_id is None or not user.can_write:
        return rows.none()
    routed = WarningRouting.objects.filter(org_unit_id=user.org_unit_id).values("warning_id")
    return rows.filter(warning_id__in=routed, warning__in=warnings_visible_to(user))


def overdue_warning_count(*, user: User) -> int:
    """Warnings the user may see with a receiver past its sign-for deadline (the board's
    overdue filter), for the centre and the leaders who follow the escalations up."""
    return warning_board(user=user, filters=WarningFilters(overdue=True)).count()
