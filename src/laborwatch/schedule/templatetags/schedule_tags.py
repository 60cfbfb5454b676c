"""Template helpers of the run log."""

from __future__ import annotations

from typing import Any

from django import template

from laborwatch.schedule.jobs import FIGURE_LABELS

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, "")


@register.filter
def figures_text(figures: dict[str, Any]) -> str:
    """A run's figures in words, one a line; counts of nothing left out."""
    lines = []
    for key, value in figures.items():
        label = FIGURE_LABELS.get(key, key)
        if isinstance(value, dict):
            lines.append(f"{label}：" + "；".join(figures_text(value).splitlines()))
        elif isinstance(value, list):
            if value:
                lines.append(f"{label}：" + "、".join(str(item) for item in value))
        elif value:
            lines.append(f"{label}：{value}")
    return "\n".join(lines)
