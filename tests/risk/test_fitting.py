"""Rules fitted on verified warnings: literal samples, exact weights' signs and the report."""

from __future__ import annotations

import datetime as dt

import pytest

from laborwatch.risk.fitting import Sample, fit_rules, rules_text, score_of
from laborwatch.risk.rules import DEFAULT_RULES, load_rules, parse_rules
from tests.risk.helpers import CONFIG, code

DAY = dt.date(2026, 1, 5)


def _samples() -> list[Sample]:
    """Wage-arrears warnings: unpaid social insurance is found true four times in five,
    a single abnormal listing once in five; 200 of them over 200 days."""
    samples = []
    for number in range(200):
        unpaid = number % 2 == 0
        confirmed = number % 10 < 8 if unpaid else number % 10 == 9
        values = {
            "si_arrears_months": 1.0 if unpaid else 0.0,
            "si_unpaid_share": 1.0 if unpaid else 0.0,
            "abnormal_listings_365d": 0.0 if unpaid else 1.0,
            "wage_account_unpaid_months": None,  # missing: no project
        }
        samples.append(
            Sample("wage_arrears", code(number), DAY + dt.timedelta(days=number), values, confirmed)
        )
    return samples


def test_weights_follow_what_verification_found() -> None:
    fit = fit_rules(_samples(), CONFIG, version="rules-test-fit", held_out_share=0.3)
    wages = next(t for t in fit.types if t.risk_type == "wage_arrears")
    assert wages.fitted and (wages.train, wages.held_out) == (140, 60)
    assert fit.split_on == DAY + dt.timedelta(days=140)
    after = wages.weights_after
    assert after["si_arrears"] > 0 and after["si_unpaid"] > 0
    assert after["abnormal_listing_wages"] == 0.0  # found true less often than not: no points
    # a rule that fired at no verified warning keeps its weight: nothing was learnt of it
    assert after["wage_account_unpaid"] == 60.0 and after["labor_cases"] == 30.0
    # the other risk types had no verified warnings: kept as they were
    layoff = next(t for t in fit.types if t.risk_type == "mass_layoff")
    assert not layoff.fitted and layoff.weights_after == layoff.weights_before
    # held out: the unpaid social insurance warned, the listings not any more
    assert wages.before["yellow"].warned == 30 and wages.after["red"].warned in (0, 30)
    assert wages.after["yellow"].precision == pytest.approx(24 / 30)
    assert wages.after["yellow"].recall == pytest.approx(24 / 30)
    assert fit.config.version == "rules-test-fit"


def test_the_red_line_means_the_precision_asked() -> None:
    fit = fit_rules(_samples(), CONFIG, version="v", held_out_share=0.3, red_precision=0.7)
    score, grade = score_of(fit.config, "wage_arrears", _samples()[0].values)
    # p(true | unpaid) fitted close to 0.8 ≥ 0.7: the points reach the red line
    assert grade == "red" and score >= 80
    fit = fit_rules(_samples(), CONFIG, version="v", held_out_share=0.3, red_precision=0.9)
    _, grade = score_of(fit.config, "wage_arrears", _samples()[0].values)
    assert grade != "red"


def test_too_few_verifications_keep_the_rules() -> None:
    fit = fit_rules(_samples()[:20], CONFIG, version="v", held_out_share=0.3)
    wages = next(t for t in fit.types if t.risk_type == "wage_arrears")
    assert not wages.fitted and "至少 20 条" in wages.reason


def test_the_fitted_file_keeps_comments_and_reads_back() -> None:
    fit = fit_rules(_samples(), CONFIG, version="rules-v2.0-fit-20260105")
    text = rules_text(DEFAULT_RULES.read_text(encoding="utf-8"), fit)
    assert 'version = "rules-v2.0-fit-20260105"' in text
    assert "# ---- wage arrears 欠薪" in text
    import tomllib

    again = parse_rules(tomllib.loads(text))
    assert {r.id: r.weight for r in again.rules} == {r.id: r.weight for r in fit.config.rules}
    assert load_rules().version == "rules-v2.4"  # the shipped file is untouched
