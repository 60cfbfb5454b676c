"""The daily sync: dedup, evidence, grade events, auto-resolution, inhibition, routing."""

from __future__ import annotations

import datetime as dt

import pytest

from laborwatch.core.models import AuditEvent
from laborwatch.warnings.models import Warning, WarningEvent, WarningRouting
from laborwatch.warnings.services import merge_evidence
from tests.warnings.support import DAY0, local, only_warning, signal, sync

pytestmark = pytest.mark.django_db

DAY1 = DAY0 + dt.timedelta(days=1)
DAY2 = DAY0 + dt.timedelta(days=2)


def routed_units(warning: Warning) -> list[str]:
    return sorted(warning.routings.values_list("org_unit__code", flat=True))


def event_kinds(warning: Warning) -> list[str]:
    return list(warning.events.order_by("pk").values_list("kind", flat=True))


def test_a_new_signal_opens_one_warning_with_events_and_audit(registry) -> None:
    firm = registry.shinan_enterprise
    result = sync(DAY0, signal(firm, "orange", "si_arrears"))
    warning = only_warning(enterprise=firm)
    assert (result.opened, result.changed) == (1, 1)
    assert (warning.grade, warning.status, warning.score) == ("orange", "open", 65.0)
    assert (warning.first_seen_on, warning.last_seen_on, warning.signal_count) == (DAY0, DAY0, 1)
    assert warning.district.code == "shinan"
    assert event_kinds(warning) == ["opened"]
    audit = AuditEvent.objects.get(action="warning.open")
    assert (audit.target_id, audit.actor_label, audit.org_unit.code) == (
        str(warning.pk),
        "score",
        "shinan",
    )
    assert audit.after["routed_to"] == ["shinan", "hrss-inspection"]


def test_repeated_signal_is_deduplicated_and_adds_evidence(registry) -> None:
    firm = registry.shinan_enterprise
    sync(DAY0, signal(firm, "orange", "si_arrears", values={"si_arrears": 2.0}))
    result = sync(DAY1, signal(firm, "orange", "si_arrears", "labor_cases"))
    assert Warning.objects.count() == 1
    warning = only_warning(enterprise=firm)
    assert (result.opened, result.evidence_added) == (0, 1)
    assert warning.signal_count == 2
    assert [(e["rule"], e["first_seen_on"], e["last_seen_on"]) for e in warning.evidence] == [
        ("si_arrears", "2025-03-05", "2025-03-06"),
        ("labor_cases", "2025-03-06", "2025-03-06"),
    ]
    assert event_kinds(warning) == ["opened", "evidence"]
    # The new rule's departments (仲裁 → arbitration and court) are routed too.
    assert routed_units(warning) == ["arbitration", "court", "hrss-inspection", "shinan"]

    # The same evidence again: counted, no event.
    result = sync(DAY2, signal(firm, "orange", "si_arrears", "labor_cases"))
    assert (result.repeated, result.changed) == (1, 0)
    warning.refresh_from_db()
    assert warning.signal_count == 3
    assert event_kinds(warning) == ["opened", "evidence"]


def test_grade_changes_are_escalation_and_de_escalation_events(registry) -> None:
    firm = registry.shinan_enterprise
    sync(DAY0, signal(firm, "yellow"))
    assert sync(DAY1, signal(firm, "red")).escalated == 1
    assert sync(DAY2, signal(firm, "orange")).de_escalated == 1
    warning = only_warning(enterprise=firm)
    assert (warning.grade, warning.peak_grade) == ("orange", "red")
    events = list(warning.events.values_list("kind", "grade_before", "grade_after", "on"))
    assert events == [
        ("opened", "", "yellow", DAY0),
        ("escalated", "yellow", "red", DAY1),
        ("de_escalated", "red", "orange", DAY2),
    ]
    actions = list(
        AuditEvent.objects.filter(target_type="warnings.warning")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["warning.open", "warning.escalate", "warning.de_escalate"]


def test_escalation_pulls_unsigned_deadlines_forward(registry) -> None:
    firm = registry.shinan_enterprise
    sync(DAY0, signal(firm, "yellow"), now=local(2025, 3, 5, 6, 0))
    routing = WarningRouting.objects.get(org_unit__code="shinan")
    assert routing.acknowledge_due == local(2025, 3, 10, 23, 59, 59)  # 3 working days
    sync(DAY1, signal(firm, "red"), now=local(2025, 3, 6, 6, 0))
    routing.refresh_from_db()
    assert routing.acknowledge_due == local(2025, 3, 6, 8, 0)  # red: 2 hours


def test_auto_resolved_after_clean_days(registry, settings) -> None:
    settings.LABORWATCH_WARNINGS = {"clean_days": 3}
    firm = registry.shinan_enterprise
    sync(DAY0, signal(firm, "orange"))
    for offset in (1, 2):
        result = sync(DAY0 + dt.timedelta(days=offset))
        assert result.resolved == 0
    warning = only_warning(enterprise=firm)
    assert (warning.status, warning.clean_since) == ("open", DAY1)
    result = sync(DAY0 + dt.timedelta(days=3))
    warning.refresh_from_db()
    assert result.resolved == 1
    assert (warning.status, warning.resolved_on) == ("resolved", DAY0 + dt.timedelta(days=3))
    assert event_kinds(warning) == ["opened", "resolved"]
    # A signal on a later day opens a new warning; the resolved one stays as it was.
    sync(DAY0 + dt.timedelta(days=4), signal(firm, "blue"))
    assert list(Warning.objects.order_by("pk").values_list("status", "grade")) == [
        ("resolved", "orange"),
        ("open", "blue"),
    ]


def test_a_signal_resets_the_clean_run(registry, settings) -> None:
    settings.LABORWATCH_WARNINGS = {"clean_days": 2}
    firm = registry.shinan_enterprise
    sync(DAY0, signal(firm, "orange"))
    sync(DAY1)
    sync(DAY2, signal(firm, "orange"))
    sync(DAY2 + dt.timedelta(days=1))
    warning = only_warning(enterprise=firm)
    assert (warning.status, warning.clean_since) == ("open", DAY2 + dt.timedelta(days=1))


def test_higher_grade_inhibits_a_lower_duplicate(registry) -> None:
    firm = registry.shinan_enterprise
    sync(
        DAY0,
        signal(firm, "red", "si_arrears"),
        signal(firm, "yellow", "collective_complaints", risk_type="collective_dispute"),
    )
    red = only_warning(risk_type="wage_arrears")
    yellow = only_warning(risk_type="collective_dispute")
    assert (red.inhibited_by_id, yellow.inhibited_by_id) == (None, red.pk)
    assert event_kinds(yellow) == ["opened", "inhibited"]
    assert routed_units(yellow) == []  # the red warning stands for it
    # The red one resolves: the lower one is released and routed on its own.
    sync(
        DAY1,
        signal(firm, "blue", "si_arrears"),
        signal(firm, "yellow", "collective_complaints", risk_type="collective_dispute"),
    )
    red.refresh_from_db()
    yellow.refresh_from_db()
    assert red.inhibited_by_id == yellow.pk  # now blue, below yellow
    assert yellow.inhibited_by_id is None
    assert event_kinds(yellow) == ["opened", "inhibited", "released"]
    assert routed_units(yellow) == ["hrss-inspection", "shinan"]


def test_a_warning_released_on_a_clean_day_is_routed_when_its_signal_returns(
    registry, settings
) -> None:
    """Released from inhibition on a day without its own signal, a warning asks no unit to
    sign for it; it is routed the day its signal comes back."""
    settings.LABORWATCH_WARNINGS = {"clean_days": 2}
    firm = registry.shinan_enterprise
    dispute = signal(firm, "yellow", "collective_complaints", risk_type="collective_dispute")
    sync(DAY0, signal(firm, "red", "si_arrears"), dispute)
    sync(DAY1, dispute)  # the red one goes clean
    result = sync(DAY2)  # the red one resolves; the yellow one is clean today
    red = only_warning(risk_type="wage_arrears")
    yellow = only_warning(risk_type="collective_dispute")
    assert (red.status, yellow.status, yellow.clean_since) == ("resolved", "open", DAY2)
    assert yellow.inhibited_by_id is None
    assert event_kinds(yellow) == ["opened", "inhibited", "released"]
    assert (result.released, result.routings) == (1, 0)
    assert routed_units(yellow) == []
    day3 = DAY2 + dt.timedelta(days=1)
    result = sync(day3, dispute, now=local(2025, 3, 8, 6, 0))
    yellow.refresh_from_db()
    assert (yellow.clean_since, yellow.last_seen_on) == (None, day3)
    assert result.routings == 2
    assert routed_units(yellow) == ["hrss-inspection", "shinan"]
    assert set(yellow.routings.values_list("routed_at", flat=True)) == {local(2025, 3, 8, 6, 0)}


def test_routing_by_district_and_department(registry) -> None:
    sync(
        DAY0,
        signal(
            registry.huangdao_enterprise,
            "red",
            "wage_account_unpaid",
            "enforcement",
            "revenue_drop_wages",
        ),
    )
    warning = only_warning(enterprise=registry.huangdao_enterprise)
    # 住建 → housing and labour inspection; 法院 → court; 税务 provides data, receives nothing.
    assert routed_units(warning) == ["court", "housing", "hrss-inspection", "huangdao"]
    reasons = dict(warning.routings.values_list("org_unit__code", "reason"))
    assert reasons["huangdao"] == "district"
    assert reasons["court"] == "department"


def test_unknown_enterprises_are_counted_not_created(registry) -> None:
    from laborwatch.warnings.scores import Signal

    ghost = Signal("91370200MA0000001X", "wage_arrears", "red", 90.0, [], [])
    result = sync(DAY0, ghost)
    assert (result.unknown_enterprises, Warning.objects.count()) == (1, 0)


def test_syncing_a_day_twice_changes_nothing(registry) -> None:
    firm = registry.shinan_enterprise
    signals = [signal(firm, "orange"), signal(registry.huangdao_enterprise, "red")]
    sync(DAY0, *signals)
    counts = (
        Warning.objects.count(),
        WarningEvent.objects.count(),
        WarningRouting.objects.count(),
        AuditEvent.objects.count(),
    )
    rows = list(Warning.objects.values())
    result = sync(DAY0, *signals)
    assert result.changed == 0
    assert result.already_synced == 2
    assert (
        Warning.objects.count(),
        WarningEvent.objects.count(),
        WarningRouting.objects.count(),
        AuditEvent.objects.count(),
    ) == counts
    assert list(Warning.objects.values()) == rows


def test_merge_evidence_keeps_rules_that_stopped_firing() -> None:
    day0, day1 = dt.date(2025, 1, 1), dt.date(2025, 1, 2)
    first, new, changed = merge_evidence([], [{"rule": "a", "value": 1, "points": 10}], day0)
    assert (new, changed) == (["a"], True)
    same = merge_evidence(first, [{"rule": "a", "value": 1, "points": 10}], day1, day0)
    assert same == (first, [], False)
    merged, new, changed = merge_evidence(
        first, [{"rule": "b", "value": 5, "points": 20}], day1, day0
    )
    assert (new, changed) == (["b"], True)
    assert [(e["rule"], e["last_seen_on"]) for e in merged] == [
        ("b", "2025-01-02"),
        ("a", "2025-01-01"),
    ]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"clean_day": 3}, "只能包含"),
        ({"clean_days": 0}, "clean_days 应为 1 至 365 的整数"),
        ({"clean_days": 366}, "clean_days 应为 1 至 365 的整数"),
        ({"acknowledge": {"purple": {"hours": 1}}}, "未知的预警等级"),
        ({"acknowledge": {"red": {"minutes": 30}}}, "acknowledge.red 应为"),
        ({"acknowledge": {"red": {"hours": -1}}}, "时限应为 1 至 720 的整数"),
        ({"acknowledge": {"red": {"hours": 10**12}}}, "时限应为 1 至 720 的整数"),
        ({"acknowledge": {"blue": {"working_days": 10**8}}}, "时限应为 1 至 60 的整数"),
        ({"acknowledge": []}, "acknowledge 应为"),
        ([], "只能包含"),
        (False, "只能包含"),
    ],
)
def test_a_wrong_policy_override_is_named_and_fails_the_checks(settings, override, message):
    from django.core.checks import run_checks

    from laborwatch.warnings.policy import PolicyError, warning_policy

    settings.LABORWATCH_WARNINGS = override
    with pytest.raises(PolicyError, match=message):
        warning_policy()
    assert [e.id for e in run_checks() if e.id == "laborwatch.W001"] == ["laborwatch.W001"]


def test_a_policy_override_changes_the_sign_for_deadline(settings) -> None:
    from laborwatch.warnings.policy import warning_policy

    settings.LABORWATCH_WARNINGS = {"acknowledge": {"red": {"hours": 1}}, "clean_days": 14}
    policy = warning_policy()
    routed = dt.datetime(2025, 3, 5, 10, 0, tzinfo=dt.UTC)
    assert policy.acknowledge_due("red", routed) == routed + dt.timedelta(hours=1)
    assert policy.acknowledge_due("orange", routed) == routed + dt.timedelta(hours=24)
    assert policy.clean_days == 14


def test_the_policy_override_is_read_from_the_environment(tmp_path) -> None:
    import os
    import subprocess
    import sys

    script = (
        "import django; django.setup();"
        "from laborwatch.warnings.policy import warning_policy;"
        "print(warning_policy().clean_days)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "laborwatch.config.settings",
        "LABORWATCH_DATA_DIR": str(tmp_path),
        "LABORWATCH_WARNINGS": '{"clean_days": 21}',
    }
    run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert run.stdout.strip() == "21", run.stderr
    env["LABORWATCH_WARNINGS"] = '{"clean_days": 21'  # not JSON
    run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert run.returncode != 0 and "LABORWATCH_WARNINGS 不是有效的 JSON" in run.stderr


@pytest.mark.parametrize("command", [["migrate"], ["serve", "--port", "1"], ["demo"]])
def test_a_wrong_policy_override_stops_the_commands_that_start_things(
    settings, capsys, command
) -> None:
    from laborwatch.cli import main

    settings.LABORWATCH_WARNINGS = {"clean_day": 3}
    assert main(command) == 1  # before migrating, serving or generating anything
    assert "laborwatch.W001" in capsys.readouterr().err


def test_an_inhibited_warning_is_off_the_board_and_offers_no_step(registry, centre_staff):
    from laborwatch.warnings.selectors import WarningFilters, warning_board

    firm = registry.shinan_enterprise
    sync(
        DAY0,
        signal(firm, "red", "si_arrears"),
        signal(firm, "yellow", "collective_complaints", risk_type="collective_dispute"),
    )
    red = only_warning(risk_type="wage_arrears")
    yellow = only_warning(risk_type="collective_dispute")
    assert list(warning_board(user=centre_staff, filters=WarningFilters())) == [red]
    all_rows = warning_board(user=centre_staff, filters=WarningFilters(status="all"))
    assert set(all_rows) == {red, yellow}
    assert yellow.actions_for(centre_staff) == []
    assert "verification" in red.actions_for(centre_staff)
    from laborwatch.warnings.transitions import TABLE

    refusal = TABLE.refusal(yellow, "verification", centre_staff)
    assert refusal.messages == [f"更高等级的预警{red}已代表本预警，请在该预警上办理。"]


def test_a_repeated_signal_keeps_the_evidence_in_the_export(registry) -> None:
    from laborwatch.warnings.views import evidence_text

    firm = registry.shinan_enterprise
    sync(DAY0, signal(firm, "orange", "si_arrears"))
    sync(DAY0 + dt.timedelta(days=1), signal(firm, "orange", "si_arrears"))
    warning = only_warning(enterprise=firm)
    assert (warning.evidence_on, warning.last_seen_on) == (DAY0, DAY0 + dt.timedelta(days=1))
    assert evidence_text(warning) == "社保连续欠缴月数 2 月"
