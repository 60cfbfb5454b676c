"""The daily pipeline: export the app's work orders and public-opinion events to the feed store,
score, sync warnings."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from laborwatch.opinion.feed import export_opinion_events
from laborwatch.risk import store
from laborwatch.risk.engines import Engine, score_with
from laborwatch.risk.ingest import IngestReport
from laborwatch.risk.pipeline import ScoreRun, ScoringError
from laborwatch.risk.rules import RulesConfig, active_rules, load_rules
from laborwatch.warnings.export import export_work_orders
from laborwatch.warnings.scores import read_score_day
from laborwatch.warnings.services import SyncResult, warnings_sync


@dataclass
class DailyRun:
    export: IngestReport | None
    score: ScoreRun
    sync: SyncResult
    sync_seconds: float
    opinion_export: IngestReport | None = None


def run_daily(
    *,
    root: Path | None = None,
    as_of: dt.date | None = None,
    config: RulesConfig | None = None,
    actor_label: str = "score",
    now: dt.datetime | None = None,
    engine: Engine | None = None,
) -> DailyRun:
    """One day of the pipeline; `as_of` defaults to the latest date in the feeds.

    `now` is when the run happens: the time its warnings, routings and events carry.
    `engine`: DuckDB (default) or Spark; the warnings sync reads their files alike.

    Raises risk.pipeline.ScoringError when it cannot score (an empty feed store, say).
    """
    now = now or timezone.now()
    root = root or Path(settings.DATA_DIR)
    config = config or load_rules(active_rules(root))
    try:
        store.upgrade_store(root)  # a feed store from an earlier version, once
    except store.StoreBusyError as error:
        raise ScoringError(str(error)) from error
    export = export_work_orders(root, as_of=as_of, now=now)
    opinion_export = export_opinion_events(root, as_of=as_of, now=now)
    score = score_with(engine or Engine(), root, as_of=as_of, config=config)
    started = time.perf_counter()
    day = read_score_day(score.scores_path)
    sync = warnings_sync(
        signals=day.signals,
        as_of=score.as_of,
        config_version=score.config_version,
        actor_label=actor_label,
        now=now,
    )
    return DailyRun(export, score, sync, time.perf_counter() - started, opinion_export)
