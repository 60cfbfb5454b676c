"""Leaders act on a warning (批示 / 督办): who may instruct, sign for, report back and close
(a district leader only in their district); where the instruction goes (the inbox of the units
holding the warning, their notifications, the warning's timeline); the supervised mark; the
sweep's urge; bad input refused with nothing changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from laborwatch.core.models import AuditEvent, User
from laborwatch.core.roles import Role
from laborwatch.notifications.models import Notice, Notification
from laborwatch.notifications.services import notifications_deliver
from laborwatch.warnings.models import Warning, WarningInstruction
from laborwatch.warnings.services import (
    warning_instruct,
    warning_instruction_acknowledge,
    warning_instruction_close,
    warning_instruction_report,
    warning_open_case,
    warnings_sweep,
)
from tests.warnings.support import DAY0, T0, local, only_warning, signal, sync

pytestmark = pytest.mark.django_db

# Wednesday 12 March 2025, end of the working day the form names.
DEADLINE = local(2025, 3, 12, 23, 59, 59)
TEXT = "请三日内约谈企业负责人，核实欠缴社保情况并汇报。"

PERSONAS = [
    "leader", "district_leader", "other_district_leader", "centre_staff", "admin_user",
    "owner", "colleague", "liaison", "outsider", "auditor",
]  # fmt: skip
# Who does not see a 市南区 warning routed to 市南区 and labour inspection.
UNSEEN = {"other_district_leader", "outsider"}
LEADERS = {"leader", "district_leader"}
HOLDERS = {"centre_staff", "admin_user", "owner", "colleague", "liaison"}


@pytest.fixture
def district_leader(make_user) -> User:
    """A leader of the 市南区 union: instructs on 市南区 warnings only."""
    return make_user("shinan-leader", Role.LEADER, "shinan")


@pytest.fixture
def other_district_leader(make_user) -> User:
    return make_user("huangdao-leader", Role.LEADER, "huangdao")


@pytest.fixture
def warning(registry) -> Warning:
    """An orange wage-arrears warning in 市南区, routed to 市南区 and labour inspection."""
    with time_machine.travel(T0, tick=False):
        sync(DAY0, signal(registry.shinan_enterprise, "orange", "si_arrears"), now=T0)
    return only_warning(enterprise=registry.shinan_enterprise)


def instruct(warning: Warning, leader: User, **overrides: Any) -> WarningInstruction:
    values: dict[str, Any] = {"warning": warning, "actor": leader, "text": TEXT}
    values.update({"deadline": DEADLINE, "now": T0, **overrides})
    return warning_instruct(**values)


def fresh(warning: Warning) -> Warning:
    return Warning.objects.get(pk=warning.pk)


def post(client, warning: Warning, action: str, **data: str):
    return client.post(
        f"/warnings/{warning.pk}/act/{action}/", {"version": fresh(warning).version, **data}
    )


def snapshot(warning: Warning) -> dict[str, Any]:
    return {
        "warning": Warning.objects.filter(pk=warning.pk).values().get(),
        "instructions": list(WarningInstruction.objects.values()),
        "notifications": Notification.objects.count(),
        "events": AuditEvent.objects.count(),
    }


def states(warning: Warning) -> list[tuple[str, str]]:
    return list(warning.instructions.values_list("state", "leader__username"))


@pytest.mark.parametrize("persona", PERSONAS)
@time_machine.travel(T0, tick=False)
def test_only_a_leader_over_the_warning_instructs(request, warning, client_for, persona):
    user = request.getfixturevalue(persona)
    before = snapshot(warning)
    response = post(client_for(user), warning, "instruct", text=TEXT, deadline="2025-03-12")
    if persona in LEADERS:
        assert response.status_code == 302, response.content.decode()[-1500:]
        assert response["Location"] == f"/warnings/{warning.pk}/#instructions"
        assert states(warning) == [("issued", user.username)]
        assert warning.instructions.get().deadline == DEADLINE
        assert fresh(warning).version == before["warning"]["version"] + 1
    else:
        assert response.status_code == (404 if persona in UNSEEN else 403)
        assert snapshot(warning) == before


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", ["instruction_acknowledge", "instruction_report"])
def test_whoever_holds_the_warning_signs_for_and_reports(
    request, warning, leader, client_for, persona, action
):
    instruct(warning, leader)
    user = request.getfixturevalue(persona)
    before = snapshot(warning)
    with time_machine.travel(T0 + dt.timedelta(hours=2), tick=False):
        response = post(client_for(user), warning, action, report="已约谈企业，承诺月底前补缴。")
    if persona in HOLDERS:
        assert response.status_code == 302, response.content.decode()[-1500:]
        instruction = warning.instructions.get()
        assert instruction.acknowledged_by == user  # a report signs for it too
        expected = "acknowledged" if action == "instruction_acknowledge" else "reported"
        assert instruction.state == expected
    else:
        assert response.status_code == (404 if persona in UNSEEN else 403)
        assert snapshot(warning) == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_leader_over_the_warning_closes_it_once_reported(
    request, warning, leader, owner, client_for, persona
):
    instruct(warning, leader)
    warning_instruction_report(warning=warning, actor=owner, report="已办结", now=T0)
    user = request.getfixturevalue(persona)
    before = snapshot(warning)
    with time_machine.travel(T0 + dt.timedelta(hours=3), tick=False):
        response = post(client_for(user), warning, "instruction_close", note="同意")
    if persona in LEADERS:
        assert response.status_code == 302
        instruction = warning.instructions.get()
        assert (instruction.state, instruction.closed_by, instruction.closing_note) == (
            "closed",
            user,
            "同意",
        )
    else:
        assert response.status_code == (404 if persona in UNSEEN else 403)
        assert snapshot(warning) == before


def test_the_instruction_reaches_the_units_inbox_and_notifications(
    warning, leader, owner, colleague, liaison, outsider, centre_staff, client_for
):
    instruction = instruct(warning, leader)
    told = Notification.objects.filter(kind="instruction").order_by("org_unit__code")
    message = (
        f"领导批示：预警 {warning}（青岛海岸电子有限公司），请签收并于 2025-03-12 23:59 前反馈。"
    )
    assert list(told.values_list("org_unit__code", "kind", "urgent", "key", "url", "message")) == [
        (
            code,
            "instruction",
            True,
            f"warning-instruction:{instruction.pk}",
            f"/warnings/{warning.pk}/#instructions",
            message,
        )
        for code in ("hrss-inspection", "shinan")
    ]
    # Each member of each unit holding the warning finds it in the notification list.
    notifications_deliver(now=T0)
    notices = Notice.objects.filter(notification__kind="instruction")
    assert sorted(notices.values_list("user__username", flat=True)) == [
        "colleague",
        "liaison",
        "owner",
    ]
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        for user, expected in [
            (owner, [instruction.pk]),
            (colleague, [instruction.pk]),
            (liaison, [instruction.pk]),
            (leader, [instruction.pk]),  # to close once reported on
            (outsider, []),
            (centre_staff, []),  # not a unit the warning is routed to
        ]:
            inbox = client_for(user).get("/cases/inbox/")
            listed = inbox.context["sections"]["instructions"].page
            assert [i.pk for i in listed if isinstance(i, WarningInstruction)] == expected, user
        page = client_for(owner).get("/cases/inbox/").content.decode()
        assert f'href="/warnings/{warning.pk}/#instructions"' in page


def test_the_warning_is_supervised_and_its_timeline_tells_the_story(
    warning, leader, owner, client_for
):
    instruct(warning, leader)
    client = client_for(owner)
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        page = client.get(f"/warnings/{warning.pk}/")
    text = page.content.decode()
    assert page.context["supervised"] == warning.instructions.get()
    assert "督办" in text and "2025-03-12 23:59" in text
    assert TEXT in text
    assert [name for name, _, _ in page.context["instruction_forms"]] == [
        "instruction_acknowledge",
        "instruction_report",
    ]
    warning_instruction_acknowledge(warning=warning, actor=owner, now=T0 + dt.timedelta(hours=2))
    warning_instruction_report(
        warning=warning,
        actor=owner,
        report="已约谈，企业承诺补缴。",
        now=T0 + dt.timedelta(hours=3),
    )
    warning_instruction_close(
        warning=warning, actor=leader, note="继续跟踪", now=T0 + dt.timedelta(hours=4)
    )
    with time_machine.travel(T0 + dt.timedelta(hours=5), tick=False):
        page = client.get(f"/warnings/{warning.pk}/")
    assert page.context["supervised"] is None
    entries = [(str(e.label), e.reason) for e in page.context["timeline"] if "批示" in str(e.label)]
    assert entries == [
        ("领导批示督办", TEXT),
        ("签收领导批示", ""),
        ("反馈领导批示办理情况", "已约谈，企业承诺补缴。"),
        ("领导批示办结", "继续跟踪"),
    ]
    assert "已约谈，企业承诺补缴。" in page.content.decode()
    # The leader was told of the report, and closing marks that notice read.
    report = Notification.objects.get(kind="instruction_report")
    assert (report.user, report.url) == (leader, f"/warnings/{warning.pk}/#instructions")


def test_signing_for_it_reads_every_units_notices(warning, leader, owner, liaison):
    instruction = instruct(warning, leader)
    notifications_deliver(now=T0)
    later = T0 + dt.timedelta(hours=1)
    warning_instruction_acknowledge(warning=warning, actor=liaison, now=later)
    key = f"warning-instruction:{instruction.pk}"
    assert set(Notice.objects.filter(notification__key=key).values_list("read_at", flat=True)) == {
        later
    }


def test_the_sweep_urges_a_late_instruction_once(warning, leader, owner):
    instruction = instruct(warning, leader)
    assert warnings_sweep(now=DEADLINE).instructions_urged == 0  # not late yet
    late = DEADLINE + dt.timedelta(minutes=5)
    result = warnings_sweep(now=late)
    assert result.instructions_urged == 1
    urged = Notification.objects.filter(key=f"warning-instruction:{instruction.pk}:overdue")
    assert sorted(
        (n.org_unit.code if n.org_unit else n.user.username, n.urgent) for n in urged
    ) == [("hrss-inspection", True), ("leader", True), ("shinan", True)]
    assert "至今未反馈" in urged.first().message
    event = AuditEvent.objects.get(action="warning.instruction_urge")
    assert (event.target_id, event.actor_label, event.at) == (str(warning.pk), "sla-sweep", late)
    assert warnings_sweep(now=late + dt.timedelta(hours=1)).instructions_urged == 0
    assert urged.count() == 3
    # A reported instruction is not urged, however late.
    warning_instruction_report(warning=warning, actor=owner, report="已办", now=late)
    warning_instruction_close(warning=warning, actor=leader, now=late)
    second = instruct(warning, leader, now=late, deadline=late + dt.timedelta(days=1))
    warning_instruction_report(warning=warning, actor=owner, report="已办", now=late)
    assert warnings_sweep(now=late + dt.timedelta(days=2)).instructions_urged == 0
    assert second.pk != instruction.pk


def test_bad_input_is_refused_and_nothing_changes(warning, leader, owner, client_for):
    client = client_for(leader)
    before = snapshot(warning)
    with time_machine.travel(T0, tick=False):
        empty = post(client, warning, "instruct", text="  ", deadline="2025-03-04")
        assert empty.status_code == 400
        errors = empty.context["instruction_forms"][0][2].errors
        assert errors == {"text": ["请填写批示内容。"], "deadline": ["时限须晚于当前时间。"]}
        stale = client.post(
            f"/warnings/{warning.pk}/act/instruct/",
            {"version": fresh(warning).version - 1 or 99, "text": TEXT, "deadline": "2025-03-12"},
        )
        assert stale.status_code == 409
        unknown = post(client, warning, "verify_everything")
        assert unknown.status_code == 404
    assert snapshot(warning) == before
    instruct(warning, leader)
    with pytest.raises(ValidationError, match="仍未办结"):
        instruct(warning, leader)
    with pytest.raises(ValidationError, match="尚未反馈"):
        warning_instruction_close(warning=warning, actor=leader, now=T0)
    with pytest.raises(ValidationError) as no_report:
        warning_instruction_report(warning=warning, actor=owner, report=" ", now=T0)
    assert no_report.value.message_dict == {"report": ["请说明批示的办理情况。"]}
    with pytest.raises(PermissionDenied):
        warning_instruction_report(warning=warning, actor=leader, report="已办", now=T0)
    assert states(warning) == [("issued", "leader")]


def test_a_warning_with_a_work_order_is_instructed_on_there(warning, leader, owner, client_for):
    from laborwatch.warnings.services import warning_acknowledge

    warning_acknowledge(routing=warning.routings.get(org_unit__code="shinan"), actor=owner, now=T0)
    case = warning_open_case(
        warning=fresh(warning),
        actor=owner,
        caller_name="刘强",
        caller_phone="13912345670",
        description="欠薪",
        now=T0,
    )
    warning = fresh(warning)
    assert not warning.can("instruct", leader)
    with pytest.raises(ValidationError) as refused:
        instruct(warning, leader)
    assert refused.value.messages == [f"该预警已在工单 {case.number} 中办理，请对该工单批示。"]
    with time_machine.travel(T0, tick=False):
        page = client_for(leader).get(f"/warnings/{warning.pk}/")
    assert page.context["may_instruct"] is True  # the page leads to the work order's form
    assert page.context["instruction_forms"] == []
    assert f"/cases/{case.number}/#action-instruct" in page.content.decode()


def test_an_inhibited_warning_is_instructed_on_through_the_higher_one(registry, leader):
    sync(
        DAY0,
        signal(registry.shinan_enterprise, "yellow", "si_arrears"),
        signal(
            registry.shinan_enterprise,
            "red",
            "collective_complaints",
            risk_type="collective_dispute",
        ),
        now=T0,
    )
    lower = only_warning(enterprise=registry.shinan_enterprise, grade="yellow")
    assert lower.inhibited_by is not None
    with pytest.raises(ValidationError, match="请在该预警上办理"):
        instruct(lower, leader)
    assert WarningInstruction.objects.count() == 0


def test_the_board_marks_and_filters_the_supervised(registry, warning, leader, client_for):
    sync(DAY0, signal(registry.huangdao_enterprise, "red", "si_arrears"), now=T0)
    other = only_warning(enterprise=registry.huangdao_enterprise)
    instruct(warning, leader)
    client = client_for(leader)

    def board(query: str) -> list[int]:
        return [w.pk for w in client.get(f"/warnings/?{query}").context["page"]]

    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        assert board("") == [other.pk, warning.pk]  # red first
        assert board("supervised=open") == [warning.pk]
        assert board("supervised=overdue") == []
        page = client.get("/warnings/").content.decode()
        assert page.count('<span class="badge supervised">') == 1
    with time_machine.travel(DEADLINE + dt.timedelta(days=1), tick=False):
        assert board("supervised=overdue") == [warning.pk]
