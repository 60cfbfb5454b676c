"""Daily scoring on Spark (local[2]) beside DuckDB's scoring and one DuckDB pass, same files.

    LABORWATCH_DATA_DIR=/tmp/lw-demo .venv/bin/python benchmarks/spark_scoring.py [--date D]
    (a loaded feed store: laborwatch ingest --all CITY_DIR --arrived calendar)

Times, over the same feed store and scoring day, the median of `--repeats` runs of:

- `duckdb`: `pipeline.score_store`, every indicator, the scores and both files;
- `spark`: `spark.run.score_store_spark` on local[2], the same definitions transpiled, the
  same two files (the session started once, before, and timed apart);
- `pass`: the baseline, one DuckDB query reading every column of exactly the partition
  files the scoring opens, each value hashed (so nothing comes from Parquet statistics).

Each Spark run's files are compared with DuckDB's (risk.compare: every row, every column,
numbers within 1e-9), so the figure is for the same answer. Prints the medians, the ratios
and the cost per enterprise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    from laborwatch.risk import store
    from laborwatch.risk.compare import run_differences
    from laborwatch.risk.definitions import months_read
    from laborwatch.risk.feeds import FEEDS
    from laborwatch.risk.pipeline import score_store
    from laborwatch.risk.rules import load_rules
    from laborwatch.risk.spark.run import score_store_spark
    from laborwatch.risk.spark.session import spark_session

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default=os.environ.get("LABORWATCH_DATA_DIR", "./var"))
    parser.add_argument("--date", type=dt.date.fromisoformat)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    root = Path(args.data_dir)
    as_of = args.date or store.latest_feed_date(root)
    if as_of is None:
        sys.exit(f"empty feed store: {root}")
    config = load_rules()
    files = [
        path
        for feed in FEEDS.values()
        for path in store.feed_files(
            root, feed, *months_read(config, as_of).get(feed.name, (None, None))
        )
    ]
    rows = sum(int(__import__("pyarrow.parquet").parquet.read_metadata(p).num_rows) for p in files)

    def duckdb_pass() -> float:
        started = time.perf_counter()
        con = store.connect()
        for path in files:
            names = __import__("pyarrow.parquet").parquet.read_schema(path).names
            hashes = ", ".join(f'bit_xor(hash("{name}"))' for name in names)
            con.execute(f"SELECT count(*), {hashes} FROM read_parquet('{path}')").fetchall()
        con.close()
        return time.perf_counter() - started

    started = time.perf_counter()
    spark = spark_session("local[2]", {"spark.ui.showConsoleProgress": "false"})
    session_seconds = time.perf_counter() - started
    kept = Path(tempfile.mkdtemp(prefix="bench-spark-"))
    timings: dict[str, list[float]] = {"duckdb": [], "spark": [], "pass": []}
    enterprises = 0
    try:
        for _ in range(args.repeats):
            timings["pass"].append(duckdb_pass())
            duck = score_store(root, as_of=as_of, config=config)
            timings["duckdb"].append(duck.seconds)
            shutil.copytree(duck.scores_path.parent, kept / "duckdb", dirs_exist_ok=True)
            on_spark = score_store_spark(root, as_of=as_of, config=config, spark=spark)
            timings["spark"].append(on_spark.seconds)
            enterprises = on_spark.enterprises
            differences = run_differences(kept / "duckdb", on_spark.scores_path.parent)
            if differences:
                sys.exit("Spark and DuckDB differ:\n" + "\n".join(differences))
    finally:
        spark.stop()
        shutil.rmtree(kept, ignore_errors=True)
    median = {name: statistics.median(values) for name, values in timings.items()}
    print(
        f"feed store {root}: scoring day {as_of}, {enterprises:,} enterprises,"
        f" {len(files)} partition files, {rows:,} rows read; median of {args.repeats}"
    )
    print(f"  Spark session start (once):  {session_seconds:7.1f} s")
    for name in ("pass", "duckdb", "spark"):
        per = median[name] / max(enterprises, 1) * 1e6
        print(
            f"  {name:<8} {median[name]:7.1f} s  ({per:7.1f} µs per enterprise;"
            f" {median[name] / median['pass']:5.1f}× the pass)"
            f"  runs {[round(v, 1) for v in timings[name]]}"
        )
    print("  Spark's files equal DuckDB's in every run (every row, numbers within 1e-9)")


if __name__ == "__main__":
    main()
