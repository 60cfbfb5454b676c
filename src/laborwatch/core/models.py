"""Org units, users with a role and a scope, and the audit event table."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from laborwatch.core.audit_actions import (
    audit_action_label,
    system_actor_label,
    target_type_label,
)
from laborwatch.core.crypto import EncryptedTextField
from laborwatch.core.roles import (
    AUDIT_LOG_ROLES,
    CITY_WIDE_ROLES,
    READ_ONLY_ROLES,
    REVEAL_ROLES,
    Role,
)


class OrgUnit(models.Model):
    """A body in the labour-relations network: federation, centre, district union, department."""

    class Kind(models.TextChoices):
        FEDERATION = "federation", _("City federation of trade unions")
        CENTRE = "centre", _("Worker service centre")
        DISTRICT = "district", _("District union")
        DEPARTMENT = "department", _("Department")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    # Administrative division code (GB/T 2260) of the area a district union covers.
    division_code = models.CharField(_("division code"), max_length=6, blank=True, db_index=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "sort_order", "code"]
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name


def district_key(
    related_name: str, *, districts_only: bool = True, **options: Any
) -> models.ForeignKey[OrgUnit | None, OrgUnit | None]:
    """The district union a record belongs to, when it may be unknown (null, blank in forms);
    an org unit is never deleted from under its records. `districts_only` offers only district
    unions where a form or the admin site picks one."""
    if districts_only:
        options["limit_choices_to"] = {"kind": OrgUnit.Kind.DISTRICT}
    return models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=_("district"),
        **options,
    )


class User(AbstractUser):
    """A person who signs in: a role decides what they may do, the org unit where."""

    # No role by default: a new account sees nothing until it is given one (the admin site's
    # "add user" used to make whole-city centre staff who may reveal personal data).
    role = models.CharField(
        _("role"), max_length=30, choices=Role.choices, default=Role.NONE, blank=True
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("org unit"),
    )
    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    # The head of the org unit receives escalations (the centre head gets red SLA lights).
    is_unit_head = models.BooleanField(_("head of unit"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role__in=[Role.DISTRICT_STAFF, Role.DEPARTMENT_LIAISON])
                | models.Q(org_unit__isnull=False),
                name="scoped_role_has_org_unit",
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    def clean(self) -> None:
        super().clean()
        if self.role not in Role.values:
            return  # the field's own choice validation reports it
        expected_kind = {
            Role.DISTRICT_STAFF: OrgUnit.Kind.DISTRICT,
            Role.DEPARTMENT_LIAISON: OrgUnit.Kind.DEPARTMENT,
        }.get(Role(self.role))
        if expected_kind is None:
            return
        if self.org_unit is None or self.org_unit.kind != expected_kind:
            raise ValidationError(
                {
                    "org_unit": _("This role must belong to a %(kind)s.")
                    % {"kind": OrgUnit.Kind(expected_kind).label}
                }
            )

    @property
    def is_district_leader(self) -> bool:
        """A leader of a district union (an org unit that is a district): their district's."""
        return (
            self.role == Role.LEADER
            and self.org_unit is not None
            and self.org_unit.kind == OrgUnit.Kind.DISTRICT
        )

    @property
    def is_city_wide(self) -> bool:
        return self.role in CITY_WIDE_ROLES and not self.is_district_leader

    @property
    def home_district_id(self) -> int | None:
        """The district whose objects a district union's staff or leader sees; None for the
        others (city-wide roles see every district, liaisons what is routed to them)."""
        if self.role == Role.DISTRICT_STAFF or self.is_district_leader:
            return self.org_unit_id
        return None

    @property
    def can_reveal_personal_data(self) -> bool:
        return self.role in REVEAL_ROLES

    @property
    def can_write(self) -> bool:
        return self.role not in READ_ONLY_ROLES

    @property
    def can_read_audit_log(self) -> bool:
        return self.role in AUDIT_LOG_ROLES


class AuditEvent(models.Model):
    """One state change or sensitive read: who, when, what, before and after. Never updated."""

    # Given by the service (its `now`), so a replayed history keeps its own times.
    at = models.DateTimeField(_("time"), default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    # The actor's name at the time, and "system" / a command name when there is no user.
    actor_label = models.CharField(_("actor label"), max_length=150)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    target_type = models.CharField(_("target type"), max_length=60)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_label = models.CharField(_("target"), max_length=200, blank=True)
    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("org unit"),
    )
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("audit events are append-only")
        super().save(*args, **kwargs)

    @property
    def action_label(self) -> str:
        return audit_action_label(self.action)

    @property
    def actor_display(self) -> str:
        """Who acted, as a colleague reading a work order's timeline would name them: the
        person and their unit, or the system that acted (the audit log shows the account)."""
        if self.actor is None:
            return system_actor_label(self.actor_label)
        unit = self.actor.org_unit
        return f"{self.actor}（{unit.label}）" if unit is not None else str(self.actor)

    @property
    def target_type_label(self) -> str:
        return target_type_label(self.target_type)


class PersonalTextOriginal(models.Model):
    """The text a user typed into a free-text field (a description, a note, a reply) when it
    held an ID number or a phone: that field stores the text masked, this row the original,
    encrypted like the structured fields. Only a role that may reveal reads it, audited.

    Why masked-plus-original and not the whole field encrypted: pages, exports, reports,
    the text engine and search keep reading the field as before and can show nothing in clear
    by mistake, while the handler who needs the number gets it through the audited reveal.
    """

    target_type = models.CharField(max_length=60)
    target_id = models.CharField(max_length=64)
    field = models.CharField(max_length=40)
    text = EncryptedTextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["target_type", "target_id", "field"], name="one_original_per_field"
            )
        ]

    def __str__(self) -> str:
        return f"{self.target_type} {self.target_id} {self.field}"


class CalendarOverride(models.Model):
    """A holiday or make-up working day the calendar package does not know yet."""

    day = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self) -> str:
        return f"{self.day} {'workday' if self.is_working_day else 'holiday'}"
