"""Template helpers of the run log."""

from __future__ import annotations

import json
from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, "")


@register.filter
def figures_text(figures: dict[str, Any]) -> str:
    """A run's figures as they were recorded, one per line."""
    return "\n".join(
        f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in figures.items()
    )
