"""The daily scoring run on Spark: the feed store's views, every definition, the two files.

The same run as `pipeline.score_store` (DuckDB) over the same store: the same partition files
(`definitions.months_read`), the same definitions transpiled (`spark_definitions`), and the
same scores.parquet and indicators.parquet under scores/<YYYY-MM-DD>/, written by Spark into
the store and, when the store is not the app's data directory, copied into it, so the
warnings sync reads them as it reads DuckDB's.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from laborwatch.risk import store
from laborwatch.risk.definitions import INDICATOR_VALUES, RISK_SCORES, materialised, months_read
from laborwatch.risk.feeds import ENTERPRISE_KEY, FEEDS, Feed
from laborwatch.risk.pipeline import (
    INDICATORS_FILE,
    KEY_CLASHES_SQL,
    SCORES_FILE,
    NoFeedsError,
    OldStoreError,
    ScoreRun,
    check_key_clashes,
    indicators_sql,
)
from laborwatch.risk.rules import RulesConfig, load_rules
from laborwatch.risk.spark import spark_definitions, to_spark
from laborwatch.risk.spark.location import (
    StoreLocation,
    copy_to_local,
    partition_uris,
    place_single_file,
    store_location,
)
from laborwatch.risk.spark.session import open_session

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


def feed_schema(feed: Feed) -> str:
    """The feed's stored columns as a Spark schema (DDL), typed as the store types them."""
    import sqlglot

    def spark_type(name: str) -> str:
        return sqlglot.exp.DataType.build(store.store_type(feed, name), dialect="duckdb").sql(
            "spark"
        )

    return ", ".join(f"`{name}` {spark_type(name)}" for name in feed.stored_columns)


def create_feed_views(
    spark: SparkSession, location: StoreLocation, months: dict[str, tuple[str, str]]
) -> dict[str, list[str]]:
    """One temporary view per feed over its partition files in `months`, as
    store.create_feed_views: read with the feed's stored schema, so that a column a file
    lacks (arrived_on, before arrivals were recorded) is NULL, as DuckDB's union by name
    makes it, and a feed without files is empty and typed.

    A store with partitions from before the enterprise key is refused (every file's footer
    is read first, as DuckDB does), not scored with every enterprise missing.
    """
    used: dict[str, list[str]] = {}
    for feed in FEEDS.values():
        since_month, until_month = months.get(feed.name, (None, None))
        files = partition_uris(
            location,
            feed.name,
            snapshot=feed.partition_column is None,
            since_month=since_month,
            until_month=until_month,
        )
        used[feed.name] = files
        old = [uri for uri in files if ENTERPRISE_KEY not in location.columns_of(uri)]
        if old:
            raise OldStoreError(
                f"数据源库中有 {len(old)} 个分区文件是旧版格式（缺少 {ENTERPRISE_KEY}），"
                f"如 {old[0]}；请先运行 laborwatch ingest 升级数据源库"
            )
        reader = spark.read.schema(feed_schema(feed))
        frame = reader.parquet(*files) if files else spark.sql(to_spark(store.empty_feed_sql(feed)))
        frame.createOrReplaceTempView(feed.name)
    return used


def run_definitions(
    spark: SparkSession, config: RulesConfig, as_of: dt.date, *, point_in_time: bool = True
) -> list[DataFrame]:
    """Every definition as a temporary view; returns the cached ones (to unpersist): those
    read more than once (definitions.materialised), as DuckDB materialises them."""
    cached = []
    kept = materialised()
    for name, sql in spark_definitions(config, as_of, point_in_time=point_in_time):
        frame = spark.sql(sql)
        if name in kept:
            frame = frame.cache()
            cached.append(frame)
        frame.createOrReplaceTempView(name)
    return cached


def _write_single(location: StoreLocation, frame: DataFrame, folder: str, name: str) -> str:
    """The frame as one Parquet file `name` in the store's `folder`; returns its path."""
    temporary = f".{name}.{uuid.uuid4().hex}"
    frame.coalesce(1).write.mode("overwrite").parquet(location.uri_of(folder, temporary))
    target = location.path_of(folder, name)
    place_single_file(location, location.path_of(folder, temporary), target)
    return target


def score_store_spark(
    root: str | Path,
    *,
    as_of: dt.date | None = None,
    config: RulesConfig | None = None,
    spark: SparkSession | None = None,
    master: str | None = None,
    local_root: Path | None = None,
) -> ScoreRun:
    """Score every enterprise on Spark as of a date (default: the latest date in the feeds,
    which only a local store can tell).

    `root` is the feed store (a path, hdfs://… or s3a://…); `spark` a session to use (else
    one on `master`, stopped at the end); `local_root` the app's data directory, which gets a
    copy of the two files when the store is elsewhere (default: the store itself, if local).
    """
    started = time.perf_counter()
    config = config or load_rules()
    location = store_location(root)
    if as_of is None:
        if not location.is_local:
            raise NoFeedsError(f"数据源库不在本机（{location.uri}）：请用 --date 指定评分日")
        as_of = store.latest_feed_date(Path(location.path))
        if as_of is None:
            raise NoFeedsError(f"数据源库为空：{location.path}/feeds（请先运行 laborwatch ingest）")
    session, own_session = (spark, False) if spark is not None else open_session(master)
    folder = f"scores/{as_of.isoformat()}"
    try:
        used = create_feed_views(session, location, months_read(config, as_of))
        check_key_clashes(session.sql(to_spark(KEY_CLASHES_SQL)).collect()[0][0])
        cached = run_definitions(session, config, as_of)
        scores_file = _write_single(location, session.table(RISK_SCORES), folder, SCORES_FILE)
        indicators = session.sql(to_spark(indicators_sql(config, as_of)))
        indicators_file = _write_single(location, indicators, folder, INDICATORS_FILE)
        written = session.read.parquet(location.uri_of(folder, SCORES_FILE))
        counts = written.groupBy("risk_type", "grade").count().collect()
        enterprises = session.table(INDICATOR_VALUES).count()
        for frame in cached:
            frame.unpersist()
    finally:
        if own_session:
            session.stop()
    scores_path, indicators_path = Path(scores_file), Path(indicators_file)
    app_root = local_root or (None if location.is_local else store.data_dir())
    if app_root is not None and Path(app_root).resolve() != Path(location.path):
        local_folder = store.scores_dir(app_root, as_of)
        scores_path = copy_to_local(location, scores_file, local_folder / SCORES_FILE)
        indicators_path = copy_to_local(location, indicators_file, local_folder / INDICATORS_FILE)
    return ScoreRun.finished(
        config=config,
        as_of=as_of,
        started=started,
        files_read=[uri for uris in used.values() for uri in uris],
        scores_path=scores_path,
        indicators_path=indicators_path,
        counts=((row[0], row[1], row[2]) for row in counts),
        enterprises=enterprises,
    )
