"""The dashboard's figures, worked out ahead (dashboard.facts): a fact for every work order and
warning (one narrow row holding the local days that place it in a period and whether each
figure's condition holds), and the facts added up per day and district, so a period's figures
are sums over at most a few thousand day rows, not filtered aggregates over the whole tables.

Kept by following the audit log (every change to a case or a warning writes its audit row in
the change's transaction): `FactsCursor` is how far it has been read.
"""

from __future__ import annotations

from django.db import models

from laborwatch.cases.models import Case
from laborwatch.core.models import OrgUnit
from laborwatch.enterprises.models import Enterprise
from laborwatch.warnings.models import Grade, Warning


class CaseFact(models.Model):
    """A live (not merged) work order's figures; a merged one has no row."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="+")
    district = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    category = models.CharField(max_length=60)
    # Local (Shanghai) days, as periods are counted.
    received_on = models.DateField()
    resolved_on = models.DateField(null=True, blank=True)
    feedback_in_24h = models.BooleanField()
    resolved_on_time = models.BooleanField()
    union_mediated = models.BooleanField()
    wages_recovered = models.BooleanField()
    # The case's own figures, before a group case is counted once (dashboard.daily).
    wages_amount = models.DecimalField(max_digits=14, decimal_places=2)
    workers_covered = models.PositiveIntegerField()

    class Meta:
        indexes = [
            # Also covers the categories of a period's work orders (dashboard.daily).
            models.Index(fields=["received_on", "district", "category"]),
            models.Index(fields=["resolved_on", "district"]),
        ]

    def __str__(self) -> str:
        return f"case {self.case_id}"


class WarningFact(models.Model):
    """A warning's place in the funnel, by the day it was first issued."""

    warning = models.OneToOneField(
        Warning, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    district = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    issued_on = models.DateField()
    peak_grade = models.CharField(max_length=10, choices=Grade.choices)
    signed = models.BooleanField()
    verified = models.BooleanField()
    handled = models.BooleanField()
    closed = models.BooleanField()
    # A major risk defused by joint handling, and the day its risk ended (the signal went
    # away, or the loop was closed while it lasted); None while it has not.
    defused_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["issued_on", "district"]),
            models.Index(fields=["defused_on", "district"]),
        ]

    def __str__(self) -> str:
        return f"warning {self.warning_id}"


class DayRow(models.Model):
    """Facts of one local day and district added up."""

    day = models.DateField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day} {self.district_id}"  # type: ignore[attr-defined]


class CaseDay(DayRow):
    """The work orders' facts of one day and district added up: received and fed back by the
    day they were received, the rest by the day they were resolved."""

    district = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    received = models.PositiveIntegerField(default=0)
    feedback_24h = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    resolved_on_time = models.PositiveIntegerField(default=0)
    union_mediated = models.PositiveIntegerField(default=0)
    wages_recovered = models.PositiveIntegerField(default=0)
    amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    workers = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "district"], name="one_case_day_per_district")
        ]


class WarningDay(DayRow):
    """The warnings first issued on one day in one district: how many, by highest grade, and
    how far through the loop they are now."""

    district = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    issued = models.PositiveIntegerField(default=0)
    signed = models.PositiveIntegerField(default=0)
    verified = models.PositiveIntegerField(default=0)
    handled = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    issued_red = models.PositiveIntegerField(default=0)
    issued_orange = models.PositiveIntegerField(default=0)
    issued_yellow = models.PositiveIntegerField(default=0)
    issued_blue = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "district"], name="one_warning_day_per_district")
        ]


class FactsCursor(models.Model):
    """How far the audit log has been read into the facts (a single row).

    Audit rows take their ids when they are written and are seen when their transaction
    commits, so a lower id can appear after a higher one has been read: the ids skipped are
    kept as `gaps` (id → when first missed) and looked for again until they appear or are a
    day old (a rolled-back transaction's ids never appear)."""

    read_up_to = models.BigIntegerField(default=0)
    gaps = models.JSONField(default=dict)
    built_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"audit log read up to {self.read_up_to}"
