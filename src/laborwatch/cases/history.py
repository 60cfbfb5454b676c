"""A realistic work-order history for the demo, made by replaying a synthetic city's complaints.

Every case is created and moved through its loop by the real services, with the clock set to
the moment each step happens (time-machine), so timestamps, deadlines, breaches, audit events
and SLA lights are exactly what real handling would have produced. Times are shifted so that
the newest complaint arrives shortly before now: the demo always shows a working centre with
fresh, ageing and overdue cases.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import time_machine
from django.utils import timezone

from laborwatch.cases import services
from laborwatch.cases.models import Case, HandlingMethod, Milestone
from laborwatch.core.models import OrgUnit, User
from laborwatch.core.roles import Role
from laborwatch.text.taxonomy import categories

# The hotline's mix: most callers ask for help, some only consult or complain.
REQUEST_TYPES = ["help", "consultation", "complaint", "suggestion"]
REQUEST_WEIGHTS = [70, 20, 8, 2]
REFERRAL_UNITS = {"joint": ["hrss-inspection", "housing"], "legal_aid": ["legal-aid"]}


@dataclass
class Staff:
    centre: list[User]
    by_district: dict[int, list[User]]
    units: dict[str, OrgUnit]

    def handler_for(self, case: Case, rng: random.Random) -> User:
        local = self.by_district.get(case.district_id or 0, [])
        if local and rng.random() < 0.5:
            return rng.choice(local)
        return rng.choice(self.centre)


def _staff() -> Staff:
    centre = list(User.objects.filter(role__in=[Role.CENTRE_STAFF, Role.ADMIN], is_active=True))
    by_district: dict[int, list[User]] = {}
    for user in User.objects.filter(role=Role.DISTRICT_STAFF, is_active=True):
        by_district.setdefault(user.org_unit_id or 0, []).append(user)
    units = {unit.code: unit for unit in OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT)}
    return Staff(centre, by_district, units)


def replay(
    complaints: Iterable[dict[str, Any]],
    *,
    seed: int = 1,
    now: dt.datetime | None = None,
    on_case: Callable[[], None] | None = None,
) -> int:
    """Create and advance one case per complaint row; returns the number of cases created."""
    rows = sorted(complaints, key=lambda row: row["received_at"])
    if not rows:
        return 0
    now = now or timezone.now()
    shift = now - dt.timedelta(hours=2) - _aware(rows[-1]["received_at"])
    staff = _staff()
    if not staff.centre:
        raise ValueError("the demo history needs at least one centre staff account")
    rng = random.Random(seed)
    known = categories()
    created = 0
    for row in rows:
        received = _aware(row["received_at"]) + shift
        with time_machine.travel(received, tick=False):
            result = services.case_intake(
                actor=None,
                channel=row["channel"],
                caller_name=row["worker_name"],
                caller_phone=row["worker_phone"],
                caller_id_number=row.get("worker_id_number") or "",
                description=row["description"],
                # The text engine classifies the description, as it does for a real push.
                category=row["category"] if row["category"] in known else "",
                request_type=rng.choices(REQUEST_TYPES, weights=REQUEST_WEIGHTS)[0],
                employer_credit_code=row.get("credit_code") or "",
                employer_name=row.get("employer_name_as_told") or "",
                amount_claimed=Decimal(str(row.get("amount_claimed") or 0)).quantize(
                    Decimal("0.01")
                ),
                workers_involved=int(row.get("workers_involved") or 1),
                received_at=received,
                assigned_by="山东省总工会" if row["channel"] == "superior_assignment" else "",
                superior_deadline=(
                    received + dt.timedelta(days=10)
                    if row["channel"] == "superior_assignment"
                    else None
                ),
            )
        created += int(result.created)
        _advance(result.case, staff, rng, now)
        if on_case is not None:
            on_case()
    return created


def _aware(value: Any) -> dt.datetime:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _advance(case: Case, staff: Staff, rng: random.Random, now: dt.datetime) -> None:
    """Move the case as far as its age allows, with realistic, occasionally late, delays."""
    clock = case.received_at
    handler = staff.handler_for(case, rng)
    # Closing, the call-back and archiving are the centre's (cases/transitions.py).
    centre = rng.choice(staff.centre)

    def step(minutes: float) -> bool:
        nonlocal clock
        clock = clock + dt.timedelta(minutes=minutes)
        return clock < now

    if not step(rng.choice([8, 15, 25, 40, 55, 75])):
        return
    with time_machine.travel(clock, tick=False):
        case = services.case_assign(case=case, actor=handler, handler=handler)
        case = services.case_accept(case=case, actor=handler)
    if not step(rng.uniform(5, 70)):
        return
    with time_machine.travel(clock, tick=False):
        case = services.case_contact(
            case=case,
            actor=handler,
            worker_reached=True,
            employer_reached=case.employer_id is not None,
            note="电话联系职工，了解诉求；联系用人单位核实情况",
        )
    if not step(rng.choice([60, 180, 480, 900, 1300, 1600])):
        return
    with time_machine.travel(clock, tick=False):
        case = services.case_give_feedback(
            case=case, actor=handler, note="已向职工反馈受理情况和下一步处置安排"
        )
    if rng.random() < 0.08:
        if step(rng.uniform(60, 2000)):
            with time_machine.travel(clock, tick=False):
                services.case_close(
                    case=case,
                    actor=centre,
                    reason_code=rng.choice(["unsubstantiated", "withdrawn"]),
                    note="经核实，职工已与单位自行协商解决，撤回诉求",
                )
        return
    method = rng.choices(list(HandlingMethod.values), weights=[60, 25, 10, 5])[0]
    if not step(rng.uniform(30, 600)):
        return
    with time_machine.travel(clock, tick=False):
        case = services.case_start_handling(case=case, actor=handler, method=method)
        resolve_by = timezone.localtime(case.resolve_due).date()
        if method != HandlingMethod.GUIDANCE and resolve_by > timezone.localdate():
            services.plan_create(
                case=case, actor=handler, goal="按期追回拖欠工资，化解纠纷", deadline=resolve_by
            )
        referrals = [
            services.referral_create(
                case=case,
                actor=handler,
                to_unit=staff.units[code],
                request="请协助核查用人单位欠薪情况并督促清偿",
            )
            for code in REFERRAL_UNITS.get(method, [])[:1]
        ]
    for referral in referrals:
        liaisons = list(referral.to_unit.users.filter(is_active=True))
        if not liaisons:
            return  # nobody of that unit signs in to the demo: unanswered, it stays in handling
        if not step(rng.uniform(30, 1800)):
            return
        with time_machine.travel(clock, tick=False):
            referral = services.referral_acknowledge(referral=referral, actor=liaisons[0])
        if not step(rng.uniform(1, 4) * 24 * 60):
            return
        with time_machine.travel(clock, tick=False):
            services.referral_reply(
                referral=referral, actor=liaisons[0], reply="已约谈用人单位，责令限期支付拖欠工资"
            )
    if not step(rng.uniform(2, 22) * 24 * 60):
        return
    with time_machine.travel(clock, tick=False):
        for milestone in Milestone.objects.filter(plan__case=case, done_at=None):
            services.milestone_complete(milestone=milestone, actor=handler)
        case = services.case_resolve(
            case=case,
            actor=handler,
            wages_recovered=(
                case.amount_claimed * Decimal(rng.choice(["1", "1", "0.8", "0.6"]))
            ).quantize(Decimal("0.01")),
            workers_covered=case.workers_involved,
            method=method,
            union_role=rng.choices(["led", "joined", "none"], weights=[70, 24, 6])[0],
            note="经调解，用人单位同意支付拖欠工资，职工已确认到账",
        )
    if not step(rng.uniform(1, 3) * 24 * 60):
        return
    with time_machine.travel(clock, tick=False):
        case = services.case_call_back(
            case=case,
            actor=centre,
            satisfaction=rng.choices([5, 4, 3, 2], [70, 20, 7, 3])[0],
            note="回访职工，对处理结果表示满意",
        )
    if step(30 * 24 * 60):
        with time_machine.travel(clock, tick=False):
            services.case_archive(case=case, actor=centre)
