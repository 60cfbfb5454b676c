"""City-scale daily scoring against one DuckDB pass over the same feed files.

Prints the median wall and CPU time of `score_store` (all indicators, scores, both output
files) and of one plain DuckDB query over exactly the partition files the scoring opens,
reading either the columns the scoring definitions name ("scan") or every column ("scan-all"),
and of the same kind of query over every file of the feed store, every column ("store": the
24 months of the city, where the scoring opens only the months its windows reach); each value
decoded and folded into a hash (so that no answer comes from Parquet statistics), their
ratios, and each one's peak RSS. Every timed run is a fresh process (so RSS is its
own); one warm-up run of each first so all read from a warm page cache.

    LABORWATCH_DATA_DIR=/tmp/lw-risk-city .venv/bin/python benchmarks/risk_scoring.py
    (the feed store must be loaded first: laborwatch ingest --all /tmp/lw-city)

It also prints how often the run reads the store (statements, those that compute, Parquet
scans in their plans) and, with `--before SRC`, the same figures and the timed scoring of
another source tree in the same run (the code before a change), and whether both wrote the
same files (every row of scores.parquet and indicators.parquet, floats exactly).
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
import datetime as dt, json, re, resource, sys, time
import pyarrow.parquet as pq
from pathlib import Path
from laborwatch.risk import store
from laborwatch.risk.definitions import months_read, scoring_definitions
from laborwatch.risk.feeds import FEEDS
from laborwatch.risk.pipeline import score_store
from laborwatch.risk.rules import load_rules
mode, root, as_of, threads = sys.argv[1], Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
day = dt.date.fromisoformat(as_of)
config = load_rules()
started = time.perf_counter()  # after the imports: both modes pay them alike
cpu_started = time.process_time()
if mode in ("score", "score-before"):
    run = score_store(root, as_of=day, config=config, threads=threads)
    extra = {"files": len(run.files_read), "enterprises": run.enterprises}
elif mode == "plan":
    # How often the run reads the store: its statements, and the Parquet scans in their plans
    # (a definition's Parquet scans; views are inlined where they are read, so only the
    # statements that compute something count: temporary tables, the two files, the key check).
    from laborwatch.risk import scoring
    from laborwatch.risk.pipeline import KEY_CLASHES_SQL, indicators_sql
    from laborwatch.risk.definitions import RISK_SCORES
    con = store.connect(threads=threads)
    store.create_feed_views(con, root, months_read(config, day))
    statements = [KEY_CLASHES_SQL]
    spy = type("Spy", (), {"execute": lambda self, sql: statements.append(sql) or con.execute(sql)})
    scoring.run_definitions(spy(), config, day)
    outputs = [f"SELECT * FROM {RISK_SCORES}", indicators_sql(config, day)]
    computed = [s for s in statements if not s.lstrip().startswith("CREATE OR REPLACE VIEW")]
    counts = []
    for sql in computed + outputs:  # after the run: every temporary table exists
        body = re.sub(r'^\s*CREATE OR REPLACE TEMP TABLE "[^"]+" AS', "", sql)
        plan = json.loads(con.sql("EXPLAIN (FORMAT json) " + body).fetchall()[0][1])
        def scans(node):
            return (node.get("name") == "READ_PARQUET") + sum(map(scans, node.get("children", [])))
        counts.append(sum(map(scans, plan)))
    extra = {"statements": len(statements) + len(outputs), "queries": len(computed) + len(outputs),
             "parquet_scans": sum(counts)}
else:
    # The files the scoring opens (months_read), and either every column of them ("scan-all")
    # or the columns the definitions name for that feed ("scan"); or every partition file of
    # every feed, the whole store, every column ("store"). Folding the hash of every value
    # makes DuckDB decode each one, as the scoring does (a plain max() would be answered from
    # the Parquet statistics without reading the column).
    sqls = [sql for _, sql in scoring_definitions(config, day)]
    con = store.connect(threads=threads)
    parts, read = [], {}
    for feed in FEEDS.values():
        window = (None, None) if mode == "store" else months_read(config, day).get(feed.name)
        files = store.feed_files(root, feed, *(window or (None, None)))
        if not files:
            continue
        # the feed's definitions: its known_<feed> view (every column, filtered on the day
        # of arrival) and the families that read that view
        known = [sql for sql in sqls if re.search(rf"\bFROM\s+{feed.name}\b", sql)]
        users = [sql for sql in sqls if re.search(rf"\bFROM\s+known_{feed.name}\b", sql)]
        users = users or [sql for sql in sqls if re.search(rf"\bFROM\s+{feed.name}\b", sql)]
        columns = (
            pq.read_schema(files[0]).names if mode in ("scan-all", "store")
            else [c for c in feed.stored_columns
                  if any(re.search(rf"\b{c}\b", s) for s in users + known)]
        )
        read[feed.name] = [len(files), columns]
        listing = ", ".join(f"'{p}'" for p in files)
        aggregates = ", ".join(f"bit_xor(hash(\"{c}\"))" for c in columns)
        parts.append(
            f"SELECT count(*) AS n, list_value({aggregates}) AS a"
            f" FROM read_parquet([{listing}], union_by_name = true, hive_partitioning = false)"
        )
    result = con.execute(" UNION ALL ".join(parts)).fetchall()
    extra = {"rows": sum(r[0] for r in result), "read": read}
seconds = time.perf_counter() - started
cpu = time.process_time() - cpu_started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
if mode == "score":  # after the timing: what the run wrote, row by row (each file sorted)
    import hashlib
    digest = hashlib.sha256()
    for path in (run.scores_path, run.indicators_path):
        table = pq.read_table(path)
        keys = [k for k in ("credit_code", "risk_type") if k in table.column_names]
        table = table.sort_by([(k, "ascending") for k in keys])
        digest.update(repr(table.schema).encode())
        for row in table.to_pylist():
            digest.update(repr(row).encode())
    extra["outputs"] = digest.hexdigest()
print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_rss": peak, **extra}))
"""


def run(mode: str, root: Path, as_of: dt.date, threads: int, before: str | None = None) -> dict:
    """One child run of `mode`; "score-before" and "plan-before" run the code of the source
    tree `before` (e.g. main's src, extracted with `git archive main src`)."""
    env = dict(os.environ)
    if mode.endswith("-before"):
        env["PYTHONPATH"] = str(before)
    output = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            mode.removesuffix("-before"),
            str(root),
            as_of.isoformat(),
            str(threads),
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    from laborwatch.risk import store

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default=os.environ.get("LABORWATCH_DATA_DIR", "./var"))
    parser.add_argument("--date", type=dt.date.fromisoformat)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument(
        "--before",
        help="a source tree (its src folder) whose scoring runs beside this one's in the same"
        " run, e.g. main's: git archive main src | tar -x -C /tmp/before; --before /tmp/before/src",
    )
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
    modes = ("score", *(("score-before",) if args.before else ()), "scan", "scan-all", "store")
    for plan in ("plan", *(("plan-before",) if args.before else ())):
        shape = run(plan, root, as_of, args.threads, args.before)
        print(
            f"{'this' if plan == 'plan' else 'before'}: {shape['statements']} statements,"
            f" {shape['queries']} of them computing, {shape['parquet_scans']} Parquet scans"
        )
    for mode in modes:  # warm-up: every mode reads from a warm page cache
        run(mode, root, as_of, args.threads, args.before)
    # Interleaved, so that load from other jobs falls on every mode alike.
    runs: dict[str, list[dict]] = {mode: [] for mode in modes}
    for _ in range(args.repeats):
        for mode in modes:
            runs[mode].append(run(mode, root, as_of, args.threads, args.before))
    gib = 1024**3
    wall = {mode: statistics.median(r["seconds"] for r in runs[mode]) for mode in modes}
    cpu = {mode: statistics.median(r["cpu"] for r in runs[mode]) for mode in modes}
    first = runs["score"][0]
    print(f"scoring: {first['enterprises']:,} enterprises, {first['files']} partition files")
    for mode in ("scan", "scan-all", "store"):
        read = runs[mode][0]["read"]
        what = "the whole feed store" if mode == "store" else "the same files"
        print(f"one {mode} pass reads {runs[mode][0]['rows']:,} rows of {what}:")
        for feed, (files, columns) in read.items():
            print(f"    {feed}: {files} files, columns {', '.join(columns)}")
    if args.before:
        # every run of either code wrote the same files: each score, grade, evidence row and
        # indicator value (floats by repr: exactly)
        digests = {r["outputs"] for mode in ("score", "score-before") for r in runs[mode]}
        print(
            "outputs of the two codes: "
            + ("identical" if len(digests) == 1 else f"DIFFERENT ({len(digests)} versions)")
        )
    for mode in modes:
        print(
            f"{mode:<12} median {wall[mode]:6.2f} s wall, {cpu[mode]:5.2f} s CPU,"
            f" peak RSS {max(r['peak_rss'] for r in runs[mode]) / gib:.2f} GiB"
            f"  (runs: {[round(r['seconds'], 2) for r in runs[mode]]})"
        )
    # CPU seconds do not grow when other jobs share the cores, so they check the wall ratio.
    for scored in ("score", *(("score-before",) if args.before else ())):
        for mode in ("scan", "scan-all", "store"):
            print(
                f"ratio {scored} / {mode}: {wall[scored] / wall[mode]:.2f} wall,"
                f" {cpu[scored] / cpu[mode]:.2f} CPU"
            )
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
