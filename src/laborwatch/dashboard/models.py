"""The dashboard's figures of every work order and warning, worked out once (dashboard.facts):
one narrow row each, holding the local days that place it in a period and whether each
figure's condition holds, so a period's figures are sums over days, not filtered aggregates
over the whole tables.

Kept by following the audit log (every change to a case or a warning writes its audit row in
the change's transaction): `FactsCursor` is how far it has been read.
"""

from __future__ import annotations

from django.db import models

from laborwatch.cases.models import Case
from laborwatch.core.models import OrgUnit
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
            models.Index(fields=["received_on", "district"]),
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
    issued_on = models.DateField()
    peak_grade = models.CharField(max_length=10, choices=Grade.choices)
    signed = models.BooleanField()
    verified = models.BooleanField()
    handled = models.BooleanField()
    closed = models.BooleanField()

    class Meta:
        indexes = [models.Index(fields=["issued_on", "district"])]

    def __str__(self) -> str:
        return f"warning {self.warning_id}"


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
