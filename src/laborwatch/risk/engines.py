"""The engines the scoring definitions run on: DuckDB (embedded, the default) or Spark."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from laborwatch.risk.pipeline import ScoreRun, score_store
from laborwatch.risk.rules import RulesConfig
from laborwatch.risk.spark.run import score_store_spark

DUCKDB, SPARK = "duckdb", "spark"
ENGINES = (DUCKDB, SPARK)


@dataclass(frozen=True)
class Engine:
    """Where a scoring run runs: `name` (DUCKDB or SPARK); for Spark the feed store it reads
    (a path, hdfs://… or s3a://…; default the data directory) and the master (default
    $LABORWATCH_SPARK_MASTER, else local[2])."""

    name: str = DUCKDB
    feed_store: str | None = None
    spark_master: str | None = None


def score_with(
    engine: Engine,
    root: Path,
    *,
    as_of: dt.date | None = None,
    config: RulesConfig | None = None,
) -> ScoreRun:
    """One scoring run on `engine`; the files land in `root`'s scores folder either way."""
    if engine.name == SPARK:
        return score_store_spark(
            engine.feed_store or root,
            as_of=as_of,
            config=config,
            master=engine.spark_master,
            local_root=root,
        )
    if engine.name != DUCKDB:
        raise ValueError(f"unknown engine {engine.name!r}")
    return score_store(root, as_of=as_of, config=config)
