"""The verification loop through its services: each step's exact effect, its audit row, the
response clock, the version check, and refusals that change nothing."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from laborwatch.cases.models import Case
from laborwatch.core.models import AuditEvent
from laborwatch.opinion.errors import InvalidEventTransition, StaleEvent
from laborwatch.opinion.models import EventAssignment, EventDisposal, OpinionNotice, ResponseKind
from laborwatch.opinion.selectors import event_timeline
from laborwatch.opinion.services import (
    event_acknowledge,
    event_add_note,
    event_assign,
    event_attach_warning,
    event_close,
    event_join_case,
    event_link_enterprise,
    event_open_case,
    event_respond,
    event_verify,
)
from tests.cases.views_support import make_case
from tests.opinion.support import (
    T0,
    assigned,
    disposed,
    fresh,
    local,
    make_event,
    make_warning,
    responded,
    signed,
    snapshot,
    verified,
)

pytestmark = pytest.mark.django_db
HOUR = dt.timedelta(hours=1)


def audit(event, action):
    return AuditEvent.objects.filter(
        target_type="opinion.event", target_id=str(event.pk), action=action
    )


class TestResponseClock:
    def test_each_grade_sets_its_clock_in_wall_clock_hours(self, shinan):
        # A Saturday night: wall-clock hours, no working days.
        night = local(2025, 3, 8, 23, 0)
        for grade, hours, yellow in (("grave", 5, 3.75), ("major", 24, 18), ("general", 48, 36)):
            event = make_event(district=shinan, grade=grade, now=night)
            assert event.clock_started_at == night
            assert event.response_due == night + dt.timedelta(hours=hours)
            assert event.response_yellow_at == night + dt.timedelta(hours=yellow)

    def test_an_edited_policy_sets_the_clocks_of_later_events(self, shinan):
        from laborwatch.opinion.models import ResponsePolicy

        ResponsePolicy.objects.create(grade="grave", response_hours=3, acknowledge_hours=1)
        event = make_event(district=shinan, grade="grave")
        assert event.response_due == T0 + 3 * HOUR

    def test_lights_turn_yellow_then_red_and_go_out_with_the_response(self, event):
        assert event.response_light(T0 + 35 * HOUR) == "green"
        assert event.response_light(T0 + 36 * HOUR) == "yellow"
        assert event.response_light(T0 + 48 * HOUR + dt.timedelta(seconds=1)) == "red"

    def test_off_the_list_no_clock(self, shinan):
        event = make_event(district=shinan, on_list=False)
        assert (event.clock_started_at, event.response_due) == (None, None)
        assert event.response_light(T0) == ""


class TestAssign:
    def test_assigning_starts_verification_and_asks_the_unit_to_sign(
        self, event, setup_actor, owner, colleague, shinan
    ):
        result = event_assign(
            event=event, actor=setup_actor, org_unit=shinan, request="请核实是否欠薪", now=T0
        )
        assert (result.status, result.version, result.assigned_unit_id) == (
            "verifying",
            2,
            shinan.pk,
        )
        assignment = EventAssignment.objects.get(event=event)
        # General grade: 24 hours to sign for it.
        assert (assignment.acknowledge_due, assignment.acknowledged_at) == (T0 + 24 * HOUR, None)
        assert assignment.request == "请核实是否欠薪"
        notices = OpinionNotice.objects.filter(event=event).order_by("user__username")
        assert [(n.user.username, n.kind) for n in notices] == [
            ("colleague", "assigned"),
            ("owner", "assigned"),
        ]
        assert notices[0].message == (
            f"舆情事件 {event.number} 已交 市南区 核实：请于 03-06 10:00 前签收并核实。"
        )
        row = audit(event, "opinion_event.assign").get()
        assert (row.before, row.after["status"], row.after["unit"]) == (
            {"status": "pending"},
            "verifying",
            "shinan",
        )

    def test_reassigning_ends_the_earlier_assignment(self, event, setup_actor, shinan, org_units):
        assigned(event, setup_actor, shinan)
        event_assign(event=fresh(event), actor=setup_actor, org_unit=org_units["hrss-inspection"],
                     now=T0 + HOUR)  # fmt: skip
        rows = list(EventAssignment.objects.filter(event=event).order_by("pk"))
        assert [(r.org_unit.code, r.ended_at) for r in rows] == [
            ("shinan", T0 + HOUR),
            ("hrss-inspection", None),
        ]
        assert fresh(event).assigned_unit.code == "hrss-inspection"

    def test_the_centre_assigning_itself_signs_at_once(self, event, setup_actor, org_units):
        event_assign(event=event, actor=setup_actor, org_unit=org_units["centre"], now=T0)
        assignment = EventAssignment.objects.get(event=event)
        assert (assignment.acknowledged_at, assignment.acknowledged_by) == (T0, setup_actor)
        assert not OpinionNotice.objects.exists()

    def test_a_grave_event_is_signed_for_within_an_hour(self, shinan, setup_actor):
        event = make_event(district=shinan, grade="grave")
        assigned(event, setup_actor, shinan)
        assert EventAssignment.objects.get(event=event).acknowledge_due == T0 + HOUR

    def test_same_unit_twice_is_refused_and_nothing_changes(self, event, setup_actor, shinan):
        event = assigned(event, setup_actor, shinan)
        before = snapshot(event)
        with pytest.raises(ValidationError) as refused:
            event_assign(event=event, actor=setup_actor, org_unit=shinan)
        assert refused.value.message_dict == {"org_unit": ["该事件已交由此单位核实。"]}
        assert snapshot(event) == before

    def test_off_the_list_cannot_be_assigned(self, shinan, setup_actor):
        event = make_event(district=shinan, on_list=False)
        with pytest.raises(ValidationError) as refused:
            event_assign(event=event, actor=setup_actor, org_unit=shinan)
        assert refused.value.messages == ["该事件与劳动关系无关，不在核实清单中。"]

    def test_district_staff_may_not_assign(self, event, owner, shinan):
        before = snapshot(event)
        with pytest.raises(PermissionDenied):
            event_assign(event=event, actor=owner, org_unit=shinan)
        assert snapshot(event) == before


class TestSignAndVerify:
    def test_the_unit_signs_for_it_and_its_notices_are_read(
        self, event, setup_actor, owner, colleague, shinan
    ):
        event = assigned(event, setup_actor, shinan)
        result = event_acknowledge(event=event, actor=colleague, now=T0 + HOUR)
        assignment = EventAssignment.objects.get(event=event)
        assert (assignment.acknowledged_at, assignment.acknowledged_by) == (T0 + HOUR, colleague)
        assert (result.status, result.version) == ("verifying", 3)
        assert not OpinionNotice.objects.filter(read_at=None).exists()
        assert audit(event, "opinion_event.acknowledge").get().after["late"] is False

    def test_signing_twice_is_refused(self, event, setup_actor, owner):
        event = signed(event, setup_actor, owner)
        with pytest.raises(ValidationError) as refused:
            event_acknowledge(event=event, actor=owner)
        assert refused.value.messages == ["该交办已签收。"]

    def test_the_unit_verifies_only_once_signed(self, event, setup_actor, owner, shinan):
        event = assigned(event, setup_actor, shinan)
        with pytest.raises(ValidationError) as refused:
            event_verify(event=event, actor=owner, result="true", checks=["site_visit"], note="x")
        assert refused.value.messages == ["请先签收该事件。"]

    def test_verification_records_what_was_checked_and_moves_to_the_finding(
        self, event, setup_actor, owner
    ):
        event = signed(event, setup_actor, owner)
        result = event_verify(
            event=event,
            actor=owner,
            result="partly_true",
            checks=["site_visit", "enterprise_contacted"],
            note="企业拖欠一个月工资，并非三个月",
            now=T0 + 2 * HOUR,
        )
        assert (result.status, result.verification_result) == ("partly_true", "partly_true")
        # In the order of the list of ways, whatever the order given.
        assert result.verification_checks == ["enterprise_contacted", "site_visit"]
        assert (result.verified_at, result.verified_by) == (T0 + 2 * HOUR, owner)
        row = audit(event, "opinion_event.verify").get()
        assert row.reason == "企业拖欠一个月工资，并非三个月"
        assert row.after == {
            "status": "partly_true",
            "result": "partly_true",
            "checks": ["enterprise_contacted", "site_visit"],
        }

    def test_verification_needs_a_finding_a_check_and_a_note(self, event, setup_actor, owner):
        event = signed(event, setup_actor, owner)
        with pytest.raises(ValidationError) as refused:
            event_verify(event=event, actor=owner, result="maybe", checks=["gossip"], note=" ")
        assert refused.value.message_dict == {
            "result": ["请选择核实结论。"],
            "checks": ["请说明核实方式：至少选择一种。"],
            "note": ["请说明核实情况。"],
        }

    def test_a_stale_page_is_refused(self, event, setup_actor, owner):
        event = signed(event, setup_actor, owner)
        before = snapshot(event)
        with pytest.raises(StaleEvent):
            event_verify(event=event, actor=owner, result="true", checks=["site_visit"],
                         note="属实", expected_version=event.version - 1)  # fmt: skip
        assert snapshot(event) == before

    def test_the_centre_verifies_without_signing(self, event, setup_actor, shinan):
        event = assigned(event, setup_actor, shinan)
        result = event_verify(event=event, actor=setup_actor, result="untrue",
                              checks=["poster_contacted"], note="发帖人承认编造")  # fmt: skip
        assert result.status == "untrue"


class TestDisposal:
    def test_open_a_work_order_on_the_opinion_channel(self, event, setup_actor, owner, registry):
        event = verified(event, setup_actor, owner)
        case = event_open_case(
            event=event,
            actor=setup_actor,
            caller_name="李强",
            caller_phone="13912340002",
            description="舆情反映企业拖欠工资",
            now=T0 + HOUR,
        )
        assert (case.channel, case.employer, case.district.code, case.received_at) == (
            "public_opinion",
            registry.shinan_enterprise,
            "shinan",
            T0 + HOUR,
        )
        assert fresh(event).status == "disposed"
        disposal = EventDisposal.objects.get(event=event)
        assert (disposal.kind, disposal.case) == ("open_case", case)
        assert audit(event, "opinion_event.dispose").get().after == {
            "status": "disposed",
            "measure": "open_case",
            "case": case.number,
        }

    def test_a_bad_caller_refuses_the_whole_disposal(self, event, setup_actor, owner):
        event = verified(event, setup_actor, owner)
        before = snapshot(event)
        with pytest.raises(ValidationError) as refused:
            event_open_case(event=event, actor=setup_actor, caller_name="", caller_phone="123",
                            description="x")  # fmt: skip
        assert set(refused.value.message_dict) == {"caller_name", "caller_phone"}
        assert snapshot(event) == before
        assert not Case.objects.exists()

    def test_join_a_work_order_its_timeline_says_so(self, event, setup_actor, owner, registry):
        case = make_case(registry.shinan_enterprise)
        event = verified(event, setup_actor, owner)
        event_join_case(event=event, actor=setup_actor, case=case, note="同一事件", now=T0)
        assert EventDisposal.objects.get(event=event).case == case
        note = AuditEvent.objects.get(action="case.opinion_join")
        assert (note.target_id, note.after) == (str(case.pk), {"event": event.number})
        with pytest.raises(ValidationError) as refused:
            event_join_case(event=fresh(event), actor=setup_actor, case=case)
        assert refused.value.message_dict == {"case": ["该事件已并入此工单。"]}

    def test_attach_to_the_enterprise_warning(self, event, setup_actor, owner, registry):
        warning = make_warning(registry.shinan_enterprise)
        event = verified(event, setup_actor, owner)
        event_attach_warning(event=event, actor=setup_actor, warning=warning, now=T0)
        assert EventDisposal.objects.get(event=event).warning == warning
        assert AuditEvent.objects.get(action="warning.opinion_attach").target_id == str(warning.pk)

    def test_another_enterprise_warning_is_refused(self, event, setup_actor, owner, registry):
        warning = make_warning(registry.huangdao_enterprise)
        event = verified(event, setup_actor, owner)
        with pytest.raises(ValidationError) as refused:
            event_attach_warning(event=event, actor=setup_actor, warning=warning)
        assert refused.value.message_dict == {"warning": ["只能选择本事件所涉企业的预警。"]}

    def test_an_untrue_event_has_nothing_to_dispose(self, event, setup_actor, owner):
        event = verified(event, setup_actor, owner, result="untrue")
        with pytest.raises(InvalidEventTransition) as refused:
            event_open_case(event=event, actor=setup_actor, caller_name="李强",
                            caller_phone="13912340002", description="x")  # fmt: skip
        assert refused.value.messages == ["状态为“不属实”的舆情事件不能处置。"]
        # Answered in public, it may be disposed of no more than before.
        event = event_respond(
            event=event,
            actor=setup_actor,
            kind=ResponseKind.PUBLISHED,
            text="经核实不属实",
            channel="官方微博",
            published_at=T0,
            now=T0,
        )
        with pytest.raises(ValidationError) as refused:
            event_open_case(event=event, actor=setup_actor, caller_name="李强",
                            caller_phone="13912340002", description="x")  # fmt: skip
        assert refused.value.messages == ["经核实不属实，无需处置。"]


class TestRespondAndClose:
    def test_a_published_response_stops_the_clock_on_time(self, event, setup_actor, owner):
        event = disposed(event, setup_actor, owner)
        result = event_respond(
            event=event,
            actor=setup_actor,
            kind=ResponseKind.PUBLISHED,
            text="已督促企业支付工资",
            channel="青岛工会官方微博",
            published_at=T0 + 3 * HOUR,
            now=T0 + 4 * HOUR,
        )
        assert (result.status, result.responded_at, result.responded_on_time) == (
            "responded",
            T0 + 3 * HOUR,
            True,
        )
        assert result.response_light(T0 + 100 * HOUR) == ""
        assert audit(event, "opinion_event.respond").get().after["on_time"] is True

    def test_a_decision_not_to_respond_needs_its_reason(self, event, setup_actor, owner):
        event = verified(event, setup_actor, owner, result="untrue")
        with pytest.raises(ValidationError) as refused:
            event_respond(event=event, actor=setup_actor, kind=ResponseKind.DECLINED, reason="")
        assert refused.value.message_dict == {"reason": ["请说明不予回应的理由。"]}
        result = event_respond(event=fresh(event), actor=setup_actor, kind=ResponseKind.DECLINED,
                               reason="帖文已删除，影响小", now=T0 + 50 * HOUR)  # fmt: skip
        assert (result.response_kind, result.responded_at, result.responded_on_time) == (
            ResponseKind.DECLINED,
            T0 + 50 * HOUR,
            False,
        )

    def test_a_response_from_the_future_is_refused(self, event, setup_actor, owner):
        event = disposed(event, setup_actor, owner)
        with pytest.raises(ValidationError) as refused:
            event_respond(event=event, actor=setup_actor, kind=ResponseKind.PUBLISHED, text="x",
                          channel="微博", published_at=T0 + 2 * HOUR, now=T0)  # fmt: skip
        assert refused.value.message_dict == {"published_at": ["时间不能晚于当前时间。"]}

    def test_a_true_event_closes_only_after_a_disposal(self, event, setup_actor, owner):
        event = verified(event, setup_actor, owner)
        event = event_respond(
            event=event,
            actor=setup_actor,
            kind=ResponseKind.PUBLISHED,
            text="已介入",
            channel="微博",
            published_at=T0,
            now=T0,
        )
        with pytest.raises(ValidationError) as refused:
            event_close(event=event, actor=setup_actor)
        assert refused.value.messages == ["经核实属实：请先登记处置措施，再办结。"]
        # Disposed after the response: it stays responded, and may now close.
        event_open_case(event=fresh(event), actor=setup_actor, caller_name="李强",
                        caller_phone="13912340002", description="欠薪")  # fmt: skip
        assert fresh(event).status == "responded"
        closed = event_close(event=fresh(event), actor=setup_actor, now=T0 + HOUR)
        assert (closed.status, closed.closed_at) == ("closed", T0 + HOUR)

    def test_closing_before_responding_is_refused(self, event, setup_actor, owner):
        event = disposed(event, setup_actor, owner)
        with pytest.raises(InvalidEventTransition) as refused:
            event_close(event=event, actor=setup_actor)
        assert refused.value.messages == ["状态为“已处置”的舆情事件不能办结。"]

    def test_the_whole_loop_leaves_its_timeline(self, event, setup_actor, owner):
        event = responded(event, setup_actor, owner)
        event_close(event=event, actor=setup_actor, note="已办结", now=T0)
        actions = list(
            AuditEvent.objects.filter(target_type="opinion.event", target_id=str(event.pk))
            .order_by("pk")
            .values_list("action", flat=True)
        )
        assert actions == [
            "opinion_event.assign",
            "opinion_event.acknowledge",
            "opinion_event.verify",
            "opinion_event.dispose",
            "opinion_event.respond",
            "opinion_event.close",
        ]
        # The timeline names each person with their unit, as a work order's does (it showed
        # the account names "setup", "owner").
        actors = [entry.actor for entry in event_timeline(event)]
        assert actors[:2] == ["setup", "owner（市南区）"]


class TestNotesAndEnterprise:
    def test_a_note_changes_no_version(self, event, setup_actor):
        event_add_note(event=event, actor=setup_actor, note="领导批示：高度关注", now=T0)
        assert fresh(event).version == 1
        assert audit(event, "opinion_event.note").get().reason == "领导批示：高度关注"

    def test_confirming_the_enterprise(self, shinan, setup_actor, registry):
        event = make_event(district=None)
        result = event_link_enterprise(
            event=event, actor=setup_actor, enterprise=registry.shinan_enterprise
        )
        assert (result.enterprise, result.enterprise_confirmed, result.district) == (
            registry.shinan_enterprise,
            True,
            shinan,
        )


@pytest.mark.django_db(transaction=True)
def test_two_verifications_at_once_one_wins_the_other_is_told(org_units, make_user):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    centre = make_user("centre", "centre_staff")
    unit_user = make_user("desk", "district_staff", "shinan")
    event = signed(make_event(district=org_units["shinan"]), centre, unit_user)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def verify(result: str) -> None:
        barrier.wait()
        try:
            event_verify(event=event, actor=unit_user, result=result, checks=["site_visit"],
                         note="核实", expected_version=event.version)  # fmt: skip
            outcomes.append("saved")
        except StaleEvent:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [threading.Thread(target=verify, args=(r,)) for r in ("true", "untrue")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["saved", "stale"]
    assert fresh(event).version == event.version + 1
    assert AuditEvent.objects.filter(action="opinion_event.verify").count() == 1


def test_an_event_without_an_employer_asks_for_one(shinan, setup_actor, make_user):
    event = make_event(district=shinan)
    event = verified(event, setup_actor, make_user("desk", "district_staff", "shinan"))
    with pytest.raises(ValidationError) as refused:
        event_open_case(event=event, actor=setup_actor, caller_name="李强",
                        caller_phone="13912340002", description="欠薪")  # fmt: skip
    assert refused.value.message_dict == {
        "employer_name": ["请提供用人单位的统一社会信用代码或名称。"]
    }
    case = event_open_case(event=fresh(event), actor=setup_actor, caller_name="李强",
                           caller_phone="13912340002", description="欠薪",
                           employer_name="青岛某劳务公司")  # fmt: skip
    assert (case.employer, case.employer_name_as_told) == (None, "青岛某劳务公司")
