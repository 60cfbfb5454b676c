"""Errors the opinion services and the transition table raise; views show them in Chinese."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class StaleEvent(ValidationError):
    """Someone else changed the event since this user loaded it (an action, a merge or a
    split; new posts and heat, the system's figures, do not count)."""

    def __init__(self) -> None:
        super().__init__(
            _("This public-opinion event was changed in the meantime. Reload it and try again."),
            code="stale",
        )


class InvalidEventTransition(ValidationError):
    def __init__(self, status_label: str, action: str) -> None:
        super().__init__(
            _("A public-opinion event in status “%(status)s” cannot be %(action)s.")
            % {"status": status_label, "action": action},
            code="invalid_transition",
        )
