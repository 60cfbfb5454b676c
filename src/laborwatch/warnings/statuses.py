"""The statuses of a warning and the named sets its transition table is written in."""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy


class WarningStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("warning", "Open")
    VERIFYING = "verifying", pgettext_lazy("warning", "Verifying")
    HANDLING = "handling", pgettext_lazy("warning", "Handling")
    RESOLVED = "resolved", pgettext_lazy("warning", "Resolved")
    CLOSED = "closed", pgettext_lazy("warning", "Closed")


ACTIVE_STATUSES = frozenset({WarningStatus.OPEN, WarningStatus.VERIFYING, WarningStatus.HANDLING})
# Not yet verified: the verification (核实) is still to be made.
UNVERIFIED_STATUSES = frozenset({WarningStatus.OPEN, WarningStatus.VERIFYING})
# Verified as true, or resolved by clean days: measures may be taken and the loop closed.
MEASURE_STATUSES = frozenset({WarningStatus.HANDLING, WarningStatus.RESOLVED})
NOT_CLOSED_STATUSES = frozenset(WarningStatus) - {WarningStatus.CLOSED}
