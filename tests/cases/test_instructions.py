"""Leaders act (批示 / 督办): who may instruct, sign for, report back and close; where the
instruction goes (inbox, notifications, timeline); the supervised clock and the sweep."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from laborwatch.cases.access import cases_visible_to
from laborwatch.cases.models import Case, InboxItem, Instruction
from laborwatch.cases.services import (
    case_accept,
    case_instruct,
    instruction_acknowledge,
    instruction_close,
    instruction_report,
    sla_sweep,
)
from laborwatch.cases.services.instructions import instruction_recipients
from laborwatch.core.models import AuditEvent
from laborwatch.core.roles import Role
from laborwatch.notifications.models import Notice, Notification
from laborwatch.notifications.services import notifications_deliver
from tests.cases.views_support import T0, fresh, local, make_case, post_action, snapshot
from tests.personas import ALL_PERSONAS

pytestmark = pytest.mark.django_db

# Friday 14 March 2025, end of day: before the hotline's 15 working days from T0 (26 March).
DEADLINE = local(2025, 3, 14, 23, 59, 59)


@pytest.fixture
def district_leader(make_user):
    """A leader of the 市南区 union: instructs on 市南区 cases only."""
    return make_user("shinan-leader", Role.LEADER, "shinan")


@pytest.fixture
def other_district_leader(make_user):
    return make_user("huangdao-leader", Role.LEADER, "huangdao")


@pytest.fixture
def handled_case(registry, owner):
    """A 市南区 case its district union's `owner` has accepted (and so handles)."""
    with time_machine.travel(T0, tick=False):
        return case_accept(case=make_case(registry.shinan_enterprise), actor=owner)


def instruct(case: Case, leader, **overrides) -> Instruction:
    values = {"case": case, "actor": leader, "text": "请三日内约谈企业，汇报进展。"}
    values.update({"deadline": DEADLINE, "now": T0, **overrides})
    return case_instruct(**values)


def instruction_state(case: Case) -> list[tuple[str, str]]:
    return list(Instruction.objects.filter(case=case).values_list("state", "leader__username"))


INSTRUCTORS = {"leader"}
UNSEEN = {"outsider", "liaison"}


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@time_machine.travel(T0, tick=False)
def test_only_a_leader_over_the_case_instructs(request, handled_case, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    before = snapshot(handled_case)
    response = post_action(
        client, handled_case, "instruct", text="请尽快处理并汇报", deadline="2025-03-14"
    )
    if persona in INSTRUCTORS:
        assert response.status_code == 302, response.content.decode()[-1500:]
        assert instruction_state(handled_case) == [("issued", "leader")]
        assert fresh(handled_case).resolve_due == DEADLINE
    else:
        assert response.status_code == (404 if persona in UNSEEN else 403)
        assert snapshot(handled_case) == before
        assert instruction_state(handled_case) == []


@time_machine.travel(T0, tick=False)
def test_a_district_leader_instructs_in_their_district_only(
    registry, handled_case, district_leader, other_district_leader, client_for
):
    other_case = make_case(registry.huangdao_enterprise, caller_phone="13912340002")
    own = client_for(district_leader)
    assert own.get(f"/cases/{other_case.number}/").status_code == 404
    refused = post_action(own, other_case, "instruct", text="请处理", deadline="2025-03-14")
    assert refused.status_code == 404
    page = own.get(f"/cases/{handled_case.number}/")
    assert set(page.context["forms"]) == {"instruct"}
    response = post_action(own, handled_case, "instruct", text="请处理", deadline="2025-03-14")
    assert response.status_code == 302
    assert instruction_state(handled_case) == [("issued", "shinan-leader")]
    other = client_for(other_district_leader)
    assert other.get(f"/cases/{handled_case.number}/").status_code == 404
    assert list(cases_visible_to(other_district_leader)) == [other_case]


def test_the_instruction_reaches_inbox_timeline_and_notifications(
    handled_case, owner, leader, client_for
):
    instruction = instruct(handled_case, leader)
    message = f"领导批示：工单 {handled_case.number}，请签收并于 2025-03-14 23:59 前反馈。"
    assert list(InboxItem.objects.values_list("user__username", "kind", "message")) == [
        ("owner", "instruction", message)
    ]
    notification = Notification.objects.get()
    assert (notification.kind, notification.user, notification.urgent) == (
        "instruction",
        owner,
        True,
    )
    assert notification.key == f"instruction:{instruction.pk}"
    assert notification.url == f"/cases/{handled_case.number}/"
    # The instruction's words stay in the app: a push carries only the number and the date.
    assert "约谈" not in notification.message
    # Delivered: in the handler's notification list (the top bar's unread badge).
    notifications_deliver(now=T0)
    assert list(Notice.objects.values_list("user__username", "read_at")) == [("owner", None)]
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        handler = client_for(owner)
        inbox = handler.get("/cases/inbox/")
        assert [i.pk for i in inbox.context["inbox"].instructions] == [instruction.pk]
        page = handler.get(f"/cases/{handled_case.number}/").content.decode()
    assert "请三日内约谈企业，汇报进展。" in page
    assert "督办" in page
    event = AuditEvent.objects.get(action="case.instruct")
    assert (event.actor, event.reason) == (leader, "请三日内约谈企业，汇报进展。")
    assert event.after["recipients"] == ["owner"]
    assert event.after["resolve_due"] == DEADLINE.isoformat()


def test_handler_signs_for_reports_back_and_the_leader_closes(handled_case, owner, leader):
    instruct(handled_case, leader)
    with pytest.raises(ValidationError, match="尚未反馈"):
        instruction_close(case=handled_case, actor=leader, now=T0)
    with pytest.raises(PermissionDenied):
        instruction_report(case=handled_case, actor=leader, report="已办", now=T0)
    with pytest.raises(ValidationError, match="仍未办结"):
        instruct(handled_case, leader)
    signed = instruction_acknowledge(case=handled_case, actor=owner, now=T0)
    assert (signed.state, signed.acknowledged_by) == ("acknowledged", owner)
    assert InboxItem.objects.get(user=owner).read_at == T0
    with pytest.raises(ValidationError) as empty:
        instruction_report(case=handled_case, actor=owner, report="  ", now=T0)
    assert list(empty.value.message_dict) == ["report"]
    later = T0 + dt.timedelta(days=2)
    reported = instruction_report(
        case=handled_case, actor=owner, report="已约谈企业，承诺月底前支付。", now=later
    )
    assert (reported.state, reported.reported_at) == ("reported", later)
    told = InboxItem.objects.get(user=leader)
    assert (told.kind, told.read_at) == ("instruction", None)
    assert Notification.objects.filter(user=leader, kind="instruction_report").count() == 1
    closed = instruction_close(case=handled_case, actor=leader, note="同意", now=later)
    assert (closed.state, closed.closed_by, closed.closing_note) == ("closed", leader, "同意")
    assert list(
        AuditEvent.objects.filter(action__startswith="case.instruct")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "case.instruct",
        "case.instruction_acknowledge",
        "case.instruction_report",
        "case.instruction_close",
    ]
    # Closed: the case may be instructed on again.
    assert fresh(handled_case).can("instruct", leader)


def test_a_handler_of_another_district_may_not_act_on_the_instruction(
    handled_case, leader, outsider, centre_staff
):
    instruct(handled_case, leader)
    with pytest.raises(PermissionDenied):
        instruction_acknowledge(case=handled_case, actor=outsider, now=T0)
    # The centre may handle any case: it may sign for an instruction on one too.
    assert instruction_acknowledge(case=handled_case, actor=centre_staff, now=T0).state == (
        "acknowledged"
    )


def test_the_leaders_deadline_runs_the_resolution_clock(registry, leader, owner):
    with time_machine.travel(T0, tick=False):
        case = case_accept(case=make_case(registry.shinan_enterprise), actor=owner)
    hotline_due = case.resolve_due
    assert hotline_due == local(2025, 3, 26, 23, 59, 59)
    instruct(case, leader)
    supervised = fresh(case)
    assert (supervised.resolve_due, supervised.version) == (DEADLINE, case.version + 1)
    # A later deadline does not give the case more time than the hotline's.
    instruction_acknowledge(case=case, actor=owner, now=T0)
    instruction_report(case=case, actor=owner, report="已办", now=T0)
    instruction_close(case=case, actor=leader, now=T0)
    instruct(case, leader, deadline=local(2025, 4, 30, 23, 59, 59))
    assert fresh(case).resolve_due == DEADLINE


def test_an_urged_resolution_clock_is_urged_again_on_the_new_deadline(
    registry, leader, centre_staff
):
    from tests.cases.test_services import walk_to_handling

    with time_machine.travel(T0, tick=False):
        case = walk_to_handling(make_case(registry.shinan_enterprise), centre_staff)
    assert case.sla_stage == "resolve"
    Case.objects.filter(pk=case.pk).update(urged_stage="resolve")
    instruct(case, leader)
    supervised = fresh(case)
    assert (supervised.next_due_at, supervised.urged_stage) == (DEADLINE, "")
    result = sla_sweep(now=DEADLINE - dt.timedelta(hours=1))
    assert result.urged == 1


def test_the_sweep_urges_once_on_an_instruction_not_reported_by_its_deadline(
    handled_case, owner, leader
):
    instruct(handled_case, leader)
    assert sla_sweep(now=DEADLINE).instructions_urged == 0
    after = DEADLINE + dt.timedelta(minutes=1)
    assert sla_sweep(now=after).instructions_urged == 1
    assert sla_sweep(now=after + dt.timedelta(hours=1)).instructions_urged == 0
    urges = InboxItem.objects.filter(kind="urge", message__contains="领导批示")
    assert sorted(urges.values_list("user__username", flat=True)) == ["leader", "owner"]
    assert Notification.objects.filter(key__endswith=":overdue").count() == 2
    assert AuditEvent.objects.filter(action="case.instruction_urge").count() == 1


def test_a_reported_instruction_is_not_urged(handled_case, owner, leader):
    instruct(handled_case, leader)
    instruction_report(case=handled_case, actor=owner, report="已办", now=T0)
    assert sla_sweep(now=DEADLINE + dt.timedelta(days=1)).instructions_urged == 0


def test_an_unhandled_case_is_instructed_to_everyone_who_may_take_it_up(
    registry, owner, colleague, outsider, centre_staff, leader
):
    case = make_case(registry.shinan_enterprise)
    names = [user.get_username() for user in instruction_recipients(case)]
    assert names == ["owner", "colleague", "centre"]


def test_bad_input_names_the_field_and_changes_nothing(handled_case, leader):
    before = snapshot(handled_case)
    with pytest.raises(ValidationError) as refused:
        instruct(handled_case, leader, text=" ", deadline=T0 - dt.timedelta(days=1))
    assert sorted(refused.value.message_dict) == ["deadline", "text"]
    assert snapshot(handled_case) == before
    assert instruction_state(handled_case) == []


def test_a_finished_case_is_not_instructed_on(handled_case, leader, centre_staff):
    from laborwatch.cases.services import case_close

    closed = case_close(
        case=handled_case, actor=centre_staff, reason_code="withdrawn", note="撤回", now=T0
    )
    assert closed.actions_for(leader) == []
    with pytest.raises(ValidationError):
        instruct(closed, leader)


@time_machine.travel(T0, tick=False)
def test_the_whole_loop_through_the_page(handled_case, owner, leader, outsider, client_for):
    leader_page, handler_page = client_for(leader), client_for(owner)
    post_action(leader_page, handled_case, "instruct", text="请约谈企业", deadline="2025-03-14")
    case = fresh(handled_case)
    page = handler_page.get(f"/cases/{case.number}/")
    offered = [name for name, _action, _form in page.context["instruction_forms"]]
    assert offered == ["instruction_acknowledge", "instruction_report"]
    assert post_action(leader_page, case, "instruction_report", report="x").status_code == 403
    assert post_action(handler_page, case, "instruction_acknowledge").status_code == 302
    refused = post_action(handler_page, case, "instruction_report", report=" ")
    assert refused.status_code == 400
    assert "请说明批示的办理情况。" in refused.content.decode()
    done = post_action(handler_page, case, "instruction_report", report="已约谈，月底前支付")
    assert done.status_code == 302
    page = leader_page.get(f"/cases/{case.number}/")
    assert [name for name, _a, _f in page.context["instruction_forms"]] == ["instruction_close"]
    assert "已约谈，月底前支付" in page.content.decode()
    assert post_action(leader_page, case, "instruction_close", note="同意").status_code == 302
    assert instruction_state(case) == [("closed", "leader")]
    assert client_for(outsider).get(f"/cases/{case.number}/").status_code == 404
