"""The warning's transition table: every action by every persona at the status it needs (a
refusal changes nothing), the page offering exactly what `Warning.can` allows, and the
department's path through the pages: sign for, verify, report joint handling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from laborwatch.cases.models import Case
from laborwatch.core.models import AuditEvent, User
from laborwatch.warnings.models import Warning, WarningRouting, WarningStatus, WarningStep
from laborwatch.warnings.services import (
    warning_acknowledge,
    warning_open_case,
    warning_record_step,
)
from laborwatch.warnings.transitions import STEP_ACTIONS, TRANSITIONS
from tests.warnings.support import DAY0, T0, only_warning, signal, sync

pytestmark = pytest.mark.django_db

PERSONAS = ["owner", "outsider", "liaison", "centre_staff", "admin_user", "leader", "auditor"]
LEAD = {"owner", "centre_staff", "admin_user"}

# Who may take each action at the status it runs from (the warning routed to 市南区 and to
# labour inspection, the liaison's department).
ALLOWED: dict[str, set[str]] = {
    "acknowledge": {"owner", "liaison"},
    "verification": LEAD | {"liaison"},
    "joint_handling": LEAD | {"liaison"},
    "service": LEAD,
    "root_cause": LEAD,
    "closure": LEAD,
    "open_case": LEAD,
}
OUTCOME = {"verification": "confirmed", "service": "legal_aid", "root_cause": "other"}


@pytest.fixture
def warning(registry) -> Warning:
    """An orange wage-arrears warning in 市南区, routed to 市南区 and labour inspection."""
    with time_machine.travel(T0, tick=False):
        sync(DAY0, signal(registry.shinan_enterprise, "orange", "si_arrears"), now=T0)
    return only_warning(enterprise=registry.shinan_enterprise)


def routing(warning: Warning, code: str) -> WarningRouting:
    return warning.routings.get(org_unit__code=code)


def sign_all(warning: Warning, owner: User, liaison: User) -> Warning:
    warning_acknowledge(routing=routing(warning, "shinan"), actor=owner, now=T0)
    warning_acknowledge(routing=routing(warning, "hrss-inspection"), actor=liaison, now=T0)
    return Warning.objects.get(pk=warning.pk)


def verified(warning: Warning, owner: User, liaison: User) -> Warning:
    warning = sign_all(warning, owner, liaison)
    warning_record_step(
        warning=warning, actor=owner, kind="verification", outcome="confirmed", note="属实"
    )
    return Warning.objects.get(pk=warning.pk)


def snapshot() -> dict[str, Any]:
    return {
        "warnings": list(Warning.objects.values()),
        "routings": list(WarningRouting.objects.values()),
        "steps": list(WarningStep.objects.values()),
        "cases": Case.objects.count(),
        "events": AuditEvent.objects.count(),
    }


def take(action: str, warning: Warning, actor: User) -> object:
    if action == "acknowledge":
        mine = warning.routings.filter(org_unit_id=actor.org_unit_id).first()
        return warning_acknowledge(routing=mine or routing(warning, "shinan"), actor=actor)
    if action == "open_case":
        return warning_open_case(
            warning=warning,
            actor=actor,
            caller_name="刘强",
            caller_phone="13912345670",
            description="欠薪",
        )
    return warning_record_step(
        warning=warning, actor=actor, kind=action, outcome=OUTCOME.get(action, ""), note="已办理"
    )


def test_the_table_names_every_step() -> None:
    assert set(STEP_ACTIONS) == set(WarningStep.Kind.values)
    steps = {*WarningStep.Kind.values, "acknowledge", "open_case"}
    instructions = {
        "instruct",
        *(f"instruction_{step}" for step in ("acknowledge", "report", "close")),
    }
    assert set(TRANSITIONS) == steps | instructions


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", list(ALLOWED))
def test_every_action_by_every_persona(request, warning, owner, liaison, persona, action):
    prepare: dict[str, Callable[[], Warning]] = {
        "acknowledge": lambda: warning,
        "verification": lambda: sign_all(warning, owner, liaison),
    }
    ready = prepare.get(action, lambda: verified(warning, owner, liaison))()
    actor = request.getfixturevalue(persona)
    assert ready.can(action, actor) is (persona in ALLOWED[action])
    before = snapshot()
    if persona in ALLOWED[action]:
        take(action, ready, actor)
        assert snapshot() != before
        assert AuditEvent.objects.count() == before["events"] + 1 + (action == "open_case") * 2
    else:
        with pytest.raises(PermissionDenied):
            take(action, ready, actor)
        assert snapshot() == before


def test_a_department_verifies_only_once_signed_for(warning, owner, liaison):
    warning_acknowledge(routing=routing(warning, "shinan"), actor=owner, now=T0)
    warning = Warning.objects.get(pk=warning.pk)
    assert warning.status == WarningStatus.VERIFYING
    assert not warning.can("verification", liaison)
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        take("verification", warning, liaison)
    assert error.value.messages == ["请先签收该预警。"]
    assert snapshot() == before


def test_a_departments_not_true_leaves_the_closing_to_the_lead(warning, owner, liaison):
    warning = sign_all(warning, owner, liaison)
    warning_record_step(
        warning=warning, actor=liaison, kind="verification", outcome="unfounded", note="无欠缴"
    )
    warning = Warning.objects.get(pk=warning.pk)
    assert (warning.status, warning.verified) == ("verifying", None)
    assert warning.can("verification", owner)
    warning_record_step(
        warning=warning, actor=owner, kind="verification", outcome="unfounded", note="核实不属实"
    )
    assert Warning.objects.get(pk=warning.pk).status == "closed"


def test_nothing_is_offered_twice_or_after_closing(warning, owner, liaison):
    warning = verified(warning, owner, liaison)
    take("open_case", warning, owner)
    warning = Warning.objects.get(pk=warning.pk)
    assert not warning.can("open_case", owner)
    assert not warning.can("acknowledge", liaison)  # signed for already
    take("closure", warning, owner)
    warning = Warning.objects.get(pk=warning.pk)
    assert warning.status == "closed"
    assert warning.actions_for(owner) == []
    assert warning.actions_for(liaison) == []


@pytest.mark.parametrize("persona", PERSONAS[:1] + PERSONAS[2:])
@pytest.mark.parametrize("stage", ["open", "verifying", "handling"])
def test_the_page_offers_what_the_table_allows(
    request, warning, owner, liaison, client_for, persona, stage
):
    if stage == "verifying":
        warning = sign_all(warning, owner, liaison)
    elif stage == "handling":
        warning = verified(warning, owner, liaison)
    user = request.getfixturevalue(persona)
    page = client_for(user).get(f"/warnings/{warning.pk}/")
    assert page.status_code == 200
    context = page.context
    offered = [action for action in TRANSITIONS if warning.can(action, user)]
    assert context["step_kinds"] == [a for a in offered if a in STEP_ACTIONS]
    form = context["step_form"]
    if context["step_kinds"]:
        assert [kind for kind, _ in form.fields["kind"].choices] == context["step_kinds"]
    else:
        assert form is None
    assert (context["my_routing"] is not None) is ("acknowledge" in offered)
    assert context["may_open_case"] is ("open_case" in offered)
    assert [name for name, _, _ in context["instruction_forms"]] == [
        a for a in offered if a.startswith("instruct")
    ]
    text = page.content.decode()
    assert (f"/warnings/{warning.pk}/acknowledge/" in text) is ("acknowledge" in offered)
    assert (f"/warnings/{warning.pk}/work-order/" in text) is ("open_case" in offered)


def test_the_department_signs_for_verifies_and_reports_through_the_pages(
    warning, liaison, client_for
):
    client = client_for(liaison)
    url = f"/warnings/{warning.pk}/"
    with time_machine.travel(T0, tick=False) as clock:
        page = client.get(url)
        assert page.context["my_routing"] == routing(warning, "hrss-inspection")
        assert page.context["step_form"] is None  # sign for first
        clock.shift(3600)
        assert client.post(url + "acknowledge/").status_code == 302
        warning = Warning.objects.get(pk=warning.pk)
        assert warning.status == "verifying"

        # 核实中: the department is offered the verification, and takes it.
        page = client.get(url)
        assert page.context["step_kinds"] == ["verification"]
        assert "联动处置" not in str(page.context["step_form"]["kind"])
        clock.shift(3600)
        response = client.post(
            url + "steps/",
            {
                "kind": "verification",
                "outcome": "confirmed",
                "note": "监察记录显示企业连续两月欠缴社保，情况属实",
                "version": warning.version,
            },
        )
        assert response.status_code == 302, response.content.decode()[-1500:]
        warning = Warning.objects.get(pk=warning.pk)
        assert (warning.status, warning.verified) == ("handling", True)

        # 处置中: it reports its joint handling; the measures and the closing are the lead's.
        page = client.get(url)
        assert page.context["step_kinds"] == ["joint_handling"]
        response = client.post(
            url + "steps/",
            {
                "kind": "joint_handling",
                "note": "已约谈企业负责人，责令限期补缴",
                "version": warning.version,
            },
        )
        assert response.status_code == 302
        closing = client.post(
            url + "steps/", {"kind": "closure", "note": "办结", "version": warning.version + 1}
        )
        assert closing.status_code == 400
    warning = Warning.objects.get(pk=warning.pk)
    assert warning.status == "handling"
    assert list(warning.steps.values_list("kind", "outcome", "actor")) == [
        ("verification", "confirmed", liaison.pk),
        ("joint_handling", "", liaison.pk),
    ]
    page = client.get(url).content.decode()
    assert "监察记录显示企业连续两月欠缴社保" in page
    assert "不能进行" not in page
