"""`laborwatch risk-score`: the daily scoring run from the feed store into the scores folder.

scores.parquet holds one row per enterprise and risk type that earned points (score > 0;
every graded one among them); an enterprise and risk type without a row has score 0 and
grade none. indicators.parquet holds every enterprise of the registry.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from laborwatch.risk import store
from laborwatch.risk.definitions import INDICATOR_VALUES, RISK_SCORES, months_read
from laborwatch.risk.rules import NO_GRADE, RulesConfig, load_rules
from laborwatch.risk.scoring import run_definitions

SCORES_FILE = "scores.parquet"
INDICATORS_FILE = "indicators.parquet"


class ScoringError(Exception):
    """The run cannot score; the message is for users (Chinese)."""


class NoFeedsError(ScoringError):
    """There is nothing to score: the feed store is empty."""


class OldStoreError(ScoringError):
    """The feed store has partitions from before the enterprise key (store.upgrade_store)."""


class KeyCollisionError(ScoringError):
    """Two registry codes share an enterprise key (see codes.enterprise_keys): not scored."""


@dataclass
class ScoreRun:
    as_of: dt.date
    config_version: str
    scores_path: Path
    indicators_path: Path
    seconds: float
    files_read: list[str] = field(default_factory=list)  # paths or URIs
    grade_counts: dict[tuple[str, str], int] = field(default_factory=dict)
    enterprises: int = 0

    @classmethod
    def finished(
        cls,
        *,
        config: RulesConfig,
        as_of: dt.date,
        started: float,
        files_read: list[str],
        scores_path: Path,
        indicators_path: Path,
        counts: Iterable[tuple[Any, Any, Any]],
        enterprises: int,
    ) -> ScoreRun:
        """The run that started at `started` (time.perf_counter) and wrote its two files, with
        the scores' (risk type, grade, rows) counted per grade (see grade_counts_of)."""
        return cls(
            as_of=as_of,
            config_version=config.version,
            scores_path=scores_path,
            indicators_path=indicators_path,
            seconds=time.perf_counter() - started,
            files_read=files_read,
            grade_counts=grade_counts_of(counts, enterprises, config),
            enterprises=enterprises,
        )


def score_store(
    root: Path,
    *,
    as_of: dt.date | None = None,
    config: RulesConfig | None = None,
    threads: int | None = None,
    memory_limit: str = "3GB",
) -> ScoreRun:
    """Score every enterprise as of a date (default: the latest date in the feeds)."""
    started = time.perf_counter()
    config = config or load_rules()
    as_of = as_of or store.latest_feed_date(root)
    if as_of is None:
        raise NoFeedsError(f"数据源库为空：{store.feeds_dir(root)}（请先运行 laborwatch ingest）")
    folder = store.scores_dir(root, as_of)
    con = store.connect(memory_limit, threads)
    try:
        try:
            used = store.create_feed_views(con, root, months_read(config, as_of))
        except store.StoreFormatError as error:
            raise OldStoreError(str(error)) from error
        _check_keys(con)
        run_definitions(con, config, as_of)
        scores_path = store.copy_query_to_parquet(
            con, f"SELECT * FROM {RISK_SCORES}", folder / SCORES_FILE
        )
        indicators_path = store.copy_query_to_parquet(
            con, indicators_sql(config, as_of), folder / INDICATORS_FILE
        )
        counts = con.sql(
            f"SELECT risk_type, grade, count(*) FROM read_parquet('{scores_path}') GROUP BY ALL"
        ).fetchall()
        enterprises = int(con.sql(f"SELECT count(*) FROM {INDICATOR_VALUES}").fetchall()[0][0])
    finally:
        con.close()
    return ScoreRun.finished(
        config=config,
        as_of=as_of,
        started=started,
        files_read=[str(path) for paths in used.values() for path in paths],
        scores_path=scores_path,
        indicators_path=indicators_path,
        counts=counts,
        enterprises=enterprises,
    )


def grade_counts_of(
    counts: Iterable[tuple[Any, Any, Any]], enterprises: int, config: RulesConfig
) -> dict[tuple[str, str], int]:
    """(risk type, grade) → enterprises, from the scores' (risk type, grade, rows): the
    enterprises without a row of a risk type count as its grade none."""
    grade_counts = {(str(risk), str(grade)): int(n) for risk, grade, n in counts}
    for risk_type in config.risk_types:  # the rows not written: no points, no grade
        graded = sum(n for (risk, _), n in grade_counts.items() if risk == risk_type)
        grade_counts[(risk_type, NO_GRADE)] = (
            enterprises - graded + grade_counts.get((risk_type, NO_GRADE), 0)
        )
    return grade_counts


def indicators_sql(config: RulesConfig, as_of: dt.date) -> str:
    """The indicators file's rows: every enterprise's values, with the day and rules version."""
    return (
        f"SELECT *, DATE '{as_of.isoformat()}' AS as_of, '{config.version}' AS config_version"
        f" FROM {INDICATOR_VALUES}"
    )


# The registry codes that share an enterprise key, as one text (NULL when none do).
KEY_CLASHES_SQL = (
    "SELECT string_agg(credit_code, '、' ORDER BY credit_code) FROM registry"
    " WHERE enterprise_key IN (SELECT enterprise_key FROM registry"
    " GROUP BY enterprise_key HAVING count(*) > 1)"
)


def check_key_clashes(clashes: str | None) -> None:
    if clashes:
        raise KeyCollisionError(f"企业登记中以下统一社会信用代码的企业键相同，无法评分：{clashes}")


def _check_keys(con: duckdb.DuckDBPyConnection) -> None:
    check_key_clashes(con.sql(KEY_CLASHES_SQL).fetchall()[0][0])


def indicator_history(root: Path, credit_code: str) -> pa.Table:
    """Every stored day's indicator values of one enterprise, oldest first (risk profile)."""
    files = list(store.indicator_history_files(root))
    if not files:
        return pa.table({})
    con = store.connect()
    try:
        listing = ", ".join(f"'{path}'" for path in files)
        return con.sql(
            f"SELECT * FROM read_parquet([{listing}], union_by_name = true)"
            " WHERE credit_code = ? ORDER BY as_of",
            params=[credit_code],
        ).to_arrow_table()
    finally:
        con.close()
