"""`laborwatch run-jobs`: run the scheduled jobs that are due now (for cron, when
LABORWATCH_SWEEP_SECONDS=0 leaves `serve` without its schedule)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.lib.commands import USAGE_ERROR, LaborwatchCommand
from laborwatch.schedule.jobs import JOBS
from laborwatch.schedule.models import JobRun
from laborwatch.schedule.runner import run_due_jobs


class Command(LaborwatchCommand):
    summary = gettext_lazy(
        "Run the scheduled jobs due now: the inbox, the morning run, the monthly report, the "
        "sweeps (each slot once, whichever server or cron runs it first)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--job",
            action="append",
            help=_("Only this job (repeatable): %(jobs)s.") % {"jobs": ", ".join(JOBS)},
        )

    def handle(self, *args: Any, job: list[str] | None = None, **options: Any) -> None:
        unknown = sorted(set(job or ()) - set(JOBS))
        if unknown:
            raise CommandError(
                _("No such job: %(names)s.") % {"names": ", ".join(unknown)},
                returncode=USAGE_ERROR,
            )
        runs = run_due_jobs(only=job)
        for run in runs:
            self.stdout.write(
                _("%(job)s %(slot)s: %(status)s")
                % {"job": JOBS[run.job].label, "slot": run.slot, "status": run.get_status_display()}
            )
        if not runs:
            self.stdout.write(_("Nothing due."))
        if any(run.status == JobRun.Status.FAILED for run in runs):
            raise CommandError(_("A job failed: see the run log."))
