"""The Spark session the definitions run in, set to read SQL as DuckDB does.

The same SQL text means the same result only if both engines agree on what it means; the
settings below are where Spark's defaults differ from DuckDB's:

- `spark.sql.ansi.enabled=false`: a division by zero is NULL (DuckDB), not an error (Spark
  4's ANSI default);
- `spark.sql.session.timeZone=UTC`: the feed store's timestamps have no zone (work orders'
  received_at), and the definitions' TIMESTAMP literals must be read in the same zone;
- `spark.sql.jsonGenerator.ignoreNullFields=false`: the evidence JSON keeps a NULL field as
  DuckDB's to_json does, instead of leaving it out.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from laborwatch.risk.pipeline import ScoringError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

DEFAULT_MASTER = "local[2]"
MASTER_VARIABLE = "LABORWATCH_SPARK_MASTER"
SEMANTICS: dict[str, str] = {
    "spark.sql.ansi.enabled": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.jsonGenerator.ignoreNullFields": "false",
}
# Local runs only: a few shuffle partitions suit one machine's cores (a cluster keeps its own).
LOCAL_SETTINGS: dict[str, str] = {
    "spark.sql.shuffle.partitions": "8",
    "spark.ui.enabled": "false",
    "spark.driver.memory": "2g",
}


class SparkUnavailableError(ScoringError):
    """pyspark is not installed; the message is for users (Chinese)."""


def spark_master(master: str | None = None) -> str:
    """The master given, else $LABORWATCH_SPARK_MASTER, else local[2]."""
    return master or os.environ.get(MASTER_VARIABLE) or DEFAULT_MASTER


def _session_class() -> type[SparkSession]:
    try:
        from pyspark.sql import SparkSession
    except ImportError as error:
        raise SparkUnavailableError(
            "未安装 pyspark：Spark 引擎需要可选依赖，请运行 pip install -c constraints.txt "
            '-e ".[spark]"，并安装 Java 17'
        ) from error
    return SparkSession


def spark_session(
    master: str | None = None,
    settings: Mapping[str, str] | None = None,
    *,
    submitted: bool = False,
) -> SparkSession:
    """A session on `master` (see spark_master) with the settings the definitions need.

    `submitted`: running under spark-submit, whose command line gives the master and the
    resources; only the settings are added.
    """
    builder = _session_class().builder.appName("laborwatch-risk")
    chosen = "" if submitted else spark_master(master)
    if chosen:
        builder = builder.master(chosen)
    for key, value in {
        **(LOCAL_SETTINGS if chosen.startswith("local") else {}),
        **SEMANTICS,
        **(settings or {}),
    }.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    for key, value in SEMANTICS.items():  # a session that existed already gets them too
        session.conf.set(key, value)
    return session


def open_session(master: str | None = None) -> tuple[SparkSession, bool]:
    """(session, whether it is new): the one this process runs already (with the settings
    the definitions need), else a new one on `master`. Whoever made a session stops it."""
    existing = _session_class().getActiveSession()
    if existing is not None:
        for key, value in SEMANTICS.items():
            existing.conf.set(key, value)
        return existing, False
    return spark_session(master), True
