"""Errors the case services and the transition table raise; views show them in Chinese."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class StaleCase(ValidationError):
    """Someone else changed the case since this user loaded it."""

    def __init__(self) -> None:
        super().__init__(
            _("This work order was changed by someone else. Reload it and try again."),
            code="stale",
        )


class InvalidTransition(ValidationError):
    def __init__(self, status_label: str, action: str) -> None:
        super().__init__(
            _("A work order in status “%(status)s” cannot be %(action)s.")
            % {"status": status_label, "action": action},
            code="invalid_transition",
        )
