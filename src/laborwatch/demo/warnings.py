"""The demo's warnings: the city's feeds in, month-end runs, and units that answer in time.

The daily pipeline runs at each of the last DEMO_WARNING_MONTHS month ends and on the morning
of the demo's day, each run at its own time (`now=`). Between runs the units the warnings are
routed to sign for them, most within their deadline and a few late (demo.pace); the district
union verifies what it signed for, handles what it found true, and closes the warning once
the signal is gone. What it finds follows the city's labels: a warning is true (属实) when its
enterprise had an episode of that risk type whose onset lies within 90 days after the day it
opened, or 30 days before; so `laborwatch risk fit --from-verifications` learns from them.
So the board shows warnings of every age and stage, the risk profile has
half a year's history, and what is still unsigned is recent.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from laborwatch.demo.pace import when_done
from laborwatch.demo.users import unit_staff
from laborwatch.reports.monthly.report import add_months
from laborwatch.risk.evaluate import read_episodes
from laborwatch.risk.ingest import ARRIVAL_CALENDAR, IngestReport, feed_files_in, ingest_file
from laborwatch.warnings.daily import DailyRun, run_daily
from laborwatch.warnings.models import Warning, WarningRouting, WarningStatus, WarningStep
from laborwatch.warnings.services import warning_acknowledge, warning_record_step

# Each run scores the whole city; six month ends give the risk profiles half a year of history.
DEMO_WARNING_MONTHS = 6
RUN_TIME = dt.time(8, 30)
# A warning is true (属实) when its enterprise's episode of the type has its onset this many
# days after the day the warning opened (or, the second, before it).
TRUE_AHEAD_DAYS, TRUE_AFTER_DAYS = 90, 30

Step = WarningStep.Kind
Outcome = WarningStep.Outcome


def ingest_city_feeds(root: Path, city_dir: Path, *, today: dt.date) -> list[IngestReport]:
    """Load a synthetic city's department feeds into the store.

    The city's complaints are left out: their replayed history is in the app's work orders,
    which the daily run exports as the work-order feed. The feeds are a history loaded at
    once: each row arrived when the arrival calendar says (the month-end runs of the past
    see what had come by then).
    """
    return [
        ingest_file(root, feed, path, today=today, arrived=ARRIVAL_CALENDAR)
        for feed, path in feed_files_in(city_dir)
        if feed != "work_orders"
    ]


def prepare_warnings(
    city_dir: Path,
    *,
    root: Path | None = None,
    now: dt.datetime | None = None,
    months: int = DEMO_WARNING_MONTHS,
    seed: int = 1,
) -> DailyRun | None:
    """Feeds in, the month-end runs and the latest morning's run, when the demo has no warning
    yet; returns the latest run, or None if the demo already had warnings."""
    if Warning.objects.exists():
        return None
    now = now or timezone.now()
    root = root or Path(settings.DATA_DIR)
    ingest_city_feeds(root, city_dir, today=timezone.localtime(now).date())
    units = _Units(random.Random(seed), city_episodes(city_dir))
    runs = run_times(now, months)
    latest: DailyRun | None = None
    for index, run_at in enumerate(runs):
        month_end = timezone.localtime(run_at).date() if index < len(runs) - 1 else None
        latest = run_daily(root=root, as_of=month_end, now=run_at)
        until = runs[index + 1] if index < len(runs) - 1 else now
        units.answer(run_at, until)
    return latest


def run_times(now: dt.datetime, months: int) -> list[dt.datetime]:
    """The mornings of the last `months` month ends, then the latest morning before `now`."""
    today = timezone.localtime(now).date()
    first = today.replace(day=1)
    month_ends = [
        add_months(first, -back) - dt.timedelta(days=1) for back in range(months - 1, -1, -1)
    ]
    latest = _morning(today)
    if latest >= now:
        latest = _morning(today - dt.timedelta(days=1))
    return [_morning(day) for day in month_ends if _morning(day) < latest] + [latest]


def _morning(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, RUN_TIME))


def city_episodes(city_dir: Path) -> dict[tuple[str, str], list[dt.date]]:
    """(credit code, risk type) → the onset days of the city's labelled episodes."""
    onsets: dict[tuple[str, str], list[dt.date]] = defaultdict(list)
    for episode in read_episodes(city_dir):
        onsets[(episode.credit_code, episode.kind)].append(episode.onset_on)
    return onsets


def found_true(warning: Warning, onsets: dict[tuple[str, str], list[dt.date]]) -> bool:
    """What the district union's visit finds: the city's label for the warning."""
    opened = warning.first_seen_on
    return any(
        -TRUE_AFTER_DAYS <= (onset - opened).days <= TRUE_AHEAD_DAYS
        for onset in onsets.get((warning.enterprise.credit_code, warning.risk_type), [])
    )


class _Units:
    """The receiving units' staff, answering what was routed to them between two runs."""

    def __init__(self, rng: random.Random, onsets: dict[tuple[str, str], list[dt.date]]) -> None:
        self.rng = rng
        self.onsets = onsets
        self.staff = unit_staff()

    def answer(self, since: dt.datetime, until: dt.datetime) -> None:
        """Every step due between the run at `since` and the next run (or now) at `until`."""
        self._sign(since, until)
        self._verify(since, until)
        self._handle(since, until)
        self._close(since, until)

    def _sign(self, since: dt.datetime, until: dt.datetime) -> None:
        pending = (
            WarningRouting.objects.awaiting_signature()
            .filter(org_unit_id__in=list(self.staff), routed_at__lte=since)
            .order_by("pk")
        )
        for routing in pending:
            signed = when_done(max(routing.routed_at, since), routing.acknowledge_due, self.rng)
            if signed < until:
                actor = self.staff[routing.org_unit_id]
                warning_acknowledge(routing=routing, actor=actor, now=signed)

    def _verify(self, since: dt.datetime, until: dt.datetime) -> None:
        """The district union verifies what it signed for, within a few days."""
        signed = WarningRouting.objects.filter(
            warning__status=WarningStatus.VERIFYING,
            warning__district_id=F("org_unit_id"),
            org_unit_id__in=list(self.staff),
            acknowledged_at__isnull=False,
        )
        for routing in signed.select_related("warning__enterprise").order_by("pk"):
            assert routing.acknowledged_at is not None  # filtered above
            verified = max(routing.acknowledged_at, since) + _days(self.rng, 1, 5)
            if verified >= until:
                continue
            unfounded = not found_true(routing.warning, self.onsets)
            warning_record_step(
                warning=routing.warning,
                actor=self.staff[routing.org_unit_id],
                kind=Step.VERIFICATION,
                outcome=Outcome.UNFOUNDED if unfounded else Outcome.CONFIRMED,
                note="属地工会上门走访，核实企业用工和工资支付情况",
                now=verified,
            )

    def _handle(self, since: dt.datetime, until: dt.datetime) -> None:
        """What the district union found true, it handles with the departments."""
        confirmed = (
            WarningStep.objects.filter(
                kind=Step.VERIFICATION,
                warning__status=WarningStatus.HANDLING,
                warning__district_id__in=list(self.staff),
            )
            .exclude(warning__steps__kind=Step.JOINT_HANDLING)
            .select_related("warning")
            .order_by("pk")
        )
        for verification in confirmed:
            handled = max(verification.at, since) + _days(self.rng, 2, 10)
            if handled >= until:
                continue
            warning_record_step(
                warning=verification.warning,
                actor=self.staff[verification.warning.district_id],
                kind=Step.JOINT_HANDLING,
                note="会同人社部门约谈企业负责人，督促制定工资支付计划",
                now=handled,
            )

    def _close(self, since: dt.datetime, until: dt.datetime) -> None:
        """The district union closes (销号) a warning whose signal has gone, after a visit."""
        resolved = Warning.objects.filter(
            status=WarningStatus.RESOLVED, district_id__in=list(self.staff)
        )
        for warning in resolved.order_by("pk"):
            closed = since + _days(self.rng, 1, 7)
            if closed >= until:
                continue
            warning_record_step(
                warning=warning,
                actor=self.staff[warning.district_id],
                kind=Step.CLOSURE,
                note="风险信号已消除，回访企业，生产经营和工资支付恢复正常，予以销号",
                now=closed,
            )


def _days(rng: random.Random, low: float, high: float) -> dt.timedelta:
    return dt.timedelta(days=rng.uniform(low, high))
