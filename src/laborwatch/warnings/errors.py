"""Errors the warning services and the transition table raise; views show them in Chinese."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class StaleWarning(ValidationError):
    """Someone else (or the daily sync) changed the warning since this user loaded it."""

    def __init__(self) -> None:
        super().__init__(
            _("This warning was changed in the meantime. Reload it and try again."),
            code="stale",
        )


class StepNotAllowed(ValidationError):
    def __init__(self, status_label: str, step_label: str) -> None:
        super().__init__(
            _("A warning in status “%(status)s” cannot take the step “%(step)s”.")
            % {"status": status_label, "step": step_label},
            code="invalid_transition",
        )
