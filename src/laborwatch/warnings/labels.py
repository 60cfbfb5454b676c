"""Chinese labels of the rules file (risk types, indicators, units) for pages and reports."""

from __future__ import annotations

from functools import cache
from typing import Any

from laborwatch.risk.rules import RulesConfig, load_rules


@cache
def rules_config() -> RulesConfig:
    return load_rules()


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
