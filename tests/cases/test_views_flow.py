"""A work order through the browser: intake form → every transition → call-back → archive,
with the clock frozen where deadlines matter; the timeline, plan, referral and group pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from laborwatch.cases.models import Case, CasePlan, InboxItem, Milestone, Referral
from laborwatch.core.models import AuditEvent
from tests.cases.views_support import T0, fresh, make_case, post_action

pytestmark = pytest.mark.django_db

INTAKE = {
    "caller_name": "赵强",
    "caller_phone": "139 1234 0002",
    "caller_id_number": "",
    "employer_credit_code": "",
    "employer_name": "海岸电子",
    "category": "WAGE.ARREARS.MIGRANT",
    "request_type": "help",
    "description": "在海岸电子干了三个月，工资一直拖欠未发，共计18600元。",
    "amount_claimed": "18600",
    "workers_involved": "1",
    "arrears_from": "2024-12-01",
    "arrears_to": "2025-02-28",
    "project_name": "",
}


def case_events(case: Case) -> list[str]:
    return list(
        AuditEvent.objects.filter(target_type="cases.case", target_id=str(case.pk))
        .order_by("at", "pk")
        .values_list("action", flat=True)
    )


def test_walk_in_case_from_intake_to_archive(
    registry, owner, liaison, centre_staff, org_units, client_for
):
    client = client_for(owner)
    shinan = registry.shinan_enterprise
    with time_machine.travel(T0, tick=False) as clock:
        # Intake: the employer is told by its short name, so it waits for confirmation.
        page = client.get("/cases/new/?channel=walk_in")
        assert page.status_code == 200
        assert "工资报酬 / 拖欠工资 / 农民工工资拖欠" in page.content.decode()
        response = client.post("/cases/new/?channel=walk_in", INTAKE)
        case = Case.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/cases/{case.number}/"
        assert (case.channel, case.status, case.employer, case.district) == (
            "walk_in", "received", None, org_units["shinan"]
        )  # fmt: skip
        assert case.employer_name_as_told == "海岸电子"
        assert case.amount_claimed == Decimal("18600.00")
        assert (case.arrears_from, case.arrears_to) == (dt.date(2024, 12, 1), dt.date(2025, 2, 28))

        detail = client.get(response["Location"])
        text = detail.content.decode()
        assert f"工单 {case.number} 已登记。" in text
        assert [c.credit_code for c in detail.context["candidates"]] == [shinan.credit_code]
        assert "青岛海岸电子有限公司" in text
        # The district's staff: closing is the centre's.
        assert set(detail.context["forms"]) == {
            "accept", "assign", "note", "link_employer", "merge", "refer", "plan", "recategorise"
        }  # fmt: skip
        # The worker is at the desk: first contact is made at intake, no contact clock runs.
        assert case.worker_contacted_at == T0

        # Confirm the candidate.
        response = post_action(client, case, "link_employer", credit_code=shinan.credit_code)
        assert response.status_code == 302
        case = fresh(case)
        assert (case.employer, case.version) == (shinan, 2)

        clock.shift(dt.timedelta(minutes=10))
        assert post_action(client, case, "accept").status_code == 302
        case = fresh(case)
        # Accepted with the worker already reached: straight on to the feedback clock.
        assert (case.status, case.handler, case.accepted_at, case.sla_stage) == (
            "contacted",
            owner,
            T0 + dt.timedelta(minutes=10),
            "feedback",
        )

        clock.shift(dt.timedelta(minutes=10))
        response = post_action(
            client, case, "contact", worker_reached="on", employer_reached="on", note="电话联系"
        )
        assert response.status_code == 302
        case = fresh(case)
        assert case.status == "contacted"
        assert (case.worker_contacted_at, case.employer_contacted_at) == (
            T0,
            T0 + dt.timedelta(minutes=20),
        )

        clock.shift(dt.timedelta(hours=2))
        post_action(client, case, "feedback", note="已告知职工处理安排")
        case = fresh(case)
        assert (case.status, case.feedback_at) == ("feedback_given", T0 + dt.timedelta(minutes=140))

        assert (
            post_action(client, case, "handle", method="legal_aid", note="拟法律援助").status_code
            == 302
        )
        page = client.get(f"/cases/{case.number}/").content.decode()
        assert "变更办理方式" in page and "变更方式" in page  # no second "开始办理"
        post_action(client, fresh(case), "handle", method="mediation", note="组织调解")
        case = fresh(case)
        assert (case.status, case.handling_method) == ("in_handling", "mediation")

        # One case, one plan: four mediation milestones scheduled back from the deadline.
        response = post_action(client, case, "plan", goal="追回工资", deadline="2025-03-21")
        assert response.status_code == 302
        plan = CasePlan.objects.get(case=case)
        milestones = list(plan.milestones.order_by("order"))
        assert [m.due_on for m in milestones] == [
            dt.date(2025, 3, 11), dt.date(2025, 3, 14), dt.date(2025, 3, 18), dt.date(2025, 3, 21)
        ]  # fmt: skip
        assert {m.owner for m in milestones} == {owner}
        response = client.post(f"/cases/{case.number}/milestones/{milestones[0].pk}/done/")
        assert response.status_code == 302
        assert Milestone.objects.get(pk=milestones[0].pk).done_at == T0 + dt.timedelta(minutes=140)

        # Joint handling: refer to labour inspection; its liaison signs for it and replies.
        case = fresh(case)
        response = post_action(
            client,
            case,
            "refer",
            to_unit=org_units["hrss-inspection"].pk,
            request="请协助核查欠薪",
            reply_working_days="5",
        )
        assert response.status_code == 302
        referral = Referral.objects.get()
        assert (referral.state, referral.reply_due.date()) == ("sent", dt.date(2025, 3, 12))
        liaison_client = client_for(liaison)
        assert InboxItem.objects.filter(user=liaison, kind="referral", read_at=None).count() == 1
        page = liaison_client.get(f"/cases/{case.number}/")
        assert page.status_code == 200
        assert page.context["forms"] == {}
        assert page.context["referrals"][0].can_acknowledge is True
        # The liaison acts on its referral: the page does not call it read-only.
        assert page.context["answers_referral"] is True
        assert "但不能办理" not in page.content.decode()
        clock.shift(dt.timedelta(hours=1))
        url = f"/cases/{case.number}/referrals/{referral.pk}/"
        assert liaison_client.post(url + "acknowledge/").status_code == 302
        assert (
            liaison_client.post(url + "reply/", {"reply": "已约谈企业，责令支付"}).status_code
            == 302
        )
        referral.refresh_from_db()
        assert (referral.state, referral.reply, referral.replied_by) == (
            "replied", "已约谈企业，责令支付", liaison
        )  # fmt: skip
        assert InboxItem.objects.filter(user=owner, kind="referral").count() == 1

        clock.shift(dt.timedelta(days=2))
        case = fresh(case)
        response = post_action(
            client,
            case,
            "resolve",
            wages_recovered="18600.00",
            workers_covered="1",
            method="mediation",
            union_role="led",
            note="经调解企业支付全部工资",
        )
        assert response.status_code == 302
        case = fresh(case)
        assert (case.status, case.wages_recovered, case.union_role, case.breached_stages) == (
            "resolved", Decimal("18600.00"), "led", []
        )  # fmt: skip

        # The centre calls the worker back on the district's resolution, and archives.
        clock.shift(dt.timedelta(days=1))
        assert post_action(client, case, "call_back", satisfaction="5").status_code == 403
        centre = client_for(centre_staff)
        post_action(centre, case, "call_back", satisfaction="5", note="职工满意")
        case = fresh(case)
        assert (case.status, case.satisfaction) == ("called_back", 5)

        post_action(centre, case, "archive")
        case = fresh(case)
        assert case.status == "archived"
        assert case.version == 10  # one per transition, plus the employer link

    assert case_events(case) == [
        "case.create", "case.link_employer", "case.accept", "case.contact", "case.feedback",
        "case.handle", "case.handle", "case.plan", "case.milestone_done", "case.refer",
        "case.referral_acknowledge", "case.referral_reply", "case.resolve", "case.call_back",
        "case.archive",
    ]  # fmt: skip
    page = client.get(f"/cases/{case.number}/")
    labels = [str(entry.label) for entry in page.context["timeline"]]
    assert labels == [
        "登记", "确认用人单位", "已受理", "已联系当事方", "已向职工反馈", "开始办理",
        "变更办理方式", "制定方案", "完成节点", "转办", "签收转办", "转办回复", "已办结",
        "已回访", "已归档",
    ]  # fmt: skip
    # People by name and unit (not their login), the system by what it is.
    actors = [entry.actor for entry in page.context["timeline"]]
    assert sorted(set(actors)) == ["centre", "liaison（人社局劳动保障监察）", "owner（市南区）"]
    assert page.context["forms"] == {"note": page.context["forms"]["note"]}
    text = page.content.decode()
    assert "经调解企业支付全部工资" in text
    assert "18,600.00" in text


def test_close_call_back_and_reopen(registry, centre_staff, client_for):
    client = client_for(centre_staff)
    with time_machine.travel(T0, tick=False):
        case = make_case(registry.shinan_enterprise)
        post_action(client, case, "accept")
        case = fresh(case)
        response = post_action(client, case, "close", reason_code="withdrawn", note="职工撤回")
        assert response.status_code == 302
        case = fresh(case)
        assert (case.status, case.closure_reason) == ("closed", "withdrawn")
        post_action(client, case, "call_back", satisfaction="4")
        case = fresh(case)
        assert (case.status, case.satisfaction) == ("called_back", 4)
        response = post_action(client, case, "reopen", reason="职工反映企业未履行")
        assert response.status_code == 302
        case = fresh(case)
        assert (case.status, case.closed_at, case.closure_reason) == ("in_handling", None, "")


def test_assign_and_note(registry, owner, colleague, centre_staff, outsider, client_for):
    client = client_for(owner)
    case = make_case(registry.shinan_enterprise)
    page = client.get(f"/cases/{case.number}/")
    choices = {str(label) for _, label in page.context["forms"]["assign"].fields["handler"].choices}
    # A district hands its cases to its own staff; the centre hands to anyone who may handle.
    assert {"owner", "colleague"} <= choices
    assert "outsider" not in choices
    assert "centre" not in choices
    assert post_action(client, case, "assign", handler=colleague.pk).status_code == 302
    assert fresh(case).handler == colleague
    response = post_action(client, fresh(case), "note", note="职工补充了考勤记录")
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="case.note").get()
    assert (event.actor, event.reason) == (owner, "职工补充了考勤记录")
    # Someone outside the district cannot be made the handler.
    response = post_action(client, fresh(case), "assign", handler=outsider.pk)
    assert response.status_code == 400
    assert fresh(case).handler == colleague


def test_merge_possible_duplicate(registry, owner, client_for):
    client = client_for(owner)
    first = make_case(registry.shinan_enterprise)
    second = make_case(registry.shinan_enterprise, description="又来反映同一欠薪问题")
    assert second.possible_duplicate_of == first
    page = client.get(f"/cases/{second.number}/")
    assert page.context["duplicate"] == first
    assert page.context["forms"]["merge"]["target"].value() == first.number
    # The reason is required (the service says so, next to the field).
    response = post_action(client, second, "merge", target=first.number, reason=" ")
    assert response.status_code == 400
    assert "合并须说明理由。" in response.content.decode()
    assert fresh(second).status == "received"
    response = post_action(client, second, "merge", target=first.number, reason="同一职工重复来电")
    assert response.status_code == 302
    second = fresh(second)
    assert (second.status, second.merged_into) == ("merged", first)
    absorbed = AuditEvent.objects.get(action="case.absorb")
    assert (absorbed.target_id, absorbed.after) == (str(first.pk), {"absorbed": second.number})
    page = client.get(f"/cases/{second.number}/")
    assert page.context["forms"] == {}
    assert f"/cases/{first.number}/" in page.content.decode()


def test_group_case_members_and_totals(registry, owner, client_for):
    employer = registry.shinan_enterprise
    cases = [
        make_case(employer, caller_phone=f"1391234001{i}", caller_name=f"职工{i}",
                  amount_claimed=Decimal(amount), workers_involved=workers)
        for i, (amount, workers) in enumerate([("5000", 1), ("7000.50", 2), ("3000", 1)])
    ]  # fmt: skip
    group = fresh(cases[2]).group
    assert group is not None
    page = client_for(owner).get(f"/cases/{cases[2].number}/")
    view = page.context["group"]
    assert [c.number for c in view.members] == [c.number for c in cases]
    # Counted once (cases/figures.py): the two single callers (2 workers, ¥8,000) may be
    # those the caller for two spoke for (¥7,000.50); the larger of the two accounts stands.
    assert (view.cases, view.workers, view.amount_claimed) == (3, 2, Decimal("8000.00"))
    assert "8,000.00" in page.content.decode()


def test_superior_assignment_intake_runs_on_its_deadline(registry, centre_staff, client_for):
    client = client_for(centre_staff)
    with time_machine.travel(T0, tick=False):
        page = client.get("/cases/new/?channel=superior_assignment")
        assert {"assigned_by", "superior_deadline"} <= set(page.context["form"].fields)
        data = {
            **INTAKE,
            "employer_name": "",
            "employer_credit_code": registry.shinan_enterprise.credit_code,
        }
        response = client.post("/cases/new/?channel=superior_assignment", data)
        assert response.status_code == 200
        assert "督办件须注明督办单位。" in response.content.decode()
        assert "督办件须注明督办时限。" in response.content.decode()
        assert Case.objects.count() == 0
        data |= {"assigned_by": "山东省总工会", "superior_deadline": "2025-03-10T18:00"}
        response = client.post("/cases/new/?channel=superior_assignment", data)
        assert response.status_code == 302
    case = Case.objects.get()
    assert (case.channel, case.assigned_by, case.employer) == (
        "superior_assignment", "山东省总工会", registry.shinan_enterprise
    )  # fmt: skip
    assert case.resolve_due == dt.datetime(2025, 3, 10, 18, 0, tzinfo=T0.tzinfo)
