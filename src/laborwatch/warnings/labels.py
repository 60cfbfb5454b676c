"""Chinese labels of the risk engine's codes (rules, risk types, indicators, units).

For pages, exports and reports. The engine is pure and knows no language: the rules file
carries the indicator labels, this module the rules' names (tests/warnings/test_labels.py
checks that every rule has one)."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from laborwatch.risk.rules import GRADE_LEVEL, NO_GRADE, RulesConfig, load_rules
from laborwatch.warnings.models import Grade

# The rules of data/rules-v1.toml by id: what each one watches.
RULE_LABELS: dict[str, Promise] = {
    "si_arrears": _("Social insurance in arrears"),
    "si_unpaid": _("This month's social insurance left unpaid"),
    "wage_account_unpaid": _("Wage account paid nothing"),
    "wage_account_shortfall": _("Wage account paid fewer workers than attended"),
    "wage_account_amount": _("Wage account paid less than the expected payroll"),
    "wage_complaints": _("Wage-arrears work orders"),
    "wage_complainants": _("Workers calling about unpaid wages, relative to staff"),
    "labor_cases": _("Labour arbitration and lawsuits"),
    "enforcement": _("Court enforcement cases"),
    "revenue_drop_wages": _("Taxable revenue drop (wage arrears)"),
    "abnormal_listing_wages": _("Abnormal business listing (wage arrears)"),
    "collective_complaints": _("Many workers complaining"),
    "project_complaints": _("Many workers of one project complaining"),
    "work_order_surge": _("Surge of work orders"),
    "collective_lawsuit": _("Collective lawsuit"),
    "opinion_heat": _("Public-opinion heat"),
    "arrears_dispute": _("Social insurance arrears (dispute)"),
    "wage_account_dispute": _("Wage account paid nothing (dispute)"),
    "layoff_size": _("Workers laid off"),
    "layoff_share": _("Share of staff laid off"),
    "headcount_drop": _("Insured headcount drop"),
    "headcount_month_drop": _("Insured headcount drop from last month"),
    "separated_workers": _("Dismissed workers complaining"),
    "layoff_callers": _("Workers let go calling, relative to staff"),
    "dismissal_amid_decline": _("A worker let go calling while the business falls"),
    "dismissal_group_case": _("A worker let go calling while a group goes to arbitration"),
    "utility_drop": _("Electricity use drop"),
    "revenue_drop_layoff": _("Taxable revenue drop (layoff)"),
    "abnormal_listing_layoff": _("Abnormal business listing (layoff)"),
}


@cache
def rules_config() -> RulesConfig:
    return load_rules()


def rule_label(rule_id: str) -> str:
    """The Chinese name of a rule; a rule without one (a newer rules file) shows its id."""
    label = RULE_LABELS.get(rule_id)
    return str(label) if label is not None else rule_id


def indicator_label(name: str) -> str:
    return rules_config().indicators.get(name, {}).get("label", name)


def indicator_unit(name: str) -> str:
    return rules_config().indicators.get(name, {}).get("unit", "")


def format_value(name: str, value: Any) -> str:
    """An indicator value as a reader wants it: shares as percentages, counts whole."""
    if value is None:
        return "—"
    unit = indicator_unit(name)
    number = float(value)
    if unit == "比例":
        return f"{number:.0%}"
    if unit == "元":
        return f"{number:,.0f} 元"
    if number == int(number):
        return f"{int(number):,}{' ' + unit if unit else ''}"
    return f"{number:,.2f}{' ' + unit if unit else ''}"


def indicator_names() -> list[str]:
    return list(rules_config().indicators)


def grade_basis(grade: str, score: float, evidence: list[dict[str, Any]]) -> str:
    """One sentence saying where a warning's grade comes from.

    The grade is the higher of the score's grade and the floor a grade-setting rule puts
    under it (rules-v1.toml, `sets_grade`): a red warning may score 40 when its wage account
    paid nothing, while an orange one scores 62.5 on points alone. `evidence`: the rules
    firing on the last signalled day.
    """
    config = rules_config()
    by_score = config.grade_of(score)
    values = {"score": f"{score:g}", "grade": Grade(grade).label}
    if by_score != NO_GRADE and GRADE_LEVEL[by_score] >= GRADE_LEVEL[grade]:
        line = f"{config.grades[grade]:g}"
        return gettext("The score %(score)s reaches the %(grade)s line (%(line)s).") % {
            **values,
            "line": line,
        }
    rules = {rule.id: rule for rule in config.rules}
    setters = [
        rule_label(entry["rule"])
        for entry in evidence
        if (rule := rules.get(entry["rule"])) is not None
        and rule.sets_grade
        and GRADE_LEVEL.get(entry.get("level", ""), 0) >= max(GRADE_LEVEL[grade], rule.floor_level)
    ]
    return gettext(
        "The score %(score)s alone gives %(by_score)s; %(rules)s sets the grade at %(grade)s "
        "(a rule that sets the grade whatever the score)."
    ) % {
        **values,
        "by_score": Grade(by_score).label if by_score != NO_GRADE else gettext("no grade"),
        "rules": "、".join(setters) or gettext("a grade-setting rule"),
    }


def grade_rule_note() -> str:
    """The rule behind every grade on the board, with the score lines of the rules file."""
    lines = "、".join(
        f"{Grade(grade).label} {low:g}" for grade, low in reversed(rules_config().grades.items())
    )
    return gettext(
        "A warning's grade is the higher of its score's grade (%(lines)s) and the grade a "
        "grade-setting rule reached, so a red warning may score less than an orange one."
    ) % {"lines": lines}
