"""Errors the opinion services and the transition table raise; views show them in Chinese."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from laborwatch.lib.transitions import StaleVersion, WrongStatus


class StaleEvent(StaleVersion):
    """Someone else changed the event since this user loaded it (an action, a merge or a
    split; new posts and heat, the system's figures, do not count)."""

    reload = gettext_lazy(
        "This public-opinion event was changed in the meantime. Reload it and try again."
    )


class InvalidEventTransition(WrongStatus):
    refusal = gettext_lazy("A public-opinion event in status “%(status)s” cannot be %(action)s.")
