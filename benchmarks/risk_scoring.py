"""City-scale daily scoring against one DuckDB pass over the same feed files.

Prints the median wall time of `score_store` (all indicators, scores, both output files),
the median of one plain DuckDB query that reads every column the scoring reads from the same
partition files, their ratio, and each one's peak RSS. Every timed run is a fresh process
(so RSS is its own); one warm-up run first so both read from a warm page cache.

    LABORWATCH_DATA_DIR=/tmp/lw-risk-city .venv/bin/python benchmarks/risk_scoring.py
    (the feed store must be loaded first: laborwatch ingest --all /tmp/lw-city)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

CHILD = r"""
import datetime as dt, json, resource, sys, time
from pathlib import Path
from laborwatch.risk import store
from laborwatch.risk.definitions import first_month_read
from laborwatch.risk.feeds import FEEDS
from laborwatch.risk.pipeline import score_store
from laborwatch.risk.rules import load_rules
mode, root, as_of, threads = sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
started = time.perf_counter()  # after the imports: both modes pay them alike
cpu_started = time.process_time()
if mode == "score":
    run = score_store(root, as_of=dt.date.fromisoformat(as_of), threads=threads)
    extra = {"files": len(run.files_read), "enterprises": run.enterprises}
else:
    since = first_month_read(load_rules(), dt.date.fromisoformat(as_of))
    con = store.connect(threads=threads)
    parts = []
    for feed in FEEDS.values():
        files = store.feed_files(root, feed, since)
        if not files:
            continue
        listing = ", ".join(f"'{p}'" for p in files)
        aggregates = ", ".join(f"CAST(max(\"{c.name}\") AS VARCHAR)" for c in feed.columns)
        parts.append(
            f"SELECT count(*) AS n, concat_ws(',', {aggregates}) AS a"
            f" FROM read_parquet([{listing}], union_by_name = true, hive_partitioning = false)"
        )
    result = con.execute(" UNION ALL ".join(parts)).fetchall()
    extra = {"rows": sum(r[0] for r in result)}
seconds = time.perf_counter() - started
cpu = time.process_time() - cpu_started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_rss": peak, **extra}))
"""


def run(mode: str, root: Path, as_of: dt.date, threads: int) -> dict:
    output = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(root), as_of.isoformat(), str(threads)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    from laborwatch.risk import store

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default=os.environ.get("LABORWATCH_DATA_DIR", "./var"))
    parser.add_argument("--date", type=dt.date.fromisoformat)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    root = Path(args.data_dir)
    as_of = args.date or store.latest_feed_date(root)
    if as_of is None:
        sys.exit(f"empty feed store: {root}")
    stored = sum(
        int(__import__("pyarrow.parquet").parquet.read_metadata(path).num_rows)
        for path in store.feeds_dir(root).rglob("*.parquet")
    )
    print(f"feed store {root}: {stored:,} rows; scoring as of {as_of}, {args.threads} threads")
    run("score", root, as_of, args.threads)  # warm-up
    run("scan", root, as_of, args.threads)
    scores = [run("score", root, as_of, args.threads) for _ in range(args.repeats)]
    scans = [run("scan", root, as_of, args.threads) for _ in range(args.repeats)]
    score_s = statistics.median(r["seconds"] for r in scores)
    scan_s = statistics.median(r["seconds"] for r in scans)
    gib = 1024**3
    print(
        f"scoring: {scores[0]['enterprises']:,} enterprises, {scores[0]['files']} files;"
        f" one scan pass reads {scans[0]['rows']:,} rows of the same files"
    )
    print(
        f"scoring run   median {score_s:6.2f} s  (runs: {[round(r['seconds'], 2) for r in scores]})"
    )
    print(
        f"one scan pass median {scan_s:6.2f} s  (runs: {[round(r['seconds'], 2) for r in scans]})"
    )
    score_cpu = statistics.median(r["cpu"] for r in scores)
    scan_cpu = statistics.median(r["cpu"] for r in scans)
    print(f"ratio scoring / scan: {score_s / scan_s:.2f} wall")
    # CPU seconds do not grow when other jobs share the cores, so they check the wall ratio.
    print(
        f"CPU seconds: scoring {score_cpu:.2f}, scan {scan_cpu:.2f},"
        f" ratio {score_cpu / scan_cpu:.2f}"
    )
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        f"peak RSS: scoring {max(r['peak_rss'] for r in scores) / gib:.2f} GiB,"
        f" scan {max(r['peak_rss'] for r in scans) / gib:.2f} GiB"
    )


if __name__ == "__main__":
    main()
