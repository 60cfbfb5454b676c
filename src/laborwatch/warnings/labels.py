"""Chinese labels of the risk engine's codes (rules, risk types, indicators, units).

For pages, exports and reports. The engine is pure and knows no language: the rules file
carries the indicator labels, this module the rules' names (tests/warnings/test_labels.py
checks that every rule has one)."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from laborwatch.risk.rules import RulesConfig, load_rules

# The rules of data/rules-v1.toml by id: what each one watches.
RULE_LABELS: dict[str, Promise] = {
    "si_arrears": _("Social insurance in arrears"),
    "wage_account_unpaid": _("Wage account paid nothing"),
    "wage_account_shortfall": _("Wage account paid fewer workers than attended"),
    "wage_complaints": _("Wage-arrears work orders"),
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
