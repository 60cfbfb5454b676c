"""The demo's work-order history: a synthetic city's complaints replayed through the services.

Every case is created and moved through its loop by the real services, each call given the
moment its step happens (`now=`), so timestamps, deadlines, breaches, audit events and SLA
lights are what real handling would have produced. The centre's staff handle the cases; the
district unions and departments sign for and answer what is referred to them. Most steps are
done well within their deadlines and a few late (demo.pace). Steps that would fall after the
demo's `now` are left undone: the demo finds the centre mid-work, with fresh and ageing cases
and a few overdue ones.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from rich.progress import Progress

from laborwatch.cases import services
from laborwatch.cases.models import Case, HandlingMethod, InboxItem, Milestone, Status
from laborwatch.cases.services.inbox import inbox_mark_read
from laborwatch.cases.sla import end_of_working_day
from laborwatch.core.models import OrgUnit, User
from laborwatch.core.roles import Role
from laborwatch.demo.city import history_complaints
from laborwatch.demo.pace import when_done
from laborwatch.demo.users import REFERRAL_DEPARTMENTS, unit_staff
from laborwatch.text.taxonomy import categories

# The hotline's mix: most callers ask for help, some only consult or complain.
REQUEST_TYPES = ["help", "consultation", "complaint", "suggestion"]
REQUEST_WEIGHTS = [70, 20, 8, 2]
METHOD_WEIGHTS = {
    HandlingMethod.MEDIATION: 60,
    HandlingMethod.JOINT: 25,
    HandlingMethod.LEGAL_AID: 10,
    HandlingMethod.GUIDANCE: 5,
}
# Closed after feedback: the worker settled with the employer, or the claim did not hold.
CLOSED_EARLY_SHARE = 0.08
# Mediation cases the centre refers to the union of the employer's district, which mediates.
DISTRICT_MEDIATION_SHARE = 0.4
# Guidance is a few days' work, whatever the resolution deadline.
GUIDANCE_DAYS = 3
SUPERIOR = "山东省总工会"
SUPERIOR_DAYS = 10


class MissingStaff(Exception):
    """The replay needs staff accounts the database does not have (message for users)."""


@dataclass
class Staff:
    """Who handles the replayed cases: centre staff, and the staff of each receiving unit."""

    centre: list[User]
    by_unit: dict[int, User]
    units: dict[str, OrgUnit]

    @classmethod
    def load(cls) -> Staff:
        centre = list(User.objects.filter(role=Role.CENTRE_STAFF, is_active=True).order_by("pk"))
        if not centre:
            raise MissingStaff(_("The demo history needs at least one centre staff account."))
        units = {unit.code: unit for unit in OrgUnit.objects.all()}
        return cls(centre, unit_staff(), units)


def replay_history(folder: Path, *, now: dt.datetime, seed: int = 1, progress: bool = True) -> int:
    """Replay the demo city's complaints of the past DEMO_HISTORY_MONTHS months (and this
    one) as work orders; returns the number of cases created."""
    complaints = history_complaints(folder, now=now, seed=seed)
    with Progress(disable=not progress) as bar:
        task = bar.add_task(_("Work-order history"), total=len(complaints))
        return replay(complaints, now=now, seed=seed, on_case=lambda: bar.advance(task))


def replay(
    complaints: Iterable[dict[str, Any]],
    *,
    now: dt.datetime,
    seed: int = 1,
    on_case: Callable[[], None] | None = None,
) -> int:
    """Create one case per complaint received before `now` and move it as far as its age
    allows; returns the number of cases created. Each row is a complaint of a synth city
    with the caller's name, phone and ID number (demo.city.history_complaints)."""
    staff = Staff.load()
    rng = random.Random(seed)
    known = categories()
    created = 0
    for row in sorted(complaints, key=lambda row: row["received_at"]):
        received = row["received_at"]
        if received >= now:
            break
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
            amount_claimed=Decimal(row.get("amount_claimed") or 0).quantize(Decimal("0.01")),
            workers_involved=int(row.get("workers_involved") or 1),
            received_at=received,
            assigned_by=SUPERIOR if row["channel"] == "superior_assignment" else "",
            superior_deadline=(
                received + dt.timedelta(days=SUPERIOR_DAYS)
                if row["channel"] == "superior_assignment"
                else None
            ),
            now=received,
        )
        if result.created:
            created += 1
            _Handling(result.case, staff, rng, now).run()
        if on_case is not None:
            on_case()
    return created


def work_case(case: Case, staff: Staff, rng: random.Random, now: dt.datetime) -> None:
    """Move one case through its loop, as the replay does, until a step would fall after
    `now` (the work orders the public-opinion list opens are handled alike)."""
    _Handling(case, staff, rng, now).run()


class _Handling:
    """One case's loop, step by step, until a step would fall after `now`."""

    def __init__(self, case: Case, staff: Staff, rng: random.Random, now: dt.datetime) -> None:
        self.case = case
        self.staff = staff
        self.rng = rng
        self.now = now
        self.handler = rng.choice(staff.centre)

    def run(self) -> None:
        case, rng = self.case, self.rng
        accepted = when_done(case.received_at, case.accept_due, rng)
        if accepted >= self.now:
            return
        case = services.case_assign(
            case=case, actor=self.handler, handler=self.handler, now=accepted
        )
        case = services.case_accept(case=case, actor=self.handler, now=accepted)
        contacted = accepted  # a walk-in, at the desk, is contacted once accepted
        if case.status == Status.ACCEPTED:
            contacted = when_done(
                accepted, case.contact_due, rng, without_due=dt.timedelta(hours=1)
            )
            if contacted >= self.now:
                return
            case = services.case_contact(
                case=case,
                actor=self.handler,
                worker_reached=True,
                employer_reached=case.employer_id is not None,
                note="电话联系职工，了解诉求；联系用人单位核实情况",
                now=contacted,
            )
        fed_back = when_done(contacted, case.feedback_due, rng, without_due=dt.timedelta(hours=4))
        if fed_back >= self.now:
            return
        case = services.case_give_feedback(
            case=case,
            actor=self.handler,
            note="已向职工反馈受理情况和下一步处置安排",
            now=fed_back,
        )
        if rng.random() < CLOSED_EARLY_SHARE:
            self._close(case, fed_back + dt.timedelta(hours=rng.uniform(2, 72)))
            return
        self._handle(case, fed_back + dt.timedelta(hours=rng.uniform(0.5, 8)))

    def _close(self, case: Case, closed: dt.datetime) -> None:
        if closed >= self.now:
            return
        services.case_close(
            case=case,
            actor=self.handler,
            reason_code=self.rng.choice(["unsubstantiated", "withdrawn"]),
            note="经核实，职工已与单位自行协商解决，撤回诉求",
            now=closed,
        )

    def _handle(self, case: Case, started: dt.datetime) -> None:
        rng = self.rng
        if started >= self.now:
            return
        method = rng.choices(list(METHOD_WEIGHTS), weights=list(METHOD_WEIGHTS.values()))[0]
        case = services.case_start_handling(
            case=case, actor=self.handler, method=method, now=started
        )
        resolve_by = timezone.localtime(case.resolve_due).date()
        milestones: list[Milestone] = []
        if method != HandlingMethod.GUIDANCE and resolve_by >= timezone.localtime(started).date():
            plan = services.plan_create(
                case=case,
                actor=self.handler,
                goal="按期追回拖欠工资，化解纠纷",
                deadline=resolve_by,
                now=started,
            )
            milestones = list(plan.milestones.order_by("order"))
        replies = [
            self._referral_answered(case, unit, started)
            for unit in self._referral_units(case, method)
        ]
        due = case.resolve_due
        if method == HandlingMethod.GUIDANCE:
            due = min(due, started + dt.timedelta(days=GUIDANCE_DAYS))
        resolved = max([when_done(started, due, rng), *(r + _hours(rng, 1, 24) for r in replies)])
        done = started
        for milestone in milestones:
            done = min(when_done(done, end_of_working_day(milestone.due_on), rng), resolved)
            if done >= self.now:
                return
            services.milestone_complete(milestone=milestone, actor=self.handler, now=done)
        if resolved >= self.now:
            return
        case = services.case_resolve(
            case=case,
            actor=self.handler,
            wages_recovered=(
                case.amount_claimed * Decimal(rng.choice(["1", "1", "0.8", "0.6"]))
            ).quantize(Decimal("0.01")),
            workers_covered=case.workers_involved,
            method=method,
            union_role=rng.choices(["led", "joined", "none"], weights=[70, 24, 6])[0],
            note="经调解，用人单位同意支付拖欠工资，职工已确认到账",
            now=resolved,
        )
        # The handler has read the units' replies by the time the case is resolved.
        notices = InboxItem.objects.filter(user=self.handler, case=case, read_at=None)
        inbox_mark_read(
            user=self.handler, item_ids=list(notices.values_list("pk", flat=True)), now=resolved
        )
        self._follow_up(case, resolved)

    def _referral_units(self, case: Case, method: str) -> list[OrgUnit]:
        units = self.staff.units
        if method == HandlingMethod.JOINT:
            codes = REFERRAL_DEPARTMENTS["joint"]
            return [units[self.rng.choices(codes, weights=[70, 30])[0]]]
        if method == HandlingMethod.LEGAL_AID:
            return [units[REFERRAL_DEPARTMENTS["legal_aid"][0]]]
        if (
            method == HandlingMethod.MEDIATION
            and case.district is not None
            and self.rng.random() < DISTRICT_MEDIATION_SHARE
        ):
            return [case.district]
        return []

    def _referral_answered(self, case: Case, unit: OrgUnit, sent: dt.datetime) -> dt.datetime:
        """Refer the case to `unit`, whose staff sign for it and reply; returns the reply time
        (which may lie after `now`, when the referral is left signed for or unsigned)."""
        referral = services.referral_create(
            case=case,
            actor=self.handler,
            to_unit=unit,
            request=(
                "请属地工会组织调解，督促用人单位支付拖欠工资"
                if unit.kind == OrgUnit.Kind.DISTRICT
                else "请协助核查用人单位欠薪情况并督促清偿"
            ),
            now=sent,
        )
        receiver = self.staff.by_unit.get(unit.pk)
        signed = when_done(sent, referral.acknowledge_due, self.rng)
        replied = when_done(signed, referral.reply_due, self.rng)
        if receiver is None:
            # Nobody acts for the unit (a city without its account): the referral stays
            # unanswered, so the case stays in handling.
            return self.now
        if signed >= self.now:
            return replied
        referral = services.referral_acknowledge(referral=referral, actor=receiver, now=signed)
        if replied < self.now:
            services.referral_reply(
                referral=referral, actor=receiver, reply=_reply(unit), now=replied
            )
        return replied

    def _follow_up(self, case: Case, resolved: dt.datetime) -> None:
        called = resolved + _hours(self.rng, 24, 72)
        if called >= self.now:
            return
        case = services.case_call_back(
            case=case,
            actor=self.handler,
            satisfaction=self.rng.choices([5, 4, 3, 2], [70, 20, 7, 3])[0],
            note="回访职工，对处理结果表示满意",
            now=called,
        )
        archived = called + dt.timedelta(days=30)
        if archived < self.now:
            services.case_archive(case=case, actor=self.handler, now=archived)


def _reply(unit: OrgUnit) -> str:
    if unit.kind == OrgUnit.Kind.DISTRICT:
        return "已组织劳动争议调解，用人单位同意分期支付拖欠工资"
    return "已约谈用人单位，责令限期支付拖欠工资"


def _hours(rng: random.Random, low: float, high: float) -> dt.timedelta:
    return dt.timedelta(hours=rng.uniform(low, high))
