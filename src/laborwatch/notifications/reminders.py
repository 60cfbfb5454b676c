"""Reminders the schedule writes: a warning's sign-for deadline near (and, for the sign-for
sweep, passed)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from laborwatch.notifications.models import Notification
from laborwatch.notifications.services import notifications_create
from laborwatch.warnings.models import WarningRouting

# A unit is reminded once when this little time is left to sign for a warning.
DUE_SOON = dt.timedelta(hours=2)


def remind_sign_for_due(*, now: dt.datetime) -> int:
    due_soon = list(
        WarningRouting.objects.awaiting_signature()
        .filter(acknowledge_due__gt=now, acknowledge_due__lte=now + DUE_SOON)
        .select_related("warning")
    )
    notifications_create(
        sign_for_notification(
            routing,
            kind=Notification.Kind.SIGN_FOR_DUE,
            message=_("Warning %(number)s must be signed for by %(due)s."),
            key="due",
            now=now,
        )
        for routing in due_soon
    )
    return len(due_soon)


def sign_for_notification(
    routing: WarningRouting,
    *,
    kind: str,
    message: str,
    key: str,
    now: dt.datetime,
    urgent: bool = False,
) -> Notification:
    """A notification to the unit a warning was routed to about signing for it: `message`
    names the warning (%(number)s) and the deadline (%(due)s); `key` tells this reminder
    from the routing's others, so each is written once."""
    return Notification(
        kind=kind,
        message=message
        % {
            "number": routing.warning,
            "due": timezone.localtime(routing.acknowledge_due).strftime("%m-%d %H:%M"),
        },
        key=f"routing:{routing.pk}:{key}",
        url=f"/warnings/{routing.warning_id}/",
        org_unit_id=routing.org_unit_id,
        urgent=urgent,
        created_at=now,
    )
