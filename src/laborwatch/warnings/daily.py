"""The daily pipeline: export the app's work orders to the feed store, score, sync warnings."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from laborwatch.risk.ingest import IngestReport
from laborwatch.risk.pipeline import ScoreRun, score_store
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
) -> DailyRun:
    """One day of the pipeline; `as_of` defaults to the latest date in the feeds.

    Raises risk.pipeline.NoFeedsError when the feed store is empty.
    """
    root = root or Path(settings.DATA_DIR)
    config = config or load_rules()
    export = export_work_orders(root, as_of=as_of)
    score = score_store(root, as_of=as_of, config=config)
    started = time.perf_counter()
    day = read_score_day(score.scores_path)
    sync = warnings_sync(
        signals=day.signals,
        as_of=score.as_of,
        config_version=score.config_version,
        actor_label=actor_label,
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


def prepare_demo_warnings(city_dir: Path, *, root: Path | None = None) -> DailyRun | None:
    """Feeds in and one daily run, when the demo has no warning yet; None if it had some."""
    from laborwatch.warnings.models import Warning

    if Warning.objects.exists():
        return None
    root = root or Path(settings.DATA_DIR)
    ingest_city_feeds(root, city_dir)
    return run_daily(root=root)
