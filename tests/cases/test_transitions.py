"""The work order's transition table: every action by every persona through the services (a
refusal changes nothing), the district's powers rule by rule, the version checked inside the
lock for every action, the walk-in clock, and the page offering exactly what `Case.can` says."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from laborwatch.cases import transitions
from laborwatch.cases.forms_actions import ACTION_FORMS
from laborwatch.cases.models import Case
from laborwatch.cases.services import (
    StaleCase,
    case_accept,
    case_add_note,
    case_archive,
    case_assign,
    case_call_back,
    case_close,
    case_contact,
    case_give_feedback,
    case_link_employer,
    case_merge,
    case_recategorise,
    case_reopen,
    case_resolve,
    case_start_handling,
    plan_create,
    referral_acknowledge,
    referral_create,
    referral_reply,
)
from laborwatch.cases.views.detail import sla_rows
from laborwatch.core.models import AuditEvent, User
from tests.cases.views_support import T0, fresh, make_case, snapshot

pytestmark = pytest.mark.django_db

PERSONAS = ["centre_staff", "owner", "outsider", "liaison", "leader", "auditor", "admin_user"]
HANDLERS = {"centre_staff", "owner", "admin_user"}
CENTRE = {"centre_staff", "admin_user"}
CENTRE_ONLY = {"close", "call_back", "archive", "reopen"}

Perform = Callable[[Case, User, dict[str, Any]], object]


def resolve(case: Case, actor: User, **extra: Any) -> Case:
    return case_resolve(
        case=case, actor=actor, wages_recovered=Decimal("100"), workers_covered=1,
        method="mediation", union_role="led", note="已办结", **extra,
    )  # fmt: skip


# Each action as a service call, and the status it needs (reached by the centre).
CALLS: dict[str, tuple[str, Perform]] = {
    "accept": ("received", lambda c, u, x: case_accept(case=c, actor=u, **x)),
    "contact": ("accepted", lambda c, u, x: case_contact(
        case=c, actor=u, worker_reached=True, employer_reached=False, **x)),
    "feedback": ("contacted", lambda c, u, x: case_give_feedback(
        case=c, actor=u, note="已反馈", **x)),
    "handle": ("feedback_given", lambda c, u, x: case_start_handling(
        case=c, actor=u, method="mediation", **x)),
    "resolve": ("in_handling", lambda c, u, x: resolve(c, u, **x)),
    "close": ("received", lambda c, u, x: case_close(
        case=c, actor=u, reason_code="withdrawn", note="撤回", **x)),
    "call_back": ("resolved", lambda c, u, x: case_call_back(case=c, actor=u, satisfaction=5, **x)),
    "archive": ("called_back", lambda c, u, x: case_archive(case=c, actor=u, **x)),
    "reopen": ("resolved", lambda c, u, x: case_reopen(case=c, actor=u, reason="未履行", **x)),
    "assign": ("received", lambda c, u, x: case_assign(
        case=c, actor=u, handler=User.objects.get(username="colleague"), **x)),
    "note": ("received", lambda c, u, x: case_add_note(case=c, actor=u, note="补充材料", **x)),
    "recategorise": ("received", lambda c, u, x: case_recategorise(
        case=c, actor=u, category="WAGE.ARREARS", **x)),
    "link_employer": ("received", lambda c, u, x: case_link_employer(
        case=c, actor=u, enterprise=c.worker.employer or _registry_employer(), **x)),
    "merge": ("received", lambda c, u, x: case_merge(
        source=c, target=Case.objects.exclude(pk=c.pk).earliest("pk"), actor=u, reason="重复",
        **x)),
    "plan": ("in_handling", lambda c, u, x: plan_create(
        case=c, actor=u, goal="追回工资", deadline=dt.date(2025, 3, 21), **x)),
    "refer": ("received", lambda c, u, x: referral_create(
        case=c, actor=u, to_unit=_unit("legal-aid"), request="请协助", **x)),
}  # fmt: skip

CHAIN: list[Callable[[Case, User], Case]] = [
    lambda c, u: case_accept(case=c, actor=u),
    lambda c, u: case_contact(case=c, actor=u, worker_reached=True, employer_reached=False),
    lambda c, u: case_give_feedback(case=c, actor=u, note="已反馈"),
    lambda c, u: case_start_handling(case=c, actor=u, method="mediation"),
    lambda c, u: resolve(c, u),
    lambda c, u: case_call_back(case=c, actor=u, satisfaction=5),
]


def _unit(code: str):
    from laborwatch.core.models import OrgUnit

    return OrgUnit.objects.get(code=code)


def _registry_employer():
    from laborwatch.enterprises.models import Enterprise

    return Enterprise.objects.get(name="青岛海岸电子有限公司")


@pytest.fixture
def setup_actor(make_user) -> User:
    return make_user("setup", "centre_staff")


@pytest.fixture
def desk(make_user) -> User:
    """The 市南区 staff member the prepared open cases are handed to."""
    return make_user("desk", "district_staff", "shinan")


def prepare(action: str, registry, org_units, actor: User, desk: User | None = None) -> Case:
    """A 市南区 case in the status the action needs, moved there by the centre and, while open,
    handed to `desk` (a district handles only what no centre staff handle)."""
    status = CALLS[action][0]
    employer = registry.shinan_enterprise
    if action == "link_employer":
        return make_case(None, employer_name="某公司", district=org_units["shinan"])
    if action == "merge":
        make_case(employer)
    case = make_case(employer, description="再次反映" if action == "merge" else "公司拖欠工资。")
    for step in CHAIN:
        if case.status == status:
            break
        case = step(case, actor)
    assert case.status == status
    if desk is not None and case.is_open:
        case = case_assign(case=case, actor=actor, handler=desk)
    return fresh(case)


def test_the_forms_are_actions_of_the_table() -> None:
    assert set(ACTION_FORMS) <= set(transitions.TRANSITIONS)
    assert list(ACTION_FORMS) == [a for a in transitions.TRANSITIONS if a in ACTION_FORMS]


@pytest.mark.parametrize("action", list(CALLS))
@pytest.mark.parametrize("persona", PERSONAS)
@time_machine.travel(T0, tick=False)
def test_every_service_by_every_persona(
    request, registry, org_units, setup_actor, desk, colleague, persona, action
):
    case = prepare(action, registry, org_units, setup_actor, desk)
    actor = request.getfixturevalue(persona)
    allowed = CENTRE if action in CENTRE_ONLY else HANDLERS
    assert case.can(action, actor) is (persona in allowed)
    before = snapshot(case)
    perform = CALLS[action][1]
    if persona in allowed:
        perform(case, actor, {"expected_version": case.version})
        assert snapshot(case) != before
        assert AuditEvent.objects.filter(actor=actor).exists()
    else:
        with pytest.raises(PermissionDenied):
            perform(case, actor, {"expected_version": case.version})
        assert snapshot(case) == before


@pytest.mark.parametrize("action", list(CALLS))
@time_machine.travel(T0, tick=False)
def test_a_stale_version_is_refused_inside_the_lock(
    registry, org_units, setup_actor, colleague, action
):
    case = prepare(action, registry, org_units, setup_actor)
    shown = case.version
    Case.objects.filter(pk=case.pk).update(version=shown + 1)  # someone else's change
    before = snapshot(case)
    with pytest.raises(StaleCase):
        CALLS[action][1](case, setup_actor, {"expected_version": shown})
    assert snapshot(case) == before


# --- the district's powers -----------------------------------------------------------------


@time_machine.travel(T0, tick=False)
def test_a_district_does_not_act_on_a_case_the_centre_handles(
    registry, owner, colleague, centre_staff
):
    case = case_accept(case=make_case(registry.shinan_enterprise), actor=centre_staff)
    case = case_contact(case=case, actor=centre_staff, worker_reached=True, employer_reached=False)
    case = case_give_feedback(case=case, actor=centre_staff, note="已反馈")
    case = case_start_handling(case=case, actor=centre_staff, method="mediation")
    assert case.actions_for(owner) == []
    before = snapshot(case)
    for perform in (
        lambda: case_assign(case=case, actor=owner, handler=colleague),
        lambda: case_start_handling(case=case, actor=owner, method="legal_aid"),
        lambda: case_recategorise(case=case, actor=owner, category="WAGE.ARREARS"),
        lambda: resolve(case, owner),
    ):
        with pytest.raises(PermissionDenied):
            perform()
    assert snapshot(case) == before
    # Its own case it hands to its own staff, never to the centre.
    mine = case_accept(case=make_case(registry.shinan_enterprise, caller_phone="13912340099"),
                       actor=owner)  # fmt: skip
    assert case_assign(case=mine, actor=owner, handler=colleague).handler == colleague
    before = snapshot(mine)
    with pytest.raises(ValidationError) as error:
        case_assign(case=fresh(mine), actor=colleague, handler=centre_staff)
    assert error.value.message_dict == {"handler": ["此人不能办理该工单。"]}
    assert snapshot(mine) == before


@time_machine.travel(T0, tick=False)
def test_a_district_neither_closes_nor_calls_back_on_its_own_resolution(
    registry, owner, centre_staff
):
    case = make_case(registry.shinan_enterprise)
    with pytest.raises(PermissionDenied):
        case_close(case=case, actor=owner, reason_code="withdrawn", note="撤回")
    for step in CHAIN[:5]:
        case = step(case, owner)
    assert (case.status, case.handler) == ("resolved", owner)
    before = snapshot(case)
    with pytest.raises(PermissionDenied):
        case_call_back(case=case, actor=owner, satisfaction=5)
    assert snapshot(case) == before
    assert case_call_back(case=case, actor=centre_staff, satisfaction=5).status == "called_back"


@time_machine.travel(T0, tick=False)
def test_no_resolution_while_a_referral_is_only_signed_for(registry, org_units, owner, liaison):
    case = make_case(registry.shinan_enterprise)
    for step in CHAIN[:4]:
        case = step(case, owner)
    referral = referral_create(
        case=case, actor=owner, to_unit=org_units["hrss-inspection"], request="请协助核查"
    )
    referral = referral_acknowledge(referral=referral, actor=liaison)
    case = fresh(case)
    assert not case.can("resolve", owner)
    before = snapshot(case)
    with pytest.raises(ValidationError) as error:
        resolve(case, owner)
    assert error.value.messages == ["人社局劳动保障监察尚未回复转办，请在其回复后办结工单。"]
    assert snapshot(case) == before
    referral_reply(referral=referral, actor=liaison, reply="已责令企业支付")
    assert resolve(fresh(case), owner).status == "resolved"


@time_machine.travel(T0, tick=False)
def test_the_centre_that_resolves_a_district_case_becomes_the_handler(registry, owner, setup_actor):
    case = make_case(registry.shinan_enterprise)
    for step in CHAIN[:4]:
        case = step(case, owner)
    assert case.handler == owner
    resolved = resolve(case, setup_actor)
    assert (resolved.handler, fresh(resolved).handler) == (setup_actor, setup_actor)
    event = AuditEvent.objects.get(action="case.resolve")
    assert (event.actor, event.after["handler"], event.after["previous_handler"]) == (
        setup_actor,
        "setup",
        "owner",
    )


# --- the walk-in clock and the merge's audit row -------------------------------------------


@time_machine.travel(T0, tick=False)
def test_a_walk_in_runs_no_first_contact_clock(registry, owner):
    walk_in = make_case(registry.shinan_enterprise, channel="walk_in")
    assert walk_in.worker_contacted_at == T0  # the worker is at the desk
    hotline = make_case(registry.shinan_enterprise, caller_phone="13912340088")
    later = T0 + dt.timedelta(minutes=50)
    walk_in = case_accept(case=walk_in, actor=owner, now=later)
    hotline = case_accept(case=hotline, actor=owner, now=later)
    assert (walk_in.status, walk_in.sla_stage, walk_in.next_due_at) == (
        "contacted", "feedback", walk_in.feedback_due,
    )  # fmt: skip
    assert (hotline.status, hotline.sla_stage) == ("accepted", "contact")
    accept, contact, feedback, _ = sla_rows(walk_in, later)
    assert (accept.state, feedback.state) == ("on_time", "running")
    assert (contact.state, contact.done_at) == ("on_time", T0)


@time_machine.travel(T0, tick=False)
def test_the_absorb_row_is_part_of_the_merge(registry, centre_staff, monkeypatch):
    from laborwatch.cases.services import handling

    first = make_case(registry.shinan_enterprise)
    second = make_case(registry.shinan_enterprise, description="再次反映")
    real = handling.record_event

    def failing(**values: Any) -> Any:
        if values["action"] == "case.absorb":
            raise RuntimeError("the audit log is unavailable")
        return real(**values)

    monkeypatch.setattr(handling, "record_event", failing)
    before = snapshot(second)
    with pytest.raises(RuntimeError):
        case_merge(source=second, target=first, actor=centre_staff, reason="重复")
    assert snapshot(second) == before
    assert fresh(second).status == "received"


# --- the page offers what the table allows -------------------------------------------------


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "outsider"])
@pytest.mark.parametrize("status", ["received", "in_handling", "resolved", "called_back"])
@time_machine.travel(T0, tick=False)
def test_the_buttons_offered_match_case_can(
    request, registry, org_units, setup_actor, client_for, persona, status
):
    case = make_case(registry.shinan_enterprise)
    for step in CHAIN:
        if case.status == status:
            break
        case = step(case, setup_actor)
    if persona == "liaison":  # a receiver sees the case
        Case.objects.filter(pk=case.pk).update(version=case.version)
        from laborwatch.cases.models import Referral

        Referral.objects.create(
            case=case, to_unit=org_units["hrss-inspection"], request="请协助", sent_by=setup_actor,
            acknowledge_due=T0, reply_due=T0,
        )  # fmt: skip
    user = request.getfixturevalue(persona)
    case = fresh(case)
    page = client_for(user).get(f"/cases/{case.number}/")
    assert page.status_code == 200
    offered = [name for name in ACTION_FORMS if case.can(name, user)]
    assert list(page.context["forms"]) == offered
    text = page.content.decode()
    for name in ACTION_FORMS:
        assert (f"/cases/{case.number}/act/{name}/" in text) is (name in offered), name


@time_machine.travel(T0, tick=False)
def test_a_merged_cases_referral_is_no_longer_offered_or_taken(
    registry, org_units, centre_staff, liaison, client_for
):
    first = make_case(registry.shinan_enterprise)
    second = make_case(registry.shinan_enterprise, description="再次反映")
    referral = referral_create(
        case=second, actor=centre_staff, to_unit=org_units["hrss-inspection"], request="请核查"
    )
    page = client_for(liaison).get(f"/cases/{second.number}/")
    (shown,) = page.context["referrals"]
    assert (shown.can_acknowledge, shown.reply_form is not None) == (True, True)
    case_merge(source=fresh(second), target=first, actor=centre_staff, reason="重复")
    page = client_for(liaison).get(f"/cases/{second.number}/")
    (shown,) = page.context["referrals"]
    assert (shown.can_acknowledge, shown.reply_form) == (False, None)
    before = snapshot(second)
    with pytest.raises(ValidationError) as error:
        referral_acknowledge(referral=referral, actor=liaison)
    assert error.value.messages == ["处于“已合并”状态的工单不能签收转办。"]
    assert snapshot(second) == before
