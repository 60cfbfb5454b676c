"""The statuses of a public-opinion event and the named sets its transition table is written in.

待核实 → 核实中 (assigned, signed for) → 属实 / 部分属实 / 不属实 / 无法核实 → 处置 → 回应 → 办结;
an event merged into another lives on only in that one.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy


class EventStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("opinion", "To verify")
    VERIFYING = "verifying", pgettext_lazy("opinion", "Verifying")
    TRUE = "true", pgettext_lazy("opinion", "True")
    PARTLY_TRUE = "partly_true", pgettext_lazy("opinion", "Partly true")
    UNTRUE = "untrue", pgettext_lazy("opinion", "Not true")
    UNVERIFIABLE = "unverifiable", pgettext_lazy("opinion", "Cannot be verified")
    DISPOSED = "disposed", pgettext_lazy("opinion", "Disposed")
    RESPONDED = "responded", pgettext_lazy("opinion", "Responded")
    CLOSED = "closed", pgettext_lazy("opinion", "Closed")
    MERGED = "merged", pgettext_lazy("opinion", "Merged")


class VerificationResult(models.TextChoices):
    """What verification found; the event takes the status of the same name."""

    TRUE = "true", pgettext_lazy("opinion", "True")
    PARTLY_TRUE = "partly_true", pgettext_lazy("opinion", "Partly true")
    UNTRUE = "untrue", pgettext_lazy("opinion", "Not true")
    UNVERIFIABLE = "unverifiable", pgettext_lazy("opinion", "Cannot be verified")


VERIFIED_STATUSES = frozenset(
    {EventStatus.TRUE, EventStatus.PARTLY_TRUE, EventStatus.UNTRUE, EventStatus.UNVERIFIABLE}
)
# Verified as (partly) true, or not verifiable: something may still need doing about it.
DISPOSABLE_STATUSES = frozenset(
    {EventStatus.TRUE, EventStatus.PARTLY_TRUE, EventStatus.UNVERIFIABLE, EventStatus.DISPOSED}
)
# Findings a closure needs a disposal for.
NEEDS_DISPOSAL = frozenset({VerificationResult.TRUE, VerificationResult.PARTLY_TRUE})
RESPONDABLE_STATUSES = VERIFIED_STATUSES | {EventStatus.DISPOSED}
# Not closed and not merged: the loop still runs, the response clock may tick.
OPEN_STATUSES = frozenset(EventStatus) - {EventStatus.CLOSED, EventStatus.MERGED}
# Every status but merged.
LIVE_STATUSES = frozenset(EventStatus) - {EventStatus.MERGED}
