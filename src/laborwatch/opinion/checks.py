"""System check: a wrong LABORWATCH_OPINION stops `migrate`, `serve` and the commands before
any event is graded."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register

from laborwatch.opinion.grading import current_thresholds
from laborwatch.opinion.policy import ConfigurationError


@register()
def check_opinion_configuration(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        current_thresholds()
    except ConfigurationError as error:
        return [Error(str(error), id="laborwatch.O001")]
    return []
