"""Errors the case services and the transition table raise; views show them in Chinese."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from laborwatch.lib.transitions import StaleVersion, WrongStatus


class StaleCase(StaleVersion):
    """Someone else changed the case since this user loaded it."""

    reload = gettext_lazy("This work order was changed by someone else. Reload it and try again.")


class InvalidTransition(WrongStatus):
    refusal = gettext_lazy("A work order in status “%(status)s” cannot be %(action)s.")
