"""Sign-for deadlines and escalation, the loop steps, and a warning opening a work order."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from laborwatch.cases.models import Case
from laborwatch.core.models import AuditEvent
from laborwatch.lib.transitions import save_change
from laborwatch.warnings.models import Warning, WarningEvent, WarningRouting, WarningStep
from laborwatch.warnings.services import (
    StaleWarning,
    StepNotAllowed,
    warning_acknowledge,
    warning_open_case,
    warning_record_step,
    warnings_sweep,
)
from tests.warnings.support import DAY0, T0, local, only_warning, signal, sync

pytestmark = pytest.mark.django_db


def open_warning(registry, grade: str = "orange", *rules: str) -> Warning:
    with time_machine.travel(T0, tick=False):
        sync(DAY0, signal(registry.shinan_enterprise, grade, *(rules or ("si_arrears",))), now=T0)
    return only_warning(enterprise=registry.shinan_enterprise)


def signed_for(warning: Warning, district_staff) -> Warning:
    """The district union signs for its warning before it acts on it."""
    warning_acknowledge(
        routing=warning.routings.get(org_unit=district_staff.org_unit), actor=district_staff
    )
    return only_warning(pk=warning.pk)


@pytest.mark.parametrize(
    ("grade", "due"),
    [
        ("red", local(2025, 3, 5, 12, 0)),  # 2 hours
        ("orange", local(2025, 3, 6, 10, 0)),  # 24 hours
        ("yellow", local(2025, 3, 10, 23, 59, 59)),  # 3 working days: Thu, Fri, Mon
        ("blue", local(2025, 3, 12, 23, 59, 59)),  # 5 working days
    ],
)
def test_sign_for_deadline_by_grade(registry, grade, due) -> None:
    warning = open_warning(registry, grade)
    assert set(warning.routings.values_list("acknowledge_due", flat=True)) == {due}


def test_yellow_deadline_skips_holidays(registry) -> None:
    # Routed on Tuesday 1 April 2025, 清明 (Apr 4-6) ahead: Wed, Thu, then Monday Apr 7.
    tuesday = local(2025, 4, 1, 9, 0)
    with time_machine.travel(tuesday, tick=False):
        sync(tuesday.date(), signal(registry.shinan_enterprise, "yellow"), now=tuesday)
    routing = WarningRouting.objects.get(org_unit__code="shinan")
    assert routing.acknowledge_due == local(2025, 4, 7, 23, 59, 59)


def test_unsigned_warning_escalates_once(registry, owner) -> None:
    warning = open_warning(registry, "red")
    with time_machine.travel(local(2025, 3, 5, 11, 59), tick=False):
        assert warnings_sweep().escalated == 0
        warning_acknowledge(routing=warning.routings.get(org_unit__code="shinan"), actor=owner)
    with time_machine.travel(local(2025, 3, 5, 12, 1), tick=False):
        # The district signed in time; labour inspection did not.
        assert warnings_sweep().escalated == 1
        assert warnings_sweep().escalated == 0
    late = WarningRouting.objects.get(org_unit__code="hrss-inspection")
    assert late.escalated_at == local(2025, 3, 5, 12, 1)
    event = WarningEvent.objects.get(kind="overdue")
    assert (event.warning_id, event.detail["unit"]) == (warning.pk, "hrss-inspection")
    assert (
        AuditEvent.objects.filter(action="warning.overdue", target_id=str(warning.pk)).count() == 1
    )


def test_sign_for_moves_open_to_verifying(registry, owner, liaison) -> None:
    warning = open_warning(registry)
    with time_machine.travel(local(2025, 3, 5, 11, 0), tick=False):
        routing = warning_acknowledge(
            routing=warning.routings.get(org_unit__code="shinan"), actor=owner
        )
    warning.refresh_from_db()
    assert (warning.status, warning.version) == ("verifying", 2)
    assert (routing.acknowledged_by, routing.acknowledged_at) == (owner, local(2025, 3, 5, 11, 0))
    # The department signs for its own routing; it cannot sign for the district's.
    with pytest.raises(PermissionDenied):
        warning_acknowledge(routing=routing, actor=liaison)
    with pytest.raises(ValidationError):
        warning_acknowledge(routing=routing, actor=owner)
    warning_acknowledge(
        routing=warning.routings.get(org_unit__code="hrss-inspection"), actor=liaison
    )
    assert AuditEvent.objects.filter(action="warning.acknowledge").count() == 2


def test_a_saved_change_moves_the_version_on_and_saves_only_its_fields(registry) -> None:
    warning = open_warning(registry)
    assert (warning.status, warning.grade, warning.version) == ("open", "orange", 1)
    warning.status = "verifying"
    warning.grade = "red"  # changed in memory but not named: stays as stored
    save_change(warning, fields=["status"], now=local(2025, 3, 5, 11, 0))
    warning.refresh_from_db()
    assert (warning.status, warning.grade, warning.version) == ("verifying", "orange", 2)
    assert warning.updated_at == local(2025, 3, 5, 11, 0)


def test_the_loop_from_verification_to_closure(registry, owner) -> None:
    warning = signed_for(open_warning(registry), owner)
    step = warning_record_step(
        warning=warning,
        actor=owner,
        kind="verification",
        outcome="confirmed",
        note="走访企业，确认拖欠两个月工资",
        expected_version=warning.version,
    )
    warning.refresh_from_db()
    assert (warning.status, warning.verified, step.outcome) == ("handling", True, "confirmed")
    for kind, outcome in (
        ("joint_handling", ""),
        ("service", "legal_aid"),
        ("root_cause", "collective_contract"),
    ):
        warning_record_step(warning=warning, actor=owner, kind=kind, outcome=outcome, note="已办理")
    warning_record_step(warning=warning, actor=owner, kind="closure", note="风险化解，办结")
    warning.refresh_from_db()
    assert warning.status == "closed"
    assert list(warning.steps.values_list("kind", "outcome")) == [
        ("verification", "confirmed"),
        ("joint_handling", ""),
        ("service", "legal_aid"),
        ("root_cause", "collective_contract"),
        ("closure", ""),
    ]
    actions = AuditEvent.objects.filter(target_id=str(warning.pk), actor=owner)
    assert actions.count() == 6  # the signature and five steps


@pytest.mark.parametrize(
    ("kind", "outcome"), [("verification", "unfounded"), ("verification", "confirmed")]
)
def test_a_district_acts_on_its_warning_only_once_signed_for(registry, owner, kind, outcome):
    warning = open_warning(registry)
    with pytest.raises(ValidationError) as error:
        warning_record_step(warning=warning, actor=owner, kind=kind, outcome=outcome, note="核实")
    assert error.value.messages == ["请先签收该预警。"]
    assert warning.can(kind, owner) is False
    unchanged = only_warning(pk=warning.pk)
    assert (unchanged.status, unchanged.version, unchanged.steps.count()) == ("open", 1, 0)


def test_unfounded_verification_closes_the_warning(registry, owner) -> None:
    warning = signed_for(open_warning(registry), owner)
    warning_record_step(
        warning=warning, actor=owner, kind="verification", outcome="unfounded", note="数据有误"
    )
    warning.refresh_from_db()
    assert (warning.status, warning.verified) == ("closed", False)


def test_step_rules(registry, owner) -> None:
    warning = open_warning(registry)
    with pytest.raises(ValidationError) as error:
        warning_record_step(warning=warning, actor=owner, kind="verification", note="")
    assert set(error.value.message_dict) == {"outcome", "note"}
    with pytest.raises(StepNotAllowed):
        warning_record_step(warning=warning, actor=owner, kind="closure", note="直接办结")
    with pytest.raises(StaleWarning):
        warning_record_step(
            warning=warning,
            actor=owner,
            kind="verification",
            outcome="confirmed",
            note="属实",
            expected_version=99,
        )
    assert WarningStep.objects.count() == 0
    assert only_warning(pk=warning.pk).status == "open"


def test_warning_opens_a_linked_work_order(registry, owner) -> None:
    warning = signed_for(open_warning(registry, "red", "si_arrears"), owner)
    case = warning_open_case(
        warning=warning,
        actor=owner,
        caller_name="刘强",
        caller_phone="13912345670",
        description="预警核实：企业拖欠12名职工两个月工资",
        workers_involved=12,
        amount_claimed=Decimal("96000"),
        expected_version=warning.version,
    )
    warning.refresh_from_db()
    assert warning.case == case
    assert (case.channel, case.category, case.employer, case.district.code) == (
        "department",
        "WAGE.ARREARS",
        registry.shinan_enterprise,
        "shinan",
    )
    assert case.workers_involved == 12
    assert AuditEvent.objects.filter(action="warning.open_case").get().after == {
        "case": case.number
    }
    with pytest.raises(ValidationError):
        warning_open_case(
            warning=warning,
            actor=owner,
            caller_name="刘强",
            caller_phone="13912345670",
            description="再开一张",
        )
    assert Case.objects.count() == 1


def test_a_leader_instructs_on_a_warning_through_its_work_order(
    registry, owner, leader, client_for
) -> None:
    warning = signed_for(open_warning(registry, "red", "si_arrears"), owner)
    page = client_for(leader).get(f"/warnings/{warning.pk}/")
    assert page.context["may_instruct"] is False  # no work order to supervise yet
    case = warning_open_case(
        warning=warning,
        actor=owner,
        caller_name="刘强",
        caller_phone="13912345670",
        description="预警核实：企业拖欠12名职工两个月工资",
    )
    page = client_for(leader).get(f"/warnings/{warning.pk}/")
    assert page.context["may_instruct"] is True
    assert f'href="/cases/{case.number}/#action-instruct"' in page.content.decode()
    assert client_for(owner).get(f"/warnings/{warning.pk}/").context["may_instruct"] is False


def test_layoff_warning_opens_a_layoff_work_order(registry, owner) -> None:
    with time_machine.travel(T0, tick=False):
        sync(
            DAY0,
            signal(registry.shinan_enterprise, "orange", "layoff_size", risk_type="mass_layoff"),
        )
    warning = signed_for(only_warning(risk_type="mass_layoff"), owner)
    case = warning_open_case(
        warning=warning,
        actor=owner,
        caller_name="刘强",
        caller_phone="13912345670",
        description="企业拟裁员60人",
    )
    assert case.category == "SEPARATION.LAYOFF"
