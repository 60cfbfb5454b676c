"""Precision, recall and lead time of warnings against injected episodes (literal input)."""

from __future__ import annotations

import datetime as dt

from laborwatch.risk.evaluate import Episode, Flag, measure

DATES = [dt.date(2026, 1, 1) + dt.timedelta(days=7 * i) for i in range(20)]  # to 2026-05-14


def _flags(code: str, kind: str, weeks: range) -> list[Flag]:
    return [Flag(DATES[w], code, kind) for w in weeks]


def test_measure() -> None:
    episodes = [
        Episode("e1", "A", "wage_arrears", dt.date(2026, 3, 1)),
        Episode("e2", "B", "collective_dispute", dt.date(2026, 4, 1)),
        Episode("e3", "C", "mass_layoff", dt.date(2026, 4, 15)),  # never warned
        Episode("e4", "D", "wage_arrears", dt.date(2025, 6, 1)),  # before the period: ignored
    ]
    flags = (
        _flags("A", "wage_arrears", range(2, 12))  # opens 2026-01-15: 45 days ahead, stays on
        + _flags("B", "collective_dispute", range(12, 14))  # opens 2026-03-26: 6 days ahead
        + _flags("B", "wage_arrears", range(3, 4))  # B had no wage episode: false
        + _flags("E", "mass_layoff", range(1, 3))  # no episode: false
        + _flags("A", "wage_arrears", range(18, 19))  # reopens 2026-05-07, 67 days late: false
    )
    overall, by_kind = measure(flags, episodes, DATES, horizon_days=120)
    assert (overall.warnings, overall.true_warnings, overall.episodes, overall.detected) == (
        5,
        2,
        3,
        2,
    )
    assert overall.precision == 0.4
    assert overall.recall == 2 / 3
    assert sorted(overall.lead_days) == [6, 45]
    assert overall.median_lead_days == 25.5
    assert (by_kind["mass_layoff"].episodes, by_kind["mass_layoff"].detected) == (1, 0)


def test_warning_outside_horizon_does_not_detect() -> None:
    episodes = [Episode("e1", "A", "wage_arrears", dt.date(2026, 5, 10))]
    overall, _ = measure(_flags("A", "wage_arrears", range(0, 1)), episodes, DATES, horizon_days=30)
    assert (overall.detected, overall.true_warnings) == (0, 0)
