"""Abstract models the closed loops share: a thing sent to a unit that signs for it (签收) by a
deadline (a referral, a verification assignment, a warning routing), a notice in a user's
inbox (a work order's, a public-opinion event's), a leader's instruction (批示 / 督办, on a
work order or a warning); and the numbering of events and warnings."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from laborwatch.core.personal_text import PersonalTextMixin

if TYPE_CHECKING:
    from laborwatch.core.models import User


class SignedFor(models.Model):
    """Sent to a unit that must sign for it by `acknowledge_due`."""

    acknowledge_due = models.DateTimeField(_("sign for by"))
    acknowledged_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def is_signed(self) -> bool:
        return self.acknowledged_at is not None


class InboxNotice(models.Model):
    """Something a user must act on, in their inbox; read once they have seen it."""

    message = models.CharField(_("message"), max_length=300)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.message


class Numbered(models.Model):
    """A row named by a prefix and its key, as users quote it (YQ0000012, YJ0000345): its
    `str()` and its `number`."""

    number_prefix: ClassVar[str]

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.number_prefix}{self.pk:07d}" if self.pk else self.number_prefix

    @property
    def number(self) -> str:
        return str(self)


class Instructed(PersonalTextMixin, models.Model):
    """批示 / 督办: a leader's instruction on a loop's object, with the leader's deadline.

    While it is open the object is supervised (督办). Whoever holds the object signs for it
    (签收) and reports back (反馈); the leader reads the report and closes it (办结). One open
    instruction per object (each concrete model's constraint). The steps below change the
    instruction only: the loop's service locks the object, asks its transition table and
    writes the audit row around them.
    """

    personal_text_fields = ("text", "report", "closing_note")

    class State(models.TextChoices):
        ISSUED = "issued", _("Issued")
        ACKNOWLEDGED = "acknowledged", _("Signed for")
        REPORTED = "reported", _("Reported back")
        CLOSED = "closed", _("Closed")

    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("leader"),
    )
    text = models.TextField(_("instruction"))
    deadline = models.DateTimeField(_("deadline"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.ISSUED)
    issued_at = models.DateTimeField(_("issued at"))
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("signed for at"), null=True, blank=True)
    report = models.TextField(_("report"), blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Set by the sweep once it urged the holders on a missed deadline: it urges once.
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_open(self) -> bool:
        return self.state != self.State.CLOSED

    def is_overdue(self, now: dt.datetime) -> bool:
        """Not reported back by the leader's deadline."""
        return self.state in (self.State.ISSUED, self.State.ACKNOWLEDGED) and now > self.deadline

    def sign_for(self, *, actor: User, now: dt.datetime) -> None:
        """签收: the holder has taken the instruction in."""
        self.state = self.State.ACKNOWLEDGED
        self.acknowledged_by, self.acknowledged_at = actor, now
        self.save(update_fields=["state", "acknowledged_by", "acknowledged_at"])

    def report_back(self, *, actor: User, report: str, now: dt.datetime) -> None:
        """反馈: what was done, for the leader (signing for it too if nobody has yet)."""
        if self.acknowledged_at is None:
            self.acknowledged_by, self.acknowledged_at = actor, now
        self.state = self.State.REPORTED
        self.report = report.strip()
        self.reported_by, self.reported_at = actor, now
        self.save()

    def close(self, *, actor: User, note: str, now: dt.datetime) -> None:
        """办结: the leader has read the report."""
        self.state = self.State.CLOSED
        self.closing_note = note.strip()
        self.closed_by, self.closed_at = actor, now
        self.save()
