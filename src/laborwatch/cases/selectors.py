"""Reads of work orders: filtered lists, the inbox, the wage-arrears ledgers and their totals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from laborwatch.cases.access import cases_visible_to
from laborwatch.cases.figures import CASE_FIGURES, Reported, counted_once, figure_rows
from laborwatch.cases.models import Case, InboxItem, Instruction, Milestone, Referral
from laborwatch.cases.statuses import FINISHED_STATUSES, OPEN_STATUSES
from laborwatch.core.models import User
from laborwatch.core.roles import Role
from laborwatch.enterprises.selectors import enterprises_matching
from laborwatch.lib.filters import lookups, status_q, within_q
from laborwatch.lib.instructions import supervising
from laborwatch.lib.periods import Period
from laborwatch.text.taxonomy import WAGE_ARREARS
from laborwatch.workers.models import Worker


@dataclass(frozen=True)
class CaseFilters:
    status: str = ""
    channel: str = ""
    category: str = ""
    district_code: str = ""
    light: str = ""  # green / yellow / red
    supervised: str = ""  # open / overdue: under a leader's open instruction (督办)
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    query: str = ""
    worker_key: str = ""  # the keyed digest of the worker's ID number or phone
    # A dashboard figure (cases/figures.py) and its period: the cases the figure counts.
    figure: str = ""
    period: Period | None = None


def light_q(light: str, now: dt.datetime) -> Q:
    if light == "red":
        return Q(next_due_at__lt=now)
    if light == "yellow":
        return Q(next_due_at__gte=now, next_yellow_at__lte=now)
    if light == "green":
        return Q(next_due_at__gte=now, next_yellow_at__gt=now)
    return Q()


def case_list(*, user: User, filters: CaseFilters) -> QuerySet[Case]:
    rows = cases_visible_to(user).select_related("worker", "employer", "district", "handler")
    if filters.figure in CASE_FIGURES and filters.period is not None:
        rows = figure_rows(rows, CASE_FIGURES[filters.figure], filters.period)
    rows = rows.filter(
        status_q(filters.status, OPEN_STATUSES),
        within_q(filters.category),
        light_q(filters.light, timezone.now()),
        **lookups(
            filters,
            channel="channel",
            district_code="district__code",
            received_from="received_at__date__gte",
            received_to="received_at__date__lte",
        ),
    )
    if filters.supervised:
        rows = rows.filter(pk__in=supervised_case_ids(filters.supervised, timezone.now()))
    if filters.worker_key:
        key = filters.worker_key
        rows = rows.filter(Q(worker__id_number_digest=key) | Q(worker__phone_digest=key))
    query = filters.query.strip()
    if query:
        # A number is found from any part of it that says something (GD2026…, its last digits).
        number = (
            Q(number__icontains=query)
            if len(query) >= 4 and query.isascii() and query.isalnum()
            else Q(number=query)
        )
        # The employer by any of its names or its code, looked up in the registry's own index
        # (a join to the registry would read all of it for every search); the caller by name.
        rows = rows.filter(
            number
            | Q(employer__in=enterprises_matching(query))
            | Q(employer_name_as_told__contains=query)
            | Q(worker__in=Worker.objects.filter(name=query))
        )
    return rows.order_by("-received_at", "-pk")


def supervised_case_ids(which: str, now: dt.datetime) -> QuerySet[Instruction, Any]:
    """The cases under a leader's open instruction (督办), as a subquery of their ids; with
    "overdue", those whose instruction was not reported on by its deadline."""
    return supervising(Instruction.objects.all(), which, now).values("case_id")


@dataclass
class Inbox:
    cases: QuerySet[Case]
    items: QuerySet[InboxItem]
    milestones: QuerySet[Milestone]
    referrals: QuerySet[Referral]
    instructions: QuerySet[Instruction]


def inbox(*, user: User) -> Inbox:
    """What needs this user's hand, most urgent first (nearest deadline)."""
    today = timezone.localdate()
    mine = Q(handler=user)
    if user.role in (Role.CENTRE_STAFF, Role.ADMIN):
        mine |= Q(handler=None)
    cases = (
        cases_visible_to(user)
        .filter(mine, status__in=OPEN_STATUSES)
        .select_related("worker", "employer", "district")
        .order_by("next_due_at", "pk")
    )
    referrals = Referral.objects.none()
    if user.org_unit_id is not None:
        referrals = (
            Referral.objects.filter(to_unit_id=user.org_unit_id)
            .exclude(state=Referral.State.REPLIED)
            .select_related("case")
            .order_by("acknowledge_due")
        )
    return Inbox(
        cases=cases,
        items=InboxItem.objects.filter(user=user, read_at=None)
        .select_related("case")
        .order_by("-created_at", "-pk"),
        # Milestones of a case that is no longer open are moot, done or not.
        milestones=Milestone.objects.filter(
            owner=user, done_at=None, due_on__lte=today, plan__case__status__in=OPEN_STATUSES
        )
        .select_related("plan__case")
        .order_by("due_on"),
        referrals=referrals,
        instructions=open_instructions(user=user),
    )


def open_instructions(*, user: User) -> QuerySet[Instruction]:
    """Leaders' instructions still open that are the user's, nearest deadline first: a
    leader's own (to close once reported on); a handler's, on a case they handle or were
    sent the instruction of, to sign for and report on."""
    rows = (
        Instruction.objects.exclude(state=Instruction.State.CLOSED)
        .select_related("case", "leader")
        .order_by("deadline", "pk")
    )
    if user.role == Role.LEADER:
        return rows.filter(leader=user)
    told = InboxItem.objects.filter(user=user, kind=InboxItem.Kind.INSTRUCTION).values("case_id")
    return rows.filter(Q(case__handler=user) | Q(case_id__in=told), case__in=cases_visible_to(user))


def wage_arrears_ledger(
    *, user: User, closed: bool, filters: CaseFilters | None = None
) -> QuerySet[Case]:
    """欠薪线索台账 (open) or 已办结欠薪线索台账 (closed), oldest first like a paper ledger."""
    rows = case_list(user=user, filters=filters or CaseFilters())
    rows = rows.filter(Q(category=WAGE_ARREARS) | Q(category__startswith=WAGE_ARREARS + "."))
    statuses = FINISHED_STATUSES if closed else OPEN_STATUSES
    return rows.filter(status__in=statuses).order_by("received_at", "pk")


@dataclass(frozen=True)
class LedgerTotals:
    cases: int
    workers: int
    amount_claimed: Decimal
    wages_recovered: Decimal


def ledger_totals(rows: QuerySet[Case]) -> LedgerTotals:
    """The ledger's totals, a group case counted once (see cases/figures.py)."""
    values = rows.order_by().values_list(
        "group_id", "workers_involved", "amount_claimed", "wages_recovered"
    )
    reports = [
        Reported(group, workers, amount or Decimal("0"), recovered or Decimal("0"))
        for group, workers, amount, recovered in values.iterator()
    ]
    counted = counted_once(reports)
    return LedgerTotals(
        cases=len(reports),
        workers=counted.workers,
        amount_claimed=counted.amount,
        wages_recovered=counted.recovered,
    )
