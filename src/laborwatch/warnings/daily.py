"""The daily pipeline: export the app's work orders to the feed store, score, sync warnings."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from laborwatch.risk import store
from laborwatch.risk.ingest import IngestReport
from laborwatch.risk.pipeline import ScoreRun, ScoringError, score_store
from laborwatch.risk.rules import RulesConfig, load_rules
from laborwatch.warnings.export import export_work_orders
from laborwatch.warnings.scores import read_score_day
from laborwatch.warnings.services import SyncResult, warnings_sync


@dataclass
class DailyRun:
    export: IngestReport | None
    score: ScoreRun
    sync: SyncResult
    sync_seconds: float


def run_daily(
    *,
    root: Path | None = None,
    as_of: dt.date | None = None,
    config: RulesConfig | None = None,
    actor_label: str = "score",
    now: dt.datetime | None = None,
) -> DailyRun:
    """One day of the pipeline; `as_of` defaults to the latest date in the feeds.

    `now` is when the run happens: the time its warnings, routings and events carry.

    Raises risk.pipeline.ScoringError when it cannot score (an empty feed store, say).
    """
    now = now or timezone.now()
    root = root or Path(settings.DATA_DIR)
    config = config or load_rules()
    try:
        store.upgrade_store(root)  # a feed store from an earlier version, once
    except store.StoreBusyError as error:
        raise ScoringError(str(error)) from error
    export = export_work_orders(root, as_of=as_of, now=now)
    score = score_store(root, as_of=as_of, config=config)
    started = time.perf_counter()
    day = read_score_day(score.scores_path)
    sync = warnings_sync(
        signals=day.signals,
        as_of=score.as_of,
        config_version=score.config_version,
        actor_label=actor_label,
        now=now,
    )
    return DailyRun(export, score, sync, time.perf_counter() - started)


def ingest_city_feeds(root: Path, city_dir: Path) -> list[IngestReport]:
    """Load a synthetic city's department feeds into the store, for the demo.

    The city's complaints are left out: their replayed history is in the app's work orders,
    which the daily run exports as the work-order feed.
    """
    from laborwatch.risk.ingest import feed_files_in, ingest_file

    return [
        ingest_file(root, feed, path)
        for feed, path in feed_files_in(city_dir)
        if feed != "work_orders"
    ]


DEMO_BACKFILL_MONTHS = 5


def prepare_demo_warnings(
    city_dir: Path, *, root: Path | None = None, backfill_months: int = DEMO_BACKFILL_MONTHS
) -> DailyRun | None:
    """Feeds in and a few months of daily runs, when the demo has no warning yet.

    The runs at the last few month ends happen on their own dates (time-machine), and the
    demo's district and department accounts sign for and verify what is routed to them in
    between, so the board shows warnings of every age and the risk profile has a history.
    Returns today's run; None if the demo already had warnings.
    """
    import time_machine

    from laborwatch.warnings.models import Warning

    if Warning.objects.exists():
        return None
    root = root or Path(settings.DATA_DIR)
    ingest_city_feeds(root, city_dir)
    today = timezone.localdate()
    for months_back in range(backfill_months, 0, -1):
        month_end = _month_end(today, months_back)
        morning = timezone.make_aware(dt.datetime.combine(month_end, dt.time(8, 30)))
        with time_machine.travel(morning, tick=False):
            run_daily(root=root, as_of=month_end)
        with time_machine.travel(morning + dt.timedelta(hours=2), tick=False):
            _demo_sign_and_verify()
    return run_daily(root=root)


def _month_end(today: dt.date, months_back: int) -> dt.date:
    first = today.replace(day=1)
    for _ in range(months_back - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return first - dt.timedelta(days=1)


def _demo_sign_and_verify() -> None:
    """What the demo's signed-in units would have done: sign for, then verify most warnings."""
    from laborwatch.core.models import User
    from laborwatch.warnings.models import WarningRouting, WarningStatus, WarningStep
    from laborwatch.warnings.services import warning_acknowledge, warning_record_step

    users = {user.org_unit_id: user for user in User.objects.filter(org_unit__isnull=False)}
    pending = WarningRouting.objects.filter(
        acknowledged_at=None, org_unit_id__in=list(users)
    ).select_related("warning")
    for index, routing in enumerate(pending.order_by("pk")):
        actor = users[routing.org_unit_id]
        warning_acknowledge(routing=routing, actor=actor)
        warning = routing.warning
        warning.refresh_from_db()
        if warning.district_id != routing.org_unit_id or warning.status != WarningStatus.VERIFYING:
            continue
        outcome = WarningStep.Outcome.UNFOUNDED if index % 5 == 0 else WarningStep.Outcome.CONFIRMED
        warning_record_step(
            warning=warning,
            actor=actor,
            kind=WarningStep.Kind.VERIFICATION,
            outcome=outcome,
            note="属地工会上门走访，核实企业用工和工资支付情况",
        )
