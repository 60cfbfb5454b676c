"""Issued reports: the daily early-warning report and the monthly hotline analysis as they were
issued, with their number, issuing unit and files, never changed afterwards.

A report of a closed period is stored when it is issued (by the schedule or by the centre), so
what leaders read stays what was sent; a later issue of the same period is a correction
(更正) that points at the report it corrects and says why.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from laborwatch.core.models import district_key


class ReportKind(models.TextChoices):
    DAILY = "daily", _("Daily early-warning report")
    MONTHLY = "monthly", _("Monthly hotline analysis")


# The prefix of each kind's document-number sequence (cases.NumberSequence).
NUMBER_PREFIX = {ReportKind.DAILY: "RB", ReportKind.MONTHLY: "YB"}


class IssuedReport(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    # The day of a daily report, the first day of a monthly report's month.
    period_start = models.DateField(_("period"))
    # The district a report covers; none for the whole city.
    district = district_key("+")
    # "city" or the district's code: one original per kind, period and scope.
    scope_code = models.CharField(max_length=40, editable=False)
    number = models.CharField(_("document number"), max_length=40, unique=True)
    issuing_unit = models.CharField(_("issuing unit"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    # None when the schedule issued it.
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    correction_note = models.TextField(_("what the correction changes"), blank=True)
    html = models.TextField(editable=False)
    docx = models.BinaryField(editable=False)
    pdf = models.BinaryField(editable=False, null=True, blank=True)

    class Meta:
        ordering = ["-period_start", "kind", "scope_code", "-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period_start", "scope_code"],
                condition=models.Q(corrects=None),
                name="one_original_report_per_period",
            )
        ]
        indexes = [models.Index(fields=["kind", "period_start"])]
        verbose_name = _("issued report")
        verbose_name_plural = _("issued reports")

    def __str__(self) -> str:
        return self.number

    @property
    def is_correction(self) -> bool:
        return self.corrects_id is not None

    @property
    def period_label(self) -> str:
        if self.kind == ReportKind.MONTHLY:
            return f"{self.period_start:%Y-%m}"
        return f"{self.period_start:%Y-%m-%d}"

    @property
    def scope_label(self) -> str:
        return self.district.label if self.district else str(_("Whole city"))
