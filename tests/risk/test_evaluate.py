"""The backtest's measures on literal input: warnings as the app keeps them, precision, recall,
lead from the visible onset, re-opened warnings and flicker."""

from __future__ import annotations

import datetime as dt

from laborwatch.risk.evaluate import (
    GOALS,
    Episode,
    Evaluation,
    Graded,
    KindResult,
    Opened,
    format_evaluation,
    format_goals,
    measure,
    warnings_from,
)

DATES = [dt.date(2026, 1, 1) + dt.timedelta(days=7 * i) for i in range(20)]  # to 2026-05-14


def _graded(code: str, kind: str, weeks: range, level: int = 2) -> list[Graded]:
    return [Graded(DATES[w], code, kind, level) for w in weeks]


def test_a_warning_lives_until_clean_days_without_its_grade() -> None:
    graded = (
        _graded("A", "wage_arrears", range(2, 5))  # weeks 2-4
        + _graded("A", "wage_arrears", range(6, 8))  # one clean Monday: the same warning
        + _graded("A", "wage_arrears", range(11, 12), level=3)  # after three clean weeks
        + _graded("B", "mass_layoff", range(3, 4), level=1)  # blue: below yellow
    )
    opened = warnings_from(graded, DATES, level=2, clean_days=7)
    assert opened == [
        Opened("A", "wage_arrears", DATES[2], DATES[9]),  # clean from week 8, 7 days on
        Opened("A", "wage_arrears", DATES[11], DATES[13]),
    ]
    assert warnings_from(graded, DATES, level=3, clean_days=7) == [
        Opened("A", "wage_arrears", DATES[11], DATES[13])
    ]
    # With 14 clean days a one-week gap does not resolve it.
    assert warnings_from(graded[:5], DATES, level=2, clean_days=14) == [
        Opened("A", "wage_arrears", DATES[2], DATES[10])
    ]


def test_a_warning_falling_below_its_grade_is_kept_while_any_grade_remains() -> None:
    """Hysteresis, as the app's warning is de-escalated and not resolved: a yellow warning
    whose enterprise falls to blue stays open, and its return to yellow is no new warning."""
    graded = (
        _graded("A", "mass_layoff", range(2, 4))  # yellow, weeks 2-3
        + _graded("A", "mass_layoff", range(4, 9), level=1)  # blue for five weeks
        + _graded("A", "mass_layoff", range(9, 10))  # yellow again
    )
    assert warnings_from(graded, DATES, level=2, clean_days=7) == [
        Opened("A", "mass_layoff", DATES[2], DATES[11])  # clean from week 10, 7 days on
    ]
    # Blue alone never opens a warning at yellow.
    assert warnings_from(graded[2:7], DATES, level=2, clean_days=7) == []


def test_measure() -> None:
    episodes = [
        Episode("e1", "A", "wage_arrears", dt.date(2026, 3, 1)),
        Episode("e2", "B", "collective_dispute", dt.date(2026, 4, 1)),
        Episode("e3", "C", "mass_layoff", dt.date(2026, 4, 15)),  # never warned
        Episode("e4", "D", "wage_arrears", dt.date(2025, 6, 1)),  # before the period: ignored
        Episode("e5", "E", "wage_arrears", dt.date(2026, 2, 1)),  # warned 13 days late
    ]
    warnings = [
        Opened("A", "wage_arrears", DATES[2], DATES[6]),  # 2026-01-15: 45 days ahead
        Opened("A", "wage_arrears", DATES[7], None),  # re-opens 7 days later, same episode
        Opened("B", "collective_dispute", DATES[12], DATES[14]),  # 2026-03-26: 6 days ahead
        Opened("B", "wage_arrears", DATES[3], DATES[4]),  # B had no wage episode: false
        Opened("E", "wage_arrears", DATES[6], None),  # 2026-02-12: 11 days after the onset
        Opened("F", "mass_layoff", DATES[1], DATES[3]),  # no episode: false
    ]
    results = measure(warnings, episodes, DATES, horizon_days=90, grace_days=30)
    wages = results["wage_arrears"]
    assert (wages.warnings, wages.true_warnings, wages.reopened, wages.flickers) == (4, 2, 1, 1)
    assert (wages.episodes, wages.detected, sorted(wages.lead_days)) == (2, 2, [-11, 45])
    assert wages.precision == 0.5 and wages.recall == 1.0 and wages.median_lead_days == 17
    dispute = results["collective_dispute"]
    assert (dispute.warnings, dispute.true_warnings, dispute.lead_days) == (1, 1, [6])
    layoff = results["mass_layoff"]
    assert (layoff.warnings, layoff.true_warnings, layoff.episodes, layoff.detected) == (1, 0, 1, 0)


def test_warning_outside_horizon_does_not_detect() -> None:
    episodes = [Episode("e1", "A", "wage_arrears", dt.date(2026, 5, 10))]
    warnings = [Opened("A", "wage_arrears", DATES[0], DATES[1])]
    results = measure(warnings, episodes, DATES, horizon_days=30, grace_days=30)
    assert (results["wage_arrears"].detected, results["wage_arrears"].true_warnings) == (0, 0)


def test_warnings_opened_before_the_period_only_mark_their_episode() -> None:
    episodes = [Episode("e1", "A", "wage_arrears", DATES[8])]
    warnings = [
        Opened("A", "wage_arrears", DATES[2], DATES[4]),  # warm-up: warned, not counted
        Opened("A", "wage_arrears", DATES[6], None),  # in the period: a re-opened warning
        Opened("B", "wage_arrears", DATES[3], None),  # warm-up, no episode: not counted
    ]
    results = measure(warnings, episodes, DATES, start=DATES[5])
    wages = results["wage_arrears"]
    assert (wages.warnings, wages.true_warnings, wages.reopened) == (1, 0, 1)
    assert (wages.episodes, wages.detected, wages.lead_days) == (1, 1, [42])  # warned in warm-up


def _evaluation(mass_layoff: KindResult) -> Evaluation:
    cells = {"yellow": {"mass_layoff": mass_layoff}, "orange": {}, "red": {}}
    return Evaluation(
        DATES, 90, 30, 42, {("point_in_time", grade): kinds for grade, kinds in cells.items()}
    )


def test_goals_printed_met_or_not_with_each_figure() -> None:
    """Issue 13's goals under the table: recall, precision and median lead against each."""
    met = KindResult(warnings=10, true_warnings=6, episodes=10, detected=7, lead_days=[-3, 0, 2])
    lines = format_goals(_evaluation(met))
    assert lines[0] == "目标（按到达时点（无前视））："
    assert lines[3] == (
        "  规模性裁员，黄及以上：召回率 0.70（目标 ≥ 0.70），精确率 0.60（目标 ≥ 0.50），"
        "提前期中位数 +0 天（目标 ≥ +0 天）：达成"
    )
    assert lines[1].startswith("  欠薪，黄及以上：召回率 0.00") and lines[1].endswith("未达成")
    late = KindResult(warnings=10, true_warnings=6, episodes=10, detected=7, lead_days=[-3, -1])
    assert format_goals(_evaluation(late))[3].endswith("提前期中位数 -2 天（目标 ≥ +0 天）：未达成")
    assert [goal.met_by(met) for goal in GOALS] == [False, False, True]
    assert format_goals(_evaluation(met))[3] in format_evaluation(_evaluation(met))
