"""The statuses of a work order and the named sets the transition table is written in."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    CONTACTED = "contacted", _("Parties contacted")
    FEEDBACK_GIVEN = "feedback_given", _("Feedback given")
    IN_HANDLING = "in_handling", _("In handling")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    CALLED_BACK = "called_back", _("Called back")
    ARCHIVED = "archived", _("Archived")
    MERGED = "merged", _("Merged")


OPEN_STATUSES = frozenset(
    {Status.RECEIVED, Status.ACCEPTED, Status.CONTACTED, Status.FEEDBACK_GIVEN, Status.IN_HANDLING}
)
FINISHED_STATUSES = frozenset({Status.RESOLVED, Status.CLOSED, Status.CALLED_BACK, Status.ARCHIVED})
# Finished but not yet archived: may be reopened, and its category and employer corrected.
REOPENABLE_STATUSES = frozenset({Status.RESOLVED, Status.CLOSED, Status.CALLED_BACK})
CORRECTABLE_STATUSES = OPEN_STATUSES | REOPENABLE_STATUSES
# Every status but merged: a merged case lives on only in the case it was merged into.
LIVE_STATUSES = frozenset(Status) - {Status.MERGED}
