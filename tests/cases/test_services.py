"""Work-order services: intake, linking, duplicates and groups, the state machine, SLA clocks,
the sweep, referrals and plans. Time is frozen wherever a deadline matters."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from laborwatch.cases.linking import _name_candidates
from laborwatch.cases.models import ApiClient, Case, CaseGroup, InboxItem, Milestone, SlaPolicy
from laborwatch.cases.services import (
    InvalidTransition,
    StaleCase,
    case_accept,
    case_call_back,
    case_close,
    case_contact,
    case_give_feedback,
    case_intake,
    case_merge,
    case_reopen,
    case_resolve,
    case_start_handling,
    plan_create,
    referral_acknowledge,
    referral_create,
    referral_reply,
    sla_sweep,
)
from laborwatch.cases.services.inbox import inbox_notify
from laborwatch.core.models import AuditEvent, OrgUnit
from laborwatch.enterprises.models import Enterprise
from laborwatch.workers.models import Worker
from tests.factories import make_enterprise, valid_credit_code, valid_mobile

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)  # the eve of the National Day holiday


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def employer(org_units):
    return make_enterprise(
        org_units["shinan"],
        name="青岛鑫瑞泰建筑工程有限公司",
        short_names=["鑫瑞泰"],
        former_names=["青岛瑞泰建筑有限公司"],
        industry="E",
    )


def intake(employer=None, **overrides):
    values = {
        "actor": None,
        "channel": "hotline_12351",
        "caller_name": "张三",
        "caller_phone": "13812345678",
        "description": "公司拖欠我三个月工资共18600元。",
        "category": "WAGE.ARREARS.MIGRANT",
        "amount_claimed": Decimal("18600"),
    }
    if employer is not None:
        values["employer_credit_code"] = employer.credit_code
    values.update(overrides)
    return case_intake(**values)


def counts() -> tuple[int, int, int]:
    return Case.objects.count(), Worker.objects.count(), AuditEvent.objects.count()


class TestIntake:
    @time_machine.travel(T0, tick=False)
    def test_deadlines_follow_the_policy_and_the_holiday_calendar(self, employer):
        case = intake(employer).case
        assert case.number == "GD20260930000001"  # the first work order of 2026
        assert case.employer == employer
        assert case.district == employer.district
        assert case.accept_due == local(2026, 9, 30, 11, 0)
        assert case.feedback_due == local(2026, 10, 1, 10, 0)
        # 15 working days from 30 Sept skip 1-7 Oct and count the make-up Saturday 10 Oct.
        assert case.resolve_due == local(2026, 10, 27, 23, 59, 59)
        assert (case.sla_stage, case.next_due_at) == ("accept", case.accept_due)
        assert case.next_yellow_at == local(2026, 9, 30, 10, 45)

    @time_machine.travel(T0, tick=False)
    def test_most_specific_policy_wins(self, employer):
        SlaPolicy.objects.create(channel="", category_prefix="", resolve_working_days=20)
        SlaPolicy.objects.create(
            channel="hotline_12351",
            category_prefix="WAGE",
            resolve_working_days=5,
            feedback_hours=12,
        )
        case = intake(employer).case
        assert case.feedback_due == local(2026, 9, 30, 22, 0)
        assert case.resolve_due == local(2026, 10, 13, 23, 59, 59)

    @time_machine.travel(T0, tick=False)
    def test_superior_assignment_uses_its_own_deadline(self, employer):
        deadline = local(2026, 10, 9, 17, 0)
        case = intake(
            employer,
            channel="superior_assignment",
            assigned_by="省总工会",
            superior_deadline=deadline,
        ).case
        assert case.resolve_due == deadline
        with pytest.raises(ValidationError) as error:
            intake(employer, channel="superior_assignment")
        assert set(error.value.message_dict) == {"assigned_by", "superior_deadline"}

    def test_same_external_reference_returns_the_same_case(self, employer):
        client = ApiClient.objects.create(name="12351", token_digest="x" * 64, token_hint="x")
        first = intake(employer, api_client=client, external_ref="R-1")
        before = counts()
        again = intake(employer, api_client=client, external_ref="R-1")
        assert first.created and not again.created
        assert again.case.pk == first.case.pk
        assert counts() == before

    @time_machine.travel(T0, tick=False)
    def test_a_pushed_case_from_a_new_caller_takes_ten_queries(
        self, employer, django_assert_num_queries
    ):
        client = ApiClient.objects.create(name="12351", token_digest="x" * 64, token_hint="x")
        intake(employer, api_client=client, external_ref="R-1")  # SLA policies now in memory
        # Pushed before? The employer, the caller; inside a savepoint (the test's transaction
        # stands in for the real one): the caller registered, the employer's recent cases, the
        # number, the case, its audit events.
        with django_assert_num_queries(10):
            intake(employer, api_client=client, external_ref="R-2", caller_phone=valid_mobile())

    @time_machine.travel(T0, tick=False)
    def test_one_intake_writes_its_audit_events_in_order(self, employer):
        case = intake(employer, workers_involved=12).case
        events = list(
            AuditEvent.objects.order_by("pk").values_list("action", "target_id", "org_unit_id")
        )
        assert events[-3:] == [
            ("worker.create", str(case.worker_id), employer.district_id),
            ("case_group.create", str(case.group_id), employer.district_id),
            ("case.create", str(case.pk), employer.district_id),
        ]

    @time_machine.travel(T0, tick=False)
    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"caller_phone": ""}, "caller_phone"),
            ({"caller_phone": "12345"}, "caller_phone"),
            ({"caller_id_number": "370202199001010011"}, "caller_id_number"),
            ({"employer_credit_code": "91370200163562681A"}, "employer_credit_code"),
            ({"amount_claimed": Decimal("-1")}, "amount_claimed"),
            ({"arrears_from": dt.date(2026, 12, 1)}, "arrears_from"),
            ({"description": "x" * 5001}, "description"),
            ({"category": "NOPE"}, "category"),
            ({"workers_involved": 0}, "workers_involved"),
        ],
    )
    def test_bad_input_names_the_field_and_creates_nothing(self, employer, overrides, field):
        before = counts()
        with pytest.raises(ValidationError) as error:
            intake(employer, **overrides)
        assert field in error.value.message_dict
        assert counts() == before


class TestEmployerLinking:
    def test_by_exact_and_former_name(self, employer):
        assert intake(employer_name="青岛鑫瑞泰建筑工程有限公司").case.employer == employer
        result = intake(employer_name="青岛瑞泰建筑有限公司", caller_phone=valid_mobile())
        assert result.case.employer == employer
        assert result.candidates[0].method == "former_name"

    def test_short_name_gives_candidates_to_confirm(self, employer):
        result = intake(employer_name="鑫瑞泰")
        assert result.case.employer is None
        assert result.case.employer_name_as_told == "鑫瑞泰"
        assert [(c.credit_code, c.method) for c in result.candidates] == [
            (employer.credit_code, "short_name")
        ]

    def test_short_names_are_checked_against_the_registry_as_it_is_now(self, employer):
        assert [c.method for c in _name_candidates("鑫瑞泰")] == ["short_name"]
        # Renamed by another process: this one's index still has the old short name.
        Enterprise.objects.filter(pk=employer.pk).update(short_names=["瑞泰建筑"])
        assert _name_candidates("鑫瑞泰") == []

    def test_short_names_without_the_linker_come_from_a_registry_scan(self, employer, settings):
        settings.LABORWATCH_TEXT_LINKING = False
        assert [(c.credit_code, c.method) for c in _name_candidates("鑫瑞泰")] == [
            (employer.credit_code, "short_name")
        ]
        assert [c.method for c in _name_candidates("青岛瑞泰建筑有限公司")] == ["former_name"]

    def test_typo_gives_a_fuzzy_candidate_and_anonymised_names_none(self, employer):
        fuzzy = intake(employer_name="青岛鑫瑞太建筑工程有限公司").candidates
        assert [c.credit_code for c in fuzzy] == [employer.credit_code]
        assert fuzzy[0].method == "fuzzy"
        assert intake(employer_name="某建筑公司", caller_phone=valid_mobile()).candidates == []

    def test_unknown_valid_code_is_kept_as_told(self, org_units):
        code = valid_credit_code(division="370211")
        case = intake(employer_credit_code=code).case
        assert case.employer is None
        assert case.employer_name_as_told == code

    def test_a_trade_name_shared_by_two_firms_ranks_the_callers_district_first(self, org_units):
        licang = make_enterprise(org_units["licang"], name="青岛市李沧区国联运输有限公司")
        huangdao = make_enterprise(org_units["huangdao"], name="青岛市黄岛区国联运输有限公司")
        told = {"employer_name": "国联运输", "description": "国联运输拖欠我们三个月工资。"}
        both = {licang.credit_code, huangdao.credit_code}

        def ranked(district=None, project_name="", phone="13812345678"):
            result = intake(
                district=district,
                project_name=project_name,
                caller_phone=phone,
                category="",
                **told,
            )
            assert result.case.employer is None  # ambiguous: the handler confirms one
            return [c.credit_code for c in result.candidates]

        # The district union taking the call, or the project named, tells which one.
        assert ranked(org_units["huangdao"])[:2] == [huangdao.credit_code, licang.credit_code]
        assert ranked(org_units["licang"], phone=valid_mobile())[0] == licang.credit_code
        assert ranked(project_name="黄岛区滨海大道项目", phone=valid_mobile())[0] == (
            huangdao.credit_code
        )
        # Without a context the two are equally likely, and both are offered.
        assert set(ranked(phone=valid_mobile())) == both


class TestDuplicatesAndGroups:
    def test_same_worker_same_employer_is_flagged_and_merge_is_recorded(
        self, employer, centre_staff
    ):
        first = intake(employer).case
        second = intake(employer).case
        assert second.worker_id == first.worker_id
        assert second.possible_duplicate_of_id == first.pk
        merged = case_merge(source=second, target=first, actor=centre_staff, reason="重复来电")
        assert (merged.status, merged.merged_into_id) == ("merged", first.pk)
        actions = set(
            AuditEvent.objects.filter(action__in=["case.merge", "case.absorb"]).values_list(
                "action", "target_id"
            )
        )
        assert actions == {("case.merge", str(second.pk)), ("case.absorb", str(first.pk))}
        with pytest.raises(InvalidTransition):
            case_merge(source=second, target=first, actor=centre_staff, reason="再次")
        with pytest.raises(ValidationError):
            case_merge(source=first, target=first, actor=centre_staff, reason="x")

    def test_three_workers_in_the_window_make_one_group(self, employer):
        with time_machine.travel(T0, tick=False):
            cases = [intake(employer, caller_phone=valid_mobile()).case for _ in range(3)]
        refreshed = [Case.objects.get(pk=c.pk) for c in cases]
        assert {c.group_id for c in refreshed} == {refreshed[0].group_id}
        assert refreshed[0].group_id is not None
        with time_machine.travel(T0 + dt.timedelta(days=45), tick=False):
            late = intake(employer, caller_phone=valid_mobile()).case
        assert late.group_id is None
        assert CaseGroup.objects.count() == 1

    def test_one_claim_for_many_workers_is_a_group(self, employer):
        case = intake(employer, workers_involved=12).case
        assert case.group is not None

    def test_a_new_caller_is_registered_with_the_employer_named(self, employer):
        case = intake(employer, caller_phone=valid_mobile()).case
        assert case.worker.employer == employer
        unknown = intake(caller_phone=valid_mobile(), employer_name="某不知名公司").case
        assert unknown.worker.employer is None

    def test_a_group_case_is_of_one_kind_of_demand(self, employer):
        wages = intake(employer, workers_involved=12).case
        contract = intake(
            employer,
            caller_phone=valid_mobile(),
            category="CONTRACT.UNSIGNED",
            description="未签合同",
        ).case
        more_wages = intake(employer, caller_phone=valid_mobile(), category="WAGE.ARREARS").case
        assert contract.group_id is None
        assert wages.group_id == more_wages.group_id is not None


def walk_to_handling(case, actor):
    case = case_accept(case=case, actor=actor)
    case = case_contact(case=case, actor=actor, worker_reached=True, employer_reached=True)
    case = case_give_feedback(case=case, actor=actor, note="已告知职工处理进度")
    return case_start_handling(case=case, actor=actor, method="mediation")


class TestHandlingLoop:
    def test_full_loop_records_every_transition(self, employer, centre_staff):
        case = walk_to_handling(intake(employer).case, centre_staff)
        case = case_resolve(
            case=case,
            actor=centre_staff,
            wages_recovered=Decimal("18600"),
            workers_covered=1,
            method="mediation",
            union_role="led",
            note="调解成功，工资已到账",
        )
        case = case_call_back(case=case, actor=centre_staff, satisfaction=5)
        assert (case.status, case.version, case.satisfaction) == ("called_back", 7, 5)
        assert case.next_due_at is None
        actions = list(
            AuditEvent.objects.filter(target_id=str(case.pk), target_type="cases.case")
            .order_by("pk")
            .values_list("action", flat=True)
        )
        assert actions == [
            "case.create",
            "case.accept",
            "case.contact",
            "case.feedback",
            "case.handle",
            "case.resolve",
            "case.call_back",
        ]

    def test_wrong_order_and_stale_versions_change_nothing(self, employer, centre_staff):
        case = intake(employer).case
        with pytest.raises(InvalidTransition):
            case_give_feedback(case=case, actor=centre_staff, note="跳过受理")
        accepted = case_accept(case=case, actor=centre_staff, expected_version=1)
        with pytest.raises(StaleCase):
            case_contact(
                case=accepted,
                actor=centre_staff,
                worker_reached=True,
                employer_reached=False,
                expected_version=1,
            )
        fresh = Case.objects.get(pk=case.pk)
        assert (fresh.status, fresh.version, fresh.worker_contacted_at) == ("accepted", 2, None)

    def test_reopen_needs_a_reason_and_returns_to_handling(self, employer, centre_staff):
        case = case_close(
            case=intake(employer).case, actor=centre_staff, reason_code="withdrawn", note="职工撤回"
        )
        with pytest.raises(ValidationError):
            case_reopen(case=case, actor=centre_staff, reason=" ")
        reopened = case_reopen(case=case, actor=centre_staff, reason="职工再次来电，问题未解决")
        assert (reopened.status, reopened.closed_at, reopened.sla_stage) == (
            "in_handling",
            None,
            "resolve",
        )

    def test_late_acceptance_is_recorded_as_a_breach(self, employer, centre_staff):
        with time_machine.travel(T0, tick=False):
            case = intake(employer).case
        with time_machine.travel(T0 + dt.timedelta(hours=2), tick=False):
            accepted = case_accept(case=case, actor=centre_staff)
        assert accepted.breached_stages == ["accept"]


class TestSlaLightsAndSweep:
    def test_lights_urge_and_escalate_once(self, employer, centre_staff, make_user):
        head = make_user("head", "centre_staff")
        head.is_unit_head = True
        head.org_unit = OrgUnit.objects.get(code="centre")
        head.save()
        with time_machine.travel(T0, tick=False):
            case = case_accept(case=intake(employer).case, actor=centre_staff)
        assert case.sla_light(T0 + dt.timedelta(minutes=30)) == "green"
        assert case.sla_light(T0 + dt.timedelta(minutes=50)) == "yellow"
        assert case.sla_light(T0 + dt.timedelta(minutes=61)) == "red"

        assert sla_sweep(now=T0 + dt.timedelta(minutes=30)).urged == 0
        result = sla_sweep(now=T0 + dt.timedelta(minutes=50))
        assert (result.urged, result.escalated) == (1, 0)
        assert list(InboxItem.objects.values_list("user__username", "kind")) == [("centre", "urge")]
        result = sla_sweep(now=T0 + dt.timedelta(minutes=70))
        assert (result.urged, result.escalated) == (0, 1)
        again = sla_sweep(now=T0 + dt.timedelta(minutes=80))
        assert (again.urged, again.escalated) == (0, 0)
        assert InboxItem.objects.filter(user=head, kind="escalation").count() == 1
        assert AuditEvent.objects.filter(action="case.escalate").count() == 1


class TestReferralsAndPlans:
    def test_referral_is_signed_for_and_answered_by_the_receiver_only(
        self, employer, centre_staff, liaison, outsider
    ):
        with time_machine.travel(T0, tick=False):
            case = case_accept(case=intake(employer).case, actor=centre_staff)
            referral = referral_create(
                case=case,
                actor=centre_staff,
                to_unit=liaison.org_unit,
                request="请协助核查欠薪事实",
            )
        assert referral.acknowledge_due == local(2026, 10, 8, 23, 59, 59)
        assert InboxItem.objects.filter(user=liaison, kind="referral").count() == 1
        with pytest.raises(PermissionDenied):
            referral_acknowledge(referral=referral, actor=outsider)
        with time_machine.travel(local(2026, 10, 9, 9, 0), tick=False):
            assert sla_sweep().referrals_escalated == 1
            assert sla_sweep().referrals_escalated == 0
            signed = referral_acknowledge(referral=referral, actor=liaison)
        assert signed.state == "acknowledged"
        assert AuditEvent.objects.get(action="case.referral_acknowledge").after["late"] is True
        replied = referral_reply(referral=signed, actor=liaison, reply="已责令企业限期支付")
        assert replied.state == "replied"

    @time_machine.travel(T0, tick=False)
    def test_plan_milestones_are_scheduled_back_from_the_deadline(self, employer, centre_staff):
        case = walk_to_handling(intake(employer).case, centre_staff)
        plan = plan_create(
            case=case, actor=centre_staff, goal="追回工资", deadline=dt.date(2026, 10, 16)
        )
        dues = list(plan.milestones.order_by("order").values_list("due_on", flat=True))
        # 8, 5, 3 and 0 working days before Fri 16 Oct; Sat 10 Oct is a make-up working day
        # and 1-7 Oct are holidays, so 8 working days back lands on 30 Sept.
        assert dues == [
            dt.date(2026, 9, 30),
            dt.date(2026, 10, 10),
            dt.date(2026, 10, 13),
            dt.date(2026, 10, 16),
        ]
        with time_machine.travel(local(2026, 10, 1, 9, 0), tick=False):
            assert sla_sweep().milestones_flagged == 1
            assert sla_sweep().milestones_flagged == 0
        assert Milestone.objects.exclude(overdue_notified_at=None).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_handlers_saving_at_once_one_wins_the_other_is_told(org_units, centre_staff):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    employer = make_enterprise(org_units["shinan"])
    case = case_accept(case=intake(employer).case, actor=centre_staff)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def contact() -> None:
        barrier.wait()
        try:
            case_contact(
                case=case,
                actor=centre_staff,
                worker_reached=True,
                employer_reached=False,
                expected_version=case.version,
            )
            outcomes.append("saved")
        except StaleCase:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [threading.Thread(target=contact) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["saved", "stale"]
    assert Case.objects.get(pk=case.pk).version == case.version + 1


class TestLaterChecks:
    def test_reopen_gives_a_fresh_resolution_window(self, employer, centre_staff):
        with time_machine.travel(T0, tick=False):
            case = case_close(
                case=intake(employer).case,
                actor=centre_staff,
                reason_code="withdrawn",
                note="职工撤回",
            )
        with time_machine.travel(local(2026, 11, 2, 9, 0), tick=False):
            reopened = case_reopen(case=case, actor=centre_staff, reason="问题复发")
            assert reopened.resolve_due == local(2026, 11, 23, 23, 59, 59)
            assert reopened.sla_light() == "green"

    def test_linking_an_employer_later_finds_duplicates_and_groups(self, employer, centre_staff):
        from laborwatch.cases.services import case_link_employer

        known = intake(employer).case
        told = intake(employer_name="鑫瑞泰").case  # same caller, employer only by short name
        assert told.employer is None and told.possible_duplicate_of is None
        linked = case_link_employer(case=told, actor=centre_staff, enterprise=employer)
        assert linked.possible_duplicate_of_id == known.pk
        for _ in range(2):
            intake(employer, caller_phone=valid_mobile())
        assert Case.objects.get(pk=linked.pk).group_id is not None

    def test_merge_checks_the_version_the_user_saw(self, employer, centre_staff):
        first, second = intake(employer).case, intake(employer).case
        case_accept(case=second, actor=centre_staff)
        with pytest.raises(StaleCase):
            case_merge(
                source=second, target=first, actor=centre_staff, reason="重复", expected_version=1
            )
        assert Case.objects.get(pk=second.pk).status == "accepted"


@time_machine.travel(T0, tick=False)
def test_milestones_of_finished_cases_are_not_flagged(employer, centre_staff):
    case = walk_to_handling(intake(employer).case, centre_staff)
    plan_create(case=case, actor=centre_staff, goal="追回工资", deadline=dt.date(2026, 10, 16))
    case_close(case=case, actor=centre_staff, reason_code="withdrawn", note="职工撤回")
    with time_machine.travel(local(2026, 10, 20, 9, 0), tick=False):
        assert sla_sweep().milestones_flagged == 0


class TestIntakeLimits:
    @time_machine.travel(T0, tick=False)
    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"external_ref": "R" * 65}, "external_ref"),
            ({"caller_name": "张" * 61}, "caller_name"),
            ({"project_name": "工" * 201}, "project_name"),
            ({"amount_claimed": Decimal("1000000000000")}, "amount_claimed"),
            ({"amount_claimed": Decimal("1.234")}, "amount_claimed"),
            ({"workers_involved": 2**31}, "workers_involved"),
            ({"request_type": "gossip"}, "request_type"),
            ({"received_at": dt.datetime(1, 1, 1, tzinfo=SHANGHAI)}, "received_at"),
        ],
    )
    def test_out_of_range_values_are_refused_before_the_database(self, employer, overrides, field):
        before = counts()
        with pytest.raises(ValidationError) as error:
            intake(employer, **overrides)
        assert field in error.value.message_dict
        assert counts() == before

    @time_machine.travel(T0, tick=False)
    def test_a_time_without_offset_is_beijing_time(self, employer):
        case = intake(employer, received_at=dt.datetime(2026, 9, 30, 9, 0)).case
        assert case.received_at == local(2026, 9, 30, 9, 0)

    def test_a_new_id_number_is_not_merged_into_a_phone_match(self, employer):
        from tests.factories import valid_id_number

        first = intake(employer, caller_id_number=valid_id_number()).case
        second = intake(employer, caller_id_number=valid_id_number()).case
        assert first.worker_id != second.worker_id


class TestTextEngineAtIntake:
    def test_omitted_category_is_classified_and_the_suggestion_kept(self, employer):
        case = intake(employer, category="", description="工地包工头拖欠我们三个月工资").case
        assert (case.category, case.suggested_category) == ("WAGE.ARREARS.MIGRANT",) * 2
        assert case.category_confidence is not None and case.category_confidence > 0
        chosen = intake(employer, category="INSURANCE.ARREARS", caller_phone=valid_mobile())
        assert chosen.case.category == "INSURANCE.ARREARS"
        assert chosen.case.suggested_category == "WAGE.ARREARS.STAFF"

    def test_a_correction_becomes_training_data(self, employer, centre_staff):
        from laborwatch.cases.models import CategoryLabel
        from laborwatch.cases.services import case_recategorise

        case = intake(employer, category="", description="公司一直不给我们交社保").case
        fixed = case_recategorise(
            case=case,
            actor=centre_staff,
            category="INSURANCE.PENSION",
            expected_version=case.version,
        )
        label = CategoryLabel.objects.get()
        assert (label.case_id, label.category, label.previous_category, label.text) == (
            case.pk,
            "INSURANCE.PENSION",
            case.category,
            "公司一直不给我们交社保",
        )
        assert fixed.category == "INSURANCE.PENSION"
        with pytest.raises(ValidationError):
            case_recategorise(case=fixed, actor=centre_staff, category="NOPE")
        assert CategoryLabel.objects.count() == 1

    def test_a_confirmed_told_name_links_at_once_next_time(self, employer, centre_staff):
        from laborwatch.cases.services import case_link_employer

        told = intake(employer_name="瑞泰建工").case
        assert told.employer is None
        case_link_employer(case=told, actor=centre_staff, enterprise=employer)
        again = intake(employer_name="瑞泰建工", caller_phone=valid_mobile())
        assert again.case.employer == employer
        assert again.candidates[0].method == "alias"

    def test_the_description_names_the_employer_when_the_caller_does_not(self, employer):
        result = intake(
            employer_name="某公司",
            description="我在青岛鑫瑞泰建筑工程有限公司的工地干了三个月，工资没发。",
        )
        # The told name is anonymised, but the description gives the full registered name.
        assert result.case.employer == employer
        assert [(c.credit_code, c.method) for c in result.candidates] == [
            (employer.credit_code, "text")
        ]


def test_export_labels_writes_handler_decisions(employer, centre_staff, tmp_path):
    import json

    from laborwatch.cases.services import case_recategorise
    from laborwatch.cli import main

    case = intake(employer, category="", description="公司一直不给我们交社保").case
    case_recategorise(case=case, actor=centre_staff, category="INSURANCE.PENSION")
    intake(employer, category="", description="老板欠薪两个月", caller_phone=valid_mobile())
    out = tmp_path / "labels.jsonl"
    assert main(["export-labels", "--out", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows == [{"text": "公司一直不给我们交社保", "category": "INSURANCE.PENSION"}]


@pytest.mark.django_db
def test_inbox_notify_leaves_one_unread_notice_per_user(employer, owner, colleague) -> None:
    case = intake(employer).case
    inbox_notify(
        users=[owner, colleague], case=case, kind=InboxItem.Kind.URGE, message="催办", now=T0
    )
    notices = InboxItem.objects.filter(case=case, kind="urge").order_by("user__username")
    assert [(n.user, n.message, n.created_at, n.read_at) for n in notices] == [
        (colleague, "催办", T0, None),
        (owner, "催办", T0, None),
    ]
