"""Errors the warning services and the transition table raise; views show them in Chinese."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from laborwatch.lib.transitions import StaleVersion, WrongStatus


class StaleWarning(StaleVersion):
    """Someone else (or the daily sync) changed the warning since this user loaded it."""

    reload = gettext_lazy("This warning was changed in the meantime. Reload it and try again.")


class StepNotAllowed(WrongStatus):
    refusal = gettext_lazy("A warning in status “%(status)s” cannot take the step “%(action)s”.")
