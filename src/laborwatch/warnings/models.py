"""Warnings and what hangs off them: the grade-change events, routings with sign-for, loop
steps, leaders' instructions.

One active warning per enterprise and risk type (a partial unique constraint); the daily sync
(services/sync.py) opens, updates and resolves them from the risk engine's scores.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from laborwatch.core.models import OrgUnit
from laborwatch.core.personal_text import PersonalTextMixin
from laborwatch.enterprises.models import Enterprise
from laborwatch.lib.loop_models import Instructed, Numbered, SignedFor
from laborwatch.lib.transitions import Guarded
from laborwatch.warnings import transitions
from laborwatch.warnings.statuses import ACTIVE_STATUSES, WarningStatus


class Grade(models.TextChoices):
    RED = "red", pgettext_lazy("warning", "Red")
    ORANGE = "orange", pgettext_lazy("warning", "Orange")
    YELLOW = "yellow", pgettext_lazy("warning", "Yellow")
    BLUE = "blue", pgettext_lazy("warning", "Blue")


# The risk engine's levels: 0 is "no grade" (a clean day).
GRADE_LEVEL = {Grade.BLUE: 1, Grade.YELLOW: 2, Grade.ORANGE: 3, Grade.RED: 4}
GRADES_HIGH_FIRST = (Grade.RED, Grade.ORANGE, Grade.YELLOW, Grade.BLUE)


class RiskType(models.TextChoices):
    WAGE_ARREARS = "wage_arrears", _("Wage-arrears risk")
    COLLECTIVE_DISPUTE = "collective_dispute", _("Collective-dispute risk")
    MASS_LAYOFF = "mass_layoff", _("Mass-layoff risk")


# The glossary's name; it shadows Python's builtin Warning class, which this app never uses.
class Warning(Guarded, Numbered):
    # `warning.can(action, user)`, `warning.actions_for(user)`: what may be done now.
    transition_table = transitions.TABLE
    number_prefix = "YJ"

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="warnings", verbose_name=_("enterprise")
    )
    # The enterprise's district when the warning opened: scope and routing follow it.
    district = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="warnings",
        verbose_name=_("district"),
        limit_choices_to={"kind": OrgUnit.Kind.DISTRICT},
    )
    risk_type = models.CharField(_("risk type"), max_length=30, choices=RiskType.choices)
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices, db_index=True)
    peak_grade = models.CharField(_("highest grade"), max_length=10, choices=Grade.choices)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=WarningStatus.choices,
        default=WarningStatus.OPEN,
        db_index=True,
    )
    score = models.FloatField(_("score"))
    # The fired rules, one entry per rule with its latest value and the days it was seen.
    evidence = models.JSONField(_("evidence"), default=list)
    # The day the evidence last changed: its entries last seen on that day are firing now.
    evidence_on = models.DateField(_("evidence changed on"))
    departments = models.JSONField(_("departments"), default=list)
    signal_count = models.PositiveIntegerField(_("days signalled"), default=1)
    first_seen_on = models.DateField(_("first seen on"))
    last_seen_on = models.DateField(_("last seen on"), db_index=True)
    # The first day of the current run of days without a signal; None while signalled.
    clean_since = models.DateField(_("clean since"), null=True, blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    # The latest score date the sync applied to this warning: a rerun of a day changes nothing.
    synced_on = models.DateField(_("synced on"))
    config_version = models.CharField(_("rules version"), max_length=30)
    # A higher-grade warning of the same enterprise stands for this one (no routing of its own).
    inhibited_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inhibits",
        verbose_name=_("inhibited by"),
    )
    verified = models.BooleanField(_("verified as true"), null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="warnings",
        verbose_name=_("work order"),
    )
    # Set by the services from their `now` (not auto_now), so a replayed history keeps its times.
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-last_seen_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "risk_type"],
                condition=models.Q(status__in=["open", "verifying", "handling"]),
                name="one_active_warning_per_enterprise_and_risk",
            )
        ]
        indexes = [
            models.Index(fields=["district", "status"]),
            models.Index(fields=["status", "grade"]),
        ]
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def level(self) -> int:
        return GRADE_LEVEL[Grade(self.grade)]

    def current_evidence(self) -> list[dict]:
        """The rules firing on the last signalled day, with their values."""
        day = self.evidence_on.isoformat()
        return [entry for entry in self.evidence if entry.get("last_seen_on") == day]


class WarningEvent(models.Model):
    """A change the daily sync made (opened, escalated, resolved …), dated by the score date.

    The daily report counts these rows; the audit log keeps who-did-what for every change.
    """

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        ESCALATED = "escalated", _("Escalated")
        DE_ESCALATED = "de_escalated", _("De-escalated")
        EVIDENCE = "evidence", _("New evidence")
        RESOLVED = "resolved", _("Resolved after clean days")
        INHIBITED = "inhibited", _("Inhibited by a higher grade")
        RELEASED = "released", _("No longer inhibited")
        OVERDUE = "overdue", _("Not signed for in time")

    warning = models.ForeignKey(Warning, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    on = models.DateField(_("date"), db_index=True)
    at = models.DateTimeField(_("time"), default=timezone.now, editable=False)
    grade_before = models.CharField(max_length=10, blank=True)
    grade_after = models.CharField(max_length=10, blank=True)
    score = models.FloatField(null=True, blank=True)
    # Denormalised for the report's "by district" without a join through the warning.
    district = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["on", "pk"]
        indexes = [models.Index(fields=["on", "kind"])]
        verbose_name = _("warning event")
        verbose_name_plural = _("warning events")

    def __str__(self) -> str:
        return f"{self.on} {self.kind}"


class WarningRoutingQuerySet(models.QuerySet["WarningRouting"]):
    def awaiting_signature(self) -> WarningRoutingQuerySet:
        """Not signed for, of a warning still in the loop and not inhibited by a higher one:
        what the receiver must still sign for (the inbox) and the sweep chases."""
        return self.filter(
            acknowledged_at=None,
            warning__status__in=ACTIVE_STATUSES,
            warning__inhibited_by=None,
        )


class WarningRouting(SignedFor):
    """The warning sent to one receiver (district union or department) who must sign for it."""

    class Reason(models.TextChoices):
        DISTRICT = "district", _("District of the enterprise")
        DEPARTMENT = "department", _("Department of a fired rule")

    warning = models.ForeignKey(Warning, on_delete=models.CASCADE, related_name="routings")
    org_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="warning_routings",
        verbose_name=_("receiver"),
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    routed_at = models.DateTimeField(_("routed at"))
    acknowledge_due = models.DateTimeField(_("sign for by"), db_index=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    objects = WarningRoutingQuerySet.as_manager()

    class Meta:
        ordering = ["routed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["warning", "org_unit"], name="one_routing_per_unit")
        ]
        verbose_name = _("warning routing")
        verbose_name_plural = _("warning routings")

    def __str__(self) -> str:
        return f"{self.warning} → {self.org_unit.label}"


class WarningStep(PersonalTextMixin, models.Model):
    """One step of the risk loop recorded on a warning: 核实, 联动处置, 服务对接, 源头治理, 办结."""

    personal_text_fields = ("note",)

    class Kind(models.TextChoices):
        VERIFICATION = "verification", _("Verification")
        JOINT_HANDLING = "joint_handling", _("Joint handling")
        SERVICE = "service", _("Service matching")
        ROOT_CAUSE = "root_cause", _("Root-cause measure")
        CLOSURE = "closure", _("Closure")

    class Outcome(models.TextChoices):
        CONFIRMED = "confirmed", _("True (属实)")
        UNFOUNDED = "unfounded", _("Not true (不属实)")
        LEGAL_AID = "legal_aid", _("Legal aid")
        RE_EMPLOYMENT = "re_employment", _("Re-employment")
        TRAINING = "training", _("Training")
        COLLECTIVE_CONTRACT = "collective_contract", _("Collective contract")
        WORKERS_CONGRESS = "workers_congress", _("Workers' congress")
        OTHER = "other", _("Other")

    warning = models.ForeignKey(Warning, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=20, choices=Kind.choices)
    outcome = models.CharField(_("outcome"), max_length=24, choices=Outcome.choices, blank=True)
    note = models.TextField(_("note"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("warning step")
        verbose_name_plural = _("warning steps")

    def __str__(self) -> str:
        return f"{self.warning} {self.kind}"


class WarningInstruction(Instructed):
    """批示 / 督办: a leader's instruction on a warning that has no work order (on one that has,
    the leader instructs on the work order, where the handling is).

    While it is open the warning is supervised (督办) to the leader's deadline. The units the
    warning is routed to find it in their inbox; one of them, or the centre, signs for it and
    reports back; the leader closes it. One open instruction per warning.
    """

    warning = models.ForeignKey(Warning, on_delete=models.CASCADE, related_name="instructions")

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["warning"],
                condition=~models.Q(state="closed"),
                name="one_open_instruction_per_warning",
            )
        ]
        indexes = [models.Index(fields=["state", "deadline"])]
        verbose_name = _("leader's instruction on a warning")
        verbose_name_plural = _("leaders' instructions on warnings")

    def __str__(self) -> str:
        return f"{self.warning} {self.text[:20]}"


# The outcomes each step accepts; an empty tuple means free text only.
STEP_OUTCOMES: dict[str, tuple[str, ...]] = {
    WarningStep.Kind.VERIFICATION: (WarningStep.Outcome.CONFIRMED, WarningStep.Outcome.UNFOUNDED),
    WarningStep.Kind.JOINT_HANDLING: (),
    WarningStep.Kind.SERVICE: (
        WarningStep.Outcome.LEGAL_AID,
        WarningStep.Outcome.RE_EMPLOYMENT,
        WarningStep.Outcome.TRAINING,
        WarningStep.Outcome.OTHER,
    ),
    WarningStep.Kind.ROOT_CAUSE: (
        WarningStep.Outcome.COLLECTIVE_CONTRACT,
        WarningStep.Outcome.WORKERS_CONGRESS,
        WarningStep.Outcome.OTHER,
    ),
    WarningStep.Kind.CLOSURE: (),
}
