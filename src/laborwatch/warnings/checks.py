"""System check: a wrong LABORWATCH_WARNINGS stops `migrate` and `serve` before any sync."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register

from laborwatch.warnings.policy import PolicyError, warning_policy


@register()
def check_warning_policy(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        warning_policy()
    except PolicyError as error:
        return [Error(str(error), id="laborwatch.W001")]
    return []
