"""The dashboard's facts and day rows: equal to the figures' own counts over the tables for any
period and district, following every change a service makes (the audit log), built whole for
rows written without one, and reading an audit row that commits after a later one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command

from laborwatch.cases import figures as case_figures
from laborwatch.cases.models import Case
from laborwatch.cases.services import case_recategorise, case_reopen
from laborwatch.core.audit import record_event
from laborwatch.core.models import AuditEvent
from laborwatch.dashboard.daily import daily
from laborwatch.dashboard.facts import facts_follow, facts_rebuild
from laborwatch.dashboard.models import CaseDay, CaseFact, FactsCursor, WarningFact
from laborwatch.dashboard.scope import Scope
from laborwatch.lib.periods import Period
from laborwatch.lib.process_cache import forget_all
from laborwatch.warnings import figures as warning_figures
from laborwatch.warnings.models import GRADES_HIGH_FIRST
from laborwatch.warnings.services import warning_record_step
from tests.cases.views_support import local
from tests.dashboard.city import NOW, TODAY, case_at, finish

PERIODS = [
    Period(dt.date(2025, 3, 1), TODAY),
    Period(dt.date(2025, 2, 1), dt.date(2025, 2, 28)),
    Period(dt.date(2025, 3, 10), dt.date(2025, 3, 10)),
    Period(dt.date(2025, 3, 11), dt.date(2025, 3, 13)),
    Period(dt.date(2024, 1, 1), dt.date(2025, 12, 31)),
]


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def live_counts(scope: Scope, period: Period) -> dict[str, object]:
    """Every figure counted over the tables with its own definition, as the lists count."""
    counted: dict[str, object] = {
        key: case_figures.figure_rows(scope.cases(), figure, period).count()
        for key, figure in case_figures.CASE_FIGURES.items()
    }
    for key, figure in warning_figures.WARNING_FIGURES.items():
        counted[key] = warning_figures.figure_rows(scope.warnings(), figure, period).count()
    issued = warning_figures.figure_rows(scope.warnings(), warning_figures.ISSUED, period)
    for grade in GRADES_HIGH_FIRST:
        counted[f"issued_{grade}"] = issued.filter(peak_grade=grade).count()
    totals = case_figures.counts(scope.cases(), {"p": period})
    counted["amount"], counted["workers"] = totals["amount_p"] or Decimal("0"), totals["workers_p"]
    return counted


def day_counts(scope: Scope, period: Period) -> dict[str, object]:
    days = daily(scope, [period])
    cases = days.case_counts({"p": period})
    warnings = days.warning_counts({"p": period})
    counted: dict[str, object] = {key: cases[f"{key}_p"] for key in case_figures.CASE_FIGURES}
    counted.update({key: warnings[f"{key}_p"] for key in warning_figures.WARNING_FIGURES})
    counted.update({f"issued_{g}": warnings[f"issued_{g}_p"] for g in GRADES_HIGH_FIRST})
    counted["amount"], counted["workers"] = cases["amount_p"], cases["workers_p"]
    return counted


def assert_days_equal_tables(scopes: list[Scope]) -> None:
    for scope in scopes:
        for period in PERIODS:
            assert day_counts(scope, period) == live_counts(scope, period), (scope, period)


def test_the_days_equal_the_tables_for_every_period_and_district(
    city, leader, owner, liaison, at_now
) -> None:
    facts_rebuild(now=NOW)
    assert CaseFact.objects.count() == 6  # seven cases, one merged
    assert WarningFact.objects.count() == 4
    scopes = [Scope(leader), Scope(leader, city.shinan), Scope(leader, city.huangdao)]
    assert_days_equal_tables([*scopes, Scope(owner), Scope(owner, city.shinan), Scope(liaison)])
    march = daily(Scope(leader), [PERIODS[0]]).case_counts({"m": PERIODS[0]})
    assert (march["received_m"], march["resolved_m"], march["amount_m"]) == (4, 3, 28000)


def test_a_change_by_a_service_shows_on_the_next_count(city, leader, centre_staff, at_now) -> None:
    facts_follow(now=NOW)
    resolved = city.march[0]  # resolved on 12 March
    case_reopen(case=resolved, actor=centre_staff, reason="职工反映未解决", now=NOW)
    case_recategorise(
        case=Case.objects.get(pk=city.march[1].pk),
        actor=centre_staff,
        category="INSURANCE.PENSION",
        now=NOW,
    )
    warning_record_step(
        warning=city.warnings[2],
        actor=centre_staff,
        kind="verification",
        outcome="confirmed",
        note="核实属实",
        now=NOW,
    )
    case_at(city.huangdao_firm, TODAY, phone="13900000099")  # a call taken today
    facts_follow(now=NOW)
    march = PERIODS[0]
    days = daily(Scope(leader), [march])
    assert days.case_counts({"m": march})["received_m"] == 5
    assert days.case_counts({"m": march})["resolved_m"] == 2  # the day it left is added up again
    assert days.warning_counts({"m": march})["verified_m"] == 3
    assert CaseFact.objects.get(case=city.march[1]).category == "INSURANCE.PENSION"
    assert_days_equal_tables([Scope(leader), Scope(leader, city.shinan)])


def test_the_page_shows_a_change_once_its_minute_is_over(
    city, client_for, leader, centre_staff, at_now
) -> None:
    client = client_for(leader)
    assert client.get("/").context["dashboard"].tiles[0].value == "4"
    case_reopen(case=city.march[0], actor=centre_staff, reason="职工反映未解决", now=NOW)
    forget_all()  # the dashboard kept for a minute (dashboard.selectors)
    tiles = {tile.key: tile for tile in client.get("/").context["dashboard"].tiles}
    # Resolved in March: two left (on time one of them), 1 of 2 with the union.
    assert [part.text for part in tiles["on_time_rate"].parts] == ["1", "/", "2 件"]


def test_rows_written_without_audit_are_taken_in_by_the_rebuild(city, leader, at_now) -> None:
    facts_follow(now=NOW)
    march = PERIODS[0]
    # A bulk write (a load, a restore) leaves no audit row: the days stay as they were…
    finish(city.march[1], feedback_at=local(2025, 3, 4, 12))
    assert daily(Scope(leader), [march]).case_counts({"m": march})["feedback_24h_m"] == 2
    # …until the rebuild, as `laborwatch django dashboard_rebuild` runs it.
    call_command("dashboard_rebuild")
    assert daily(Scope(leader), [march]).case_counts({"m": march})["feedback_24h_m"] == 3
    assert_days_equal_tables([Scope(leader)])


def test_a_database_never_built_is_built_on_first_use(city, leader, at_now) -> None:
    assert not FactsCursor.objects.exists()
    facts_follow(now=NOW)
    assert FactsCursor.objects.get().built_at == NOW
    assert CaseDay.objects.filter(day=dt.date(2025, 3, 3)).get().received == 1


def test_an_audit_row_committed_after_a_later_one_is_still_read(
    city, leader, centre_staff, at_now
) -> None:
    """Audit ids are taken when written, seen when committed: a later id read first leaves
    a gap that is looked for again."""
    facts_follow(now=NOW)
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    # A later transaction commits first: its row is read, ids last+1 … last+4 are missed.
    record_event(actor=centre_staff, action="case.note", target=city.march[2], at=NOW)
    AuditEvent.objects.filter(action="case.note").update(id=last + 5)
    facts_follow(now=NOW)
    cursor = FactsCursor.objects.get()
    assert cursor.read_up_to == last + 5
    missed = {str(last + n) for n in range(1, 5)}
    assert set(cursor.gaps) >= missed
    # The earlier one commits now: a case merged, with its audit row at id last+2.
    finish(city.march[2], status="merged")
    event = record_event(actor=centre_staff, action="case.merge", target=city.march[2], at=NOW)
    AuditEvent.objects.filter(pk=event.pk).update(id=last + 2)
    facts_follow(now=NOW)
    assert not CaseFact.objects.filter(case=city.march[2]).exists()
    assert set(FactsCursor.objects.get().gaps) & missed == missed - {str(last + 2)}
    assert_days_equal_tables([Scope(leader)])
    # A gap a day old is given up (a transaction rolled back never commits its ids).
    with time_machine.travel(NOW + dt.timedelta(days=1, seconds=1), tick=False):
        record_event(actor=centre_staff, action="case.note", target=city.march[1])
        facts_follow()
    assert not set(FactsCursor.objects.get().gaps) & missed
