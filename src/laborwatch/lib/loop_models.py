"""Abstract models the closed loops share: a thing sent to a unit that signs for it (签收) by a
deadline (a referral, a verification assignment, a warning routing), and a notice in a user's
inbox (a work order's, a public-opinion event's); and the numbering of events and warnings."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
