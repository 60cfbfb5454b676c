"""The run log: one row per run of a scheduled job, claimed before the job starts.

A job's run is named by its slot (the day of the morning run, the month of the monthly report,
the minute of a sweep); the unique (job, slot) pair is the claim, so of several servers
sharing the database exactly one runs each slot, and a restart does not run it again.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    job = models.CharField(_("job"), max_length=30)
    slot = models.CharField(_("slot"), max_length=40)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # What the run did, in its own words: {"label": value} lines for the run log.
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    # Which server ran it: host and process.
    server = models.CharField(_("server"), max_length=100, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="one_run_per_slot")]
        indexes = [models.Index(fields=["job", "-started_at"])]
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")

    def __str__(self) -> str:
        return f"{self.job} {self.slot}"
