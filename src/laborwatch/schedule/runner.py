"""Running the jobs that are due: claim the slot (a unique row), run, record the end.

Called by the task queue's workers (schedule/tasks.py: its periodic tick finds the due slots
every minute, and a worker runs each, under `laborwatch serve` or `laborwatch worker`), and
by `laborwatch run-jobs` from cron. Of several servers on one database, the one whose claim
is inserted first runs the slot; the others see the row and skip it. A job that fails is
recorded with its error and the centre is told (the failed run's notice); the other jobs
still run.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import traceback
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laborwatch.notifications.models import Notification
from laborwatch.notifications.services import centre_users, notify
from laborwatch.schedule.jobs import JOBS, Job, JobError
from laborwatch.schedule.models import JobRun

logger = logging.getLogger(__name__)


def _claim(job: Job, slot: str, now: dt.datetime) -> JobRun | None:
    try:
        with transaction.atomic():
            return JobRun.objects.create(
                job=job.name,
                slot=slot,
                started_at=now,
                server=f"{socket.gethostname()}:{os.getpid()}",
            )
    except IntegrityError:
        return None  # run already, or running on another server


def run_job(job: Job, slot: str, now: dt.datetime) -> JobRun | None:
    """Run `job` for `slot` unless some server has claimed it; the finished run."""
    run = _claim(job, slot, now)
    if run is None:
        return None
    try:
        run.figures = job.run(now)
    except JobError as error:
        logger.error("scheduled job %s (%s) failed: %s", job.name, slot, error)
        run.status = JobRun.Status.FAILED
        run.error = str(error)
    except Exception:
        # Recorded, shown on the run log and sent to the centre; the server keeps going.
        logger.exception("scheduled job %s (%s) failed", job.name, slot)
        run.status = JobRun.Status.FAILED
        run.error = traceback.format_exc()[-4000:]
    else:
        run.status = JobRun.Status.SUCCEEDED
    run.finished_at = timezone.now()
    run.save(update_fields=["figures", "status", "error", "finished_at"])
    if run.status == JobRun.Status.FAILED:
        _tell_the_centre(job, run)
    return run


def _tell_the_centre(job: Job | None, run: JobRun) -> None:
    """A failed run reaches the centre at once, in the app and on its channels."""
    notify(
        kind=Notification.Kind.RUN_FAILED,
        message=_("Scheduled run failed: %(job)s (%(slot)s). See the run log.")
        % {"job": job.label if job is not None else run.job, "slot": run.slot},
        key=f"run:{run.pk}",
        url="/runs/",
        users=centre_users(),
        urgent=True,
        now=run.finished_at or timezone.now(),
    )


# A run still "running" this long after it started was cut off: its server stopped, or lost the
# database, between the claim and the record. Far longer than any job takes at city scale (the
# morning run takes minutes), so no run in hand is ever taken for one.
STALE_AFTER = dt.timedelta(hours=6)


def abandon_stale_runs(now: dt.datetime) -> list[JobRun]:
    """Record every run cut off before `now - STALE_AFTER` as failed, and tell the centre once
    for each (the update that flips a run is the one that tells, whichever server sweeps).

    Its slot stays claimed, so nothing runs it again by itself: a half-done morning is the
    centre's to look at (`laborwatch run-jobs` runs the next slot, the steps left can be run by
    hand), as for a run that failed with an error.
    """
    abandoned = []
    cutoff = now - STALE_AFTER
    for pk in JobRun.objects.filter(
        status=JobRun.Status.RUNNING, started_at__lt=cutoff
    ).values_list("pk", flat=True):
        flipped = JobRun.objects.filter(pk=pk, status=JobRun.Status.RUNNING).update(
            status=JobRun.Status.FAILED,
            finished_at=now,
            error=_(
                "The run was cut off: it was still recorded as running %(hours)d hours after "
                "it started (its server stopped or lost the database)."
            )
            % {"hours": STALE_AFTER // dt.timedelta(hours=1)},
        )
        if flipped:
            run = JobRun.objects.get(pk=pk)
            _tell_the_centre(JOBS.get(run.job), run)
            abandoned.append(run)
    return abandoned


def due_slots(now: dt.datetime, *, only: Iterable[str] | None = None) -> list[tuple[str, str]]:
    """(job, slot) of every job due at `now` whose slot no server has claimed yet, in the
    table's order. Only a hint for the caller: `run_job`'s claim still decides."""
    due = []
    for name, job in JOBS.items():
        if only is not None and name not in only:
            continue
        slot = job.slot(now)
        if slot is not None:
            due.append((name, slot))
    claimed = set(
        JobRun.objects.filter(
            job__in={name for name, _slot in due}, slot__in={slot for _name, slot in due}
        ).values_list("job", "slot")
    )
    return [pair for pair in due if pair not in claimed]


def run_due_jobs(
    now: dt.datetime | None = None, *, only: Iterable[str] | None = None
) -> list[JobRun]:
    """Every job due at `now` (the clock by default), in the table's order, run here."""
    now = now or timezone.now()
    abandon_stale_runs(now)
    runs = []
    for name, slot in due_slots(now, only=only):
        run = run_job(JOBS[name], slot, now)
        if run is not None:
            runs.append(run)
    return runs
