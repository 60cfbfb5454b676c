"""Notifications as event rows: a service that routes, refers, urges or issues writes a
`Notification` for a unit (or a user) in its own transaction; the delivery step of the schedule
claims each unprocessed row (`processed`, set by `filter(processed=None).update()`), gives every
member of the unit a `Notice` in the app, and puts the messages for the unit's other channels
(email, group robots) in the outbox: at once for what is urgent (red warnings, red lights, a
failed run), otherwise in the unit's daily digest.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from laborwatch.core.models import OrgUnit


class Notification(models.Model):
    class Kind(models.TextChoices):
        WARNING_ROUTED = "warning_routed", _("Warning to sign for")
        SIGN_FOR_DUE = "sign_for_due", _("Sign-for due soon")
        SIGN_FOR_OVERDUE = "sign_for_overdue", _("Sign-for overdue")
        REFERRAL = "referral", _("Referral received")
        REPLY = "reply", _("Reply received")
        SLA_YELLOW = "sla_yellow", _("Deadline near (yellow light)")
        SLA_RED = "sla_red", _("Deadline missed (red light)")
        REPORT = "report", _("Report issued")
        RUN_FAILED = "run_failed", _("Scheduled run failed")
        INSTRUCTION = "instruction", _("Leader's instruction")
        INSTRUCTION_REPORT = "instruction_report", _("Report on an instruction")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # Who it is for: every member of a unit, or one user.
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Masked forms only: a message may leave the building (email, a group robot).
    message = models.CharField(_("message"), max_length=300)
    url = models.CharField(max_length=200, blank=True)
    urgent = models.BooleanField(default=False)
    # What it is about, so one thing is told once ("warning:12", "routing:34:due").
    key = models.CharField(max_length=80)
    created_at = models.DateTimeField(_("time"))
    processed = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "org_unit"],
                condition=models.Q(user=None),
                name="one_notification_per_unit",
            ),
            models.UniqueConstraint(
                fields=["key", "user"],
                condition=models.Q(org_unit=None),
                name="one_notification_per_user",
            ),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.message


class Notice(models.Model):
    """A notification in one person's list in the app, unread until they mark it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-notification__created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "notification"], name="one_notice_per_user")
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.notification}"


class Channel(models.Model):
    """A unit's way out of the app: an email address or a group robot's webhook."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")
        WECOM = "wecom", _("WeCom group robot")
        DINGTALK = "dingtalk", _("DingTalk group robot")
        FEISHU = "feishu", _("Feishu group robot")

    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="channels", verbose_name=_("org unit")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # An email address, or the robot's webhook URL.
    address = models.CharField(_("address"), max_length=500)
    # The robot's signing secret (DingTalk, Feishu); empty when the robot signs nothing.
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    def __str__(self) -> str:
        return f"{self.org_unit.label} {self.get_kind_display()}"


class Delivery(models.Model):
    """One message in the outbox for one channel, tried until sent or given up."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Given up")

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="deliveries")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    # "digest:2026-12-07" or "notification:12": a unit's digest of a day is sent once.
    key = models.CharField(max_length=80)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "key"], name="one_delivery_per_key")
        ]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.channel} {self.subject}"
