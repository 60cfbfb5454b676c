"""Who may see and act on a work order's pages, persona by persona, action by action; a
refused request (404, 403, stale version, service error) changes nothing at all."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client

from laborwatch.cases.models import Case, Referral
from laborwatch.cases.services import (
    case_accept,
    case_assign,
    case_call_back,
    case_contact,
    case_give_feedback,
    case_resolve,
    case_start_handling,
    plan_create,
    referral_create,
)
from laborwatch.core.models import AuditEvent
from tests.cases.views_support import (
    STALE_MESSAGE,
    T0,
    fresh,
    local,
    make_case,
    post_action,
    snapshot,
)
from tests.personas import ALL_PERSONAS

pytestmark = pytest.mark.django_db

HANDLERS = {"owner", "colleague", "centre_staff", "admin_user"}
CENTRE = {"centre_staff", "admin_user"}
READ_ONLY = {"leader", "auditor"}
UNSEEN = {"outsider", "liaison"}
# What only the centre does (cases/transitions.py): the district staff get 403.
CENTRE_ONLY = {"close", "call_back", "archive", "reopen"}

# The state each action needs, reached through the services.
CHAIN: list[tuple[str, Callable[[Case, Any], Case]]] = [
    ("accepted", lambda c, u: case_accept(case=c, actor=u)),
    ("contacted", lambda c, u: case_contact(
        case=c, actor=u, worker_reached=True, employer_reached=False)),
    ("feedback_given", lambda c, u: case_give_feedback(case=c, actor=u, note="已反馈")),
    ("in_handling", lambda c, u: case_start_handling(case=c, actor=u, method="mediation")),
    ("resolved", lambda c, u: case_resolve(
        case=c, actor=u, wages_recovered=Decimal("100"), workers_covered=1, method="mediation",
        union_role="led", note="已办结")),
    ("called_back", lambda c, u: case_call_back(case=c, actor=u, satisfaction=5)),
]  # fmt: skip

ACTIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "accept": ("received", {}),
    "contact": ("accepted", {"worker_reached": "on", "note": "已联系职工"}),
    "feedback": ("contacted", {"note": "已告知职工"}),
    "handle": ("feedback_given", {"method": "mediation"}),
    "resolve": ("in_handling", {
        "wages_recovered": "100", "workers_covered": "1", "method": "mediation",
        "union_role": "led", "note": "办结"}),
    "close": ("received", {"reason_code": "withdrawn", "note": "职工撤回"}),
    "call_back": ("resolved", {"satisfaction": "5"}),
    "archive": ("called_back", {}),
    "reopen": ("resolved", {"reason": "企业未履行"}),
    "assign": ("received", {"handler": "{colleague}"}),
    "note": ("received", {"note": "补充材料"}),
    "link_employer": ("received", {"credit_code": "{credit_code}"}),
    "merge": ("received", {"target": "{first}", "reason": "重复来电"}),
    "plan": ("in_handling", {"goal": "追回工资", "deadline": "2025-03-21"}),
    "refer": ("received", {
        "to_unit": "{hrss}", "request": "请协助核查", "reply_working_days": "5"}),
}  # fmt: skip


@pytest.fixture
def setup_actor(make_user):
    return make_user("setup", "centre_staff")


@pytest.fixture
def desk(make_user):
    """The 市南区 staff member the prepared open cases are handed to."""
    return make_user("desk", "district_staff", "shinan")


def prepare(
    action: str, registry, org_units, actor, colleague, desk=None
) -> tuple[Case, dict[str, Any]]:
    """A 市南区 case in the state the action needs, and form data that makes it succeed; while
    open, handed to `desk` (a district handles only what no centre staff handle)."""
    status, data = ACTIONS[action]
    employer = registry.shinan_enterprise
    first = None
    if action == "link_employer":
        case = make_case(None, employer_name="某公司", district=org_units["shinan"])
    elif action == "merge":
        first = make_case(employer)
        case = make_case(employer, description="再次反映")
    else:
        case = make_case(employer)
    for reached, step in CHAIN:
        if case.status == status:
            break
        case = step(case, actor)
        assert case.status == reached
    if desk is not None and case.is_open:
        case = case_assign(case=case, actor=actor, handler=desk)
    values = {
        "colleague": colleague.pk,
        "credit_code": employer.credit_code,
        "first": first.number if first else "",
        "hrss": org_units["hrss-inspection"].pk,
    }
    filled = {key: str(value).format(**values) for key, value in data.items()}
    return fresh(case), filled


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("persona", ALL_PERSONAS)
@time_machine.travel(T0, tick=False)
def test_every_action_by_every_persona(
    request, registry, org_units, setup_actor, desk, colleague, client_for, persona, action
):
    case, data = prepare(action, registry, org_units, setup_actor, colleague, desk)
    client = client_for(request.getfixturevalue(persona))
    before = snapshot(case)
    response = post_action(client, case, action, **data)
    allowed = CENTRE if action in CENTRE_ONLY else HANDLERS
    if persona in allowed:
        assert response.status_code == 302, response.content.decode()[-2000:]
        assert response["Location"] == f"/cases/{case.number}/"
        assert AuditEvent.objects.count() > before["events"]
        assert snapshot(case) != before
    else:
        assert response.status_code == (404 if persona in UNSEEN else 403)
        assert snapshot(case) == before


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("receiver", ["liaison", "outsider"])
@time_machine.travel(T0, tick=False)
def test_referral_receivers_see_the_case_but_cannot_move_it(
    request, registry, org_units, setup_actor, colleague, client_for, receiver, action
):
    user = request.getfixturevalue(receiver)
    case, data = prepare(action, registry, org_units, setup_actor, colleague)
    if case.is_open:
        referral_create(case=case, actor=setup_actor, to_unit=user.org_unit, request="请协助")
    else:  # finished cases cannot be referred; refer earlier in the loop instead
        Referral.objects.create(
            case=case, to_unit=user.org_unit, request="请协助", sent_by=setup_actor,
            acknowledge_due=T0, reply_due=T0,
        )  # fmt: skip
    client = client_for(user)
    page = client.get(f"/cases/{case.number}/")
    assert page.status_code == 200
    assert page.context["forms"] == {}
    before = snapshot(case)
    assert post_action(client, case, action, **data).status_code == 403
    assert snapshot(case) == before


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_detail_page_by_persona(request, registry, client_for, persona):
    case = make_case(registry.shinan_enterprise)
    client = client_for(request.getfixturevalue(persona))
    events = AuditEvent.objects.count()
    response = client.get(f"/cases/{case.number}/")
    if persona in UNSEEN:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        forms = response.context["forms"]
        if persona in CENTRE:
            assert {"accept", "close", "assign", "note", "refer", "plan"} <= set(forms)
        elif persona in HANDLERS:
            assert {"accept", "assign", "note", "refer", "plan"} <= set(forms)
            assert "close" not in forms
        elif persona == "leader":
            # A leader instructs (批示 / 督办) and otherwise reads: tests/cases/test_instructions.py
            assert set(forms) == {"instruct"}
        else:
            assert forms == {}
            assert "您可以查看本工单，但不能办理。" in response.content.decode()
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_missing_case_is_404(request, registry, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get("/cases/GD20990101999999/").status_code == 404
    assert client.post("/cases/GD20990101999999/act/accept/", {"version": 1}).status_code == 404
    case = make_case(registry.shinan_enterprise)
    assert client.post(f"/cases/{case.number}/act/fly/", {"version": 1}).status_code == 404


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize("step", ["acknowledge", "reply"])
@time_machine.travel(T0, tick=False)
def test_only_the_receiving_unit_signs_for_and_replies(
    request, registry, org_units, setup_actor, client_for, persona, step
):
    case = make_case(registry.shinan_enterprise)
    referral = referral_create(
        case=case, actor=setup_actor, to_unit=org_units["hrss-inspection"], request="请协助核查"
    )
    client = client_for(request.getfixturevalue(persona))
    before = snapshot(case)
    url = f"/cases/{case.number}/referrals/{referral.pk}/{step}/"
    response = client.post(url, {"reply": "已核查"})
    referral.refresh_from_db()
    if persona == "liaison":
        assert response.status_code == 302
        assert referral.state == ("acknowledged" if step == "acknowledge" else "replied")
        assert referral.acknowledged_at == T0
    else:
        assert response.status_code == 404
        assert referral.state == "sent"
        assert snapshot(case) == before


def test_referral_errors_are_shown_and_change_nothing(
    registry, org_units, setup_actor, liaison, client_for
):
    case = make_case(registry.shinan_enterprise)
    referral = referral_create(
        case=case, actor=setup_actor, to_unit=org_units["hrss-inspection"], request="请协助核查"
    )
    client = client_for(liaison)
    url = f"/cases/{case.number}/referrals/{referral.pk}/"
    before = snapshot(case)
    response = client.post(url + "reply/", {"reply": "  "})
    assert response.status_code == 400
    assert "回复为空。" in response.content.decode()
    assert snapshot(case) == before
    assert client.post(url + "acknowledge/").status_code == 302
    before = snapshot(case)
    response = client.post(url + "acknowledge/")
    assert response.status_code == 400
    assert "该转办已签收。" in response.content.decode()
    assert snapshot(case) == before


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@time_machine.travel(T0, tick=False)
def test_milestone_done_by_persona(request, registry, setup_actor, client_for, persona):
    case = make_case(registry.shinan_enterprise)
    plan = plan_create(
        case=case, actor=setup_actor, goal="追回工资", deadline=local(2025, 3, 21).date()
    )
    milestone = plan.milestones.order_by("order").first()
    client = client_for(request.getfixturevalue(persona))
    before = snapshot(case)
    response = client.post(f"/cases/{case.number}/milestones/{milestone.pk}/done/")
    milestone.refresh_from_db()
    if persona in HANDLERS:
        assert response.status_code == 302
        assert milestone.done_at == T0
        again = client.post(f"/cases/{case.number}/milestones/{milestone.pk}/done/")
        assert again.status_code == 400
        assert "该节点已完成。" in again.content.decode()
    else:
        assert response.status_code == (403 if persona in READ_ONLY else 404)
        assert milestone.done_at is None
        assert snapshot(case) == before


def test_milestone_of_another_case_is_404(registry, owner, setup_actor, client_for):
    with time_machine.travel(T0, tick=False):
        case = make_case(registry.shinan_enterprise)
        other = make_case(registry.shinan_enterprise, caller_phone="13912349999")
        plan = plan_create(
            case=other, actor=setup_actor, goal="追回", deadline=local(2025, 3, 21).date()
        )
        milestone = plan.milestones.first()
        response = client_for(owner).post(f"/cases/{case.number}/milestones/{milestone.pk}/done/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/cases/", "/cases/inbox/", "/cases/new/", "/cases/ledger/", "/cases/ledger/closed/",
     "/cases/{number}/", "/cases/?format=xlsx", "/cases/ledger/?format=xlsx"],
)  # fmt: skip
def test_anonymous_is_sent_to_login(registry, url):
    case = make_case(registry.shinan_enterprise)
    events = AuditEvent.objects.count()
    response = Client().get(url.format(number=case.number))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")
    response = Client().post(f"/cases/{case.number}/act/accept/", {"version": case.version})
    assert response.status_code == 302
    assert fresh(case).status == "received"
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_read_pages_open_to_every_persona(request, client_for, org_units, persona):
    client = client_for(request.getfixturevalue(persona))
    for url in ["/cases/", "/cases/inbox/", "/cases/ledger/", "/cases/ledger/closed/"]:
        assert client.get(url).status_code == 200, url


# --- stale versions and service errors -------------------------------------------------


def test_stale_version_reloads_and_changes_nothing(registry, centre_staff, colleague, client_for):
    client = client_for(centre_staff)
    case = make_case(registry.shinan_enterprise)
    page = client.get(f"/cases/{case.number}/")
    shown = page.context["forms"]["accept"]["version"].value()
    assert shown == 1
    assert post_action(client_for(colleague), case, "accept").status_code == 302
    before = snapshot(case)
    response = post_action(
        client, case, "close", version=shown, reason_code="withdrawn", note="撤回"
    )
    assert response.status_code == 409
    text = response.content.decode()
    assert text.count(STALE_MESSAGE) == 2  # the page message and the form's error
    assert snapshot(case) == before
    assert fresh(case).status == "accepted"


@pytest.mark.parametrize("action", ["merge", "plan", "refer", "note", "link_employer", "assign"])
@time_machine.travel(T0, tick=False)
def test_stale_version_on_every_kind_of_form(
    registry, org_units, setup_actor, desk, colleague, owner, client_for, action
):
    case, data = prepare(action, registry, org_units, setup_actor, colleague, desk)
    shown = case.version
    case_assign(case=case, actor=setup_actor, handler=colleague)  # someone else's change
    before = snapshot(case)
    response = post_action(client_for(owner), case, action, **{**data, "version": shown})
    assert response.status_code == 409
    assert STALE_MESSAGE in response.content.decode()
    assert snapshot(case) == before


def test_service_errors_show_next_to_fields_in_chinese(registry, centre_staff, client_for):
    client = client_for(centre_staff)
    case = make_case(registry.shinan_enterprise)
    before = snapshot(case)
    response = post_action(client, case, "close", reason_code="", note="")
    assert response.status_code == 400
    form = response.context["forms"]["close"]
    assert form.errors == {"reason_code": ["请选择关闭原因。"]}
    assert "关闭原因：请选择关闭原因。" in response.content.decode()
    response = post_action(client, case, "close", reason_code="withdrawn", note=" ")
    assert response.context["forms"]["close"].errors == {"note": ["请说明关闭情况。"]}
    response = post_action(client, case, "contact")
    assert response.context["forms"]["contact"].errors == {
        "worker_reached": ["请至少记录一方已联系。"]
    }
    # A transition the status does not allow.
    response = post_action(
        client, case, "resolve", wages_recovered="1", workers_covered="1", method="mediation",
        union_role="led", note="x",
    )  # fmt: skip
    assert response.status_code == 400
    assert response.context["forms"]["resolve"].non_field_errors() == [
        "处于“已接收”状态的工单不能办结。"
    ]
    # Missing version: the form refuses before any service runs.
    response = client.post(f"/cases/{case.number}/act/accept/", {})
    assert response.status_code == 400
    assert snapshot(case) == before
