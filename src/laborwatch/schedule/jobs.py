"""The jobs of the day, each with the slot it is due in at a moment (None: not due) and what it
does. The task queue's tick (tasks.py) finds the due slots every minute and a worker runs each;
`runner.run_job` claims each slot once and records the run.

- sweep: every LABORWATCH_SWEEP_SECONDS (rounded to whole minutes): urge and escalate work
  orders, chase unsigned referrals and warnings;
- inbox: whenever feed files wait in the inbox folder (LABORWATCH_INBOX, by default
  LABORWATCH_DATA_DIR/inbox, a sub-folder per feed as `laborwatch ingest --all` reads them):
  ingest them, then move each to _done/ or _refused/;
- morning: once a day from LABORWATCH_MORNING_AT (07:30): the inbox, then score and sync the
  warnings, then issue the daily report of the city and of each district;
- monthly: from the morning of LABORWATCH_MONTHLY_REPORT_DAY (the 3rd): issue the previous
  month's report of the city and of each district.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from laborwatch.core.models import OrgUnit
from laborwatch.reports.models import IssuedReport, ReportKind
from laborwatch.reports.monthly.report import add_months

Figures = dict[str, Any]


class JobError(Exception):
    """A job that could not do its work for a reason it can say (no feeds to score, say):
    recorded with this message, without a traceback."""


@dataclass(frozen=True)
class Job:
    name: str
    label: Promise
    # The slot due at a moment, or None when the job is not due.
    slot: Callable[[dt.datetime], str | None]
    run: Callable[[dt.datetime], Figures]


def sweep_seconds() -> float:
    return float(os.environ.get("LABORWATCH_SWEEP_SECONDS", "300"))


def _tick_slot(now: dt.datetime) -> str:
    """The tick's minute, rounded down to the sweep interval."""
    interval = max(int(sweep_seconds()), 60)
    moment = int(now.timestamp()) // interval * interval
    return timezone.localtime(dt.datetime.fromtimestamp(moment, dt.UTC)).strftime("%Y-%m-%d %H:%M")


def _sweep(now: dt.datetime) -> Figures:
    from laborwatch.cases.services import sla_sweep
    from laborwatch.notifications.outbox import outbox_send
    from laborwatch.notifications.reminders import remind_sign_for_due
    from laborwatch.notifications.services import notifications_deliver
    from laborwatch.opinion.services import opinion_sweep
    from laborwatch.warnings.services import warnings_sweep

    cases = sla_sweep(now=now)
    warnings = warnings_sweep(now=now)
    opinion = opinion_sweep(now=now)
    reminded = remind_sign_for_due(now=now)
    delivered = notifications_deliver(now=now)
    outbox = outbox_send(now=now)
    return {
        "urged": cases.urged,
        "escalated": cases.escalated,
        "referrals_escalated": cases.referrals_escalated,
        "milestones_flagged": cases.milestones_flagged,
        "instructions_urged": cases.instructions_urged + warnings.instructions_urged,
        "warnings_overdue": warnings.escalated,
        "opinion_urged": opinion.urged,
        "opinion_escalated": opinion.escalated,
        "sign_for_reminders": reminded,
        "notifications_delivered": delivered,
        "messages_sent": outbox["sent"],
        "messages_failed": outbox["failed"],
    }


# --- the inbox ---------------------------------------------------------------------------


def inbox_folder() -> Path:
    return Path(settings.LABORWATCH_INBOX)


def waiting_files() -> list[tuple[str, Path]]:
    from laborwatch.risk.ingest import feed_files_in

    folder = inbox_folder()
    return list(feed_files_in(folder)) if folder.is_dir() else []


def _inbox_slot(now: dt.datetime) -> str | None:
    return _tick_slot(now) if waiting_files() else None


def ingest_inbox(now: dt.datetime) -> Figures:
    """Every waiting file: taken out of the inbox first (a rename, so two servers never take
    the same file), ingested, then kept under _done/ or _refused/ with the day's date."""
    from laborwatch.risk.ingest import ingest_file

    folder = inbox_folder()
    today = timezone.localtime(now).date()
    loaded = refused = rows = 0
    lines = []
    for feed, path in waiting_files():
        taken = folder / "_processing" / feed / path.name
        taken.parent.mkdir(parents=True, exist_ok=True)
        try:
            path.rename(taken)
        except FileNotFoundError:
            continue  # another server took it
        report = ingest_file(Path(settings.DATA_DIR), feed, taken, today=today)
        outcome = "_refused" if report.status == "refused" else "_done"
        kept = folder / outcome / f"{today:%Y-%m-%d}" / feed / path.name
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(taken), kept)
        lines.append(report.summary())
        if report.status == "refused":
            refused += 1
        else:
            loaded += 1
            rows += report.rows_taken
    return {"files_loaded": loaded, "files_refused": refused, "rows_taken": rows, "files": lines}


# --- the morning run and the reports ------------------------------------------------------


def _morning_slot(now: dt.datetime) -> str | None:
    local = timezone.localtime(now)
    return f"{local:%Y-%m-%d}" if local.time() >= settings.LABORWATCH_MORNING_AT else None


def _districts() -> list[OrgUnit | None]:
    units = OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT, is_active=True)
    return [None, *units.order_by("sort_order")]


def issue_all(kind: str, period_start: dt.date, now: dt.datetime) -> list[str]:
    """The report of the city and of each district for the period, those not yet issued."""
    from laborwatch.reports.services import report_issue

    issued = set(
        IssuedReport.objects.filter(
            kind=kind, period_start=period_start, corrects=None
        ).values_list("scope_code", flat=True)
    )
    numbers = []
    for district in _districts():
        if (district.code if district else "city") in issued:
            continue
        report = report_issue(
            kind=kind, period_start=period_start, district=district, actor=None, now=now
        )
        numbers.append(report.number)
    return numbers


def morning(now: dt.datetime) -> Figures:
    from laborwatch.risk.pipeline import ScoringError
    from laborwatch.warnings.daily import run_daily

    figures: Figures = {"inbox": ingest_inbox(now)}
    try:
        run = run_daily(actor_label="schedule", now=now)
    except ScoringError as error:
        raise JobError(str(error)) from error
    figures.update(
        {
            "score_day": run.score.as_of.isoformat(),
            "enterprises_scored": run.score.enterprises,
            "warnings_opened": run.sync.opened,
            "warnings_escalated": run.sync.escalated,
            "warnings_resolved": run.sync.resolved,
        }
    )
    figures["daily_reports"] = issue_all(ReportKind.DAILY, run.score.as_of, now)
    figures["digests"] = _digests(now)
    return figures


def _digests(now: dt.datetime) -> int:
    """The day's notifications delivered in the app, then one digest per unit queued and
    sent on its channels."""
    from laborwatch.notifications.outbox import outbox_send
    from laborwatch.notifications.services import digests_queue, notifications_deliver

    notifications_deliver(now=now)
    queued = digests_queue(now=now)
    outbox_send(now=now)
    return queued


def _monthly_slot(now: dt.datetime) -> str | None:
    local = timezone.localtime(now)
    if local.day < settings.LABORWATCH_MONTHLY_REPORT_DAY:
        return None
    if local.day == settings.LABORWATCH_MONTHLY_REPORT_DAY and (
        local.time() < settings.LABORWATCH_MORNING_AT
    ):
        return None
    return f"{add_months(local.date().replace(day=1), -1):%Y-%m}"


def monthly(now: dt.datetime) -> Figures:
    month = add_months(timezone.localtime(now).date().replace(day=1), -1)
    return {"month": f"{month:%Y-%m}", "reports": issue_all(ReportKind.MONTHLY, month, now)}


# The run log's words for the figures the jobs record.
FIGURE_LABELS = {
    "urged": _("Work orders urged"),
    "escalated": _("Work orders escalated"),
    "referrals_escalated": _("Referrals not signed for, escalated"),
    "milestones_flagged": _("Milestones overdue"),
    "instructions_urged": _("Leaders' instructions overdue, urged"),
    "warnings_overdue": _("Warnings not signed for in time"),
    "opinion_urged": _("Opinion events urged"),
    "opinion_escalated": _("Opinion events escalated"),
    "sign_for_reminders": _("Sign-for reminders"),
    "notifications_delivered": _("Notifications delivered"),
    "messages_sent": _("Messages sent"),
    "messages_failed": _("Messages not sent (to be retried)"),
    "files_loaded": _("Files loaded"),
    "files_refused": _("Files refused"),
    "rows_taken": _("Rows stored"),
    "files": _("Files"),
    "inbox": _("Inbox"),
    "score_day": _("Score day"),
    "enterprises_scored": _("Enterprises scored"),
    "warnings_opened": _("Warnings opened"),
    "warnings_escalated": _("Warnings escalated"),
    "warnings_resolved": _("Warnings resolved"),
    "daily_reports": _("Daily reports issued"),
    "digests": _("Digests queued"),
    "month": _("Month"),
    "reports": _("Reports issued"),
}


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        Job("inbox", _("Feed files from the inbox"), _inbox_slot, ingest_inbox),
        Job("morning", _("Morning run: score, sync, daily report"), _morning_slot, morning),
        Job("monthly", _("Monthly report"), _monthly_slot, monthly),
        Job("sweep", _("Deadline sweep"), _tick_slot, _sweep),
    )
}
