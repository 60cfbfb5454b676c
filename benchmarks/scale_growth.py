"""Ingest, daily scoring (DuckDB and Spark local[2]) and the warnings sync, scale by scale,
each beside a DuckDB pass over the same files in the same run; then the cost per enterprise
and how each grows from one scale to the next (city → province).

Each stage is run on its own (a province's stages take hours on two shared cores) and its
figures are added to a results file; `report` prints them all:

    B=benchmarks/scale_growth.py; R=/tmp/lwdata-province16/scale-results.json
    laborwatch synth --scale city --out /tmp/lwdata-province16/city            # (and province)
    .venv/bin/python $B ingest --scale city --synth /tmp/lwdata-province16/city \\
        --store /tmp/lwdata-province16/store-city --results $R
    .venv/bin/python $B score --scale city --store /tmp/lwdata-province16/store-city \\
        --results $R [--spark] [--repeats 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lw_province16_bench \\
        .venv/bin/python $B sync --scale city --store /tmp/lwdata-province16/store-city \\
        --results $R
    .venv/bin/python $B pass --scale province --synth /tmp/lwdata-province16/province \
        --date 2026-11-27 --results $R         # a scale whose store is not loaded
    .venv/bin/python $B report --results $R

- `ingest`: `laborwatch ingest --all SYNTH --arrived calendar` in a child process, into an
  empty feed store (wall time and the child's peak RSS). Pass: one DuckDB query per feed file
  of the synthetic folder reading every column, each value hashed.
- `score`: `pipeline.score_store` (every indicator, the scores and both files) and, with
  `--spark`, `spark.run.score_store_spark` on local[2] (its session start timed apart, its
  files compared with DuckDB's: every row, numbers within 1e-9). Pass: the same kind of query
  over exactly the partition files the scoring opens. Medians of `--repeats` (Spark: 1 run).
- `sync`: benchmarks/warnings_sync.py with the scale's enterprises, as many open warnings as
  the scale's scored day grades (its scores.parquet) and `--changed` changes (default one in
  175 enterprises: 2,000 for a city, as that benchmark's default); its baseline is the plain
  bulk insert of the rows those changes write (there is no file to pass over).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
SCALES = ("demo", "city", "province")
CHANGED_PER_ENTERPRISE = 2_000 / 350_000


def duckdb_pass(files: list[Path]) -> float:
    """Seconds to read every column of every file, each value hashed (so that nothing comes
    from Parquet statistics)."""
    import duckdb

    started = time.perf_counter()
    con = duckdb.connect(config={"memory_limit": "3GB"})
    for path in files:
        names = pq.read_schema(path).names
        hashes = ", ".join(f'bit_xor(hash("{name}"))' for name in names)
        con.execute(f"SELECT count(*), {hashes} FROM read_parquet('{path}')").fetchall()
    con.close()
    return time.perf_counter() - started


def run_child(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in GiB) of one child process, which must succeed."""
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        sys.exit(f"{' '.join(command)} failed with exit code {child.returncode}")
    return elapsed, usage.ru_maxrss / 2**20


def record(results: Path, scale: str, stage: str, figures: dict) -> None:
    data = json.loads(results.read_text(encoding="utf-8")) if results.exists() else {}
    data.setdefault(scale, {})[stage] = {**figures, "measured_at": dt.datetime.now().isoformat()}
    results.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps({scale: {stage: figures}}, indent=2))


def ingest(args: argparse.Namespace) -> None:
    synth, store = Path(args.synth), Path(args.store)
    if store.exists() and any(store.iterdir()):
        sys.exit(f"the feed store must start empty: {store}")
    manifest = json.loads((synth / "manifest.json").read_text(encoding="utf-8"))
    files = sorted((synth / "feeds").rglob("*.parquet"))
    rows = sum(pq.read_metadata(path).num_rows for path in files)
    env = {**os.environ, "LABORWATCH_DATA_DIR": str(store)}
    command = ["laborwatch", "ingest", "--all", str(synth), "--arrived", "calendar", "--quiet"]
    seconds, rss = run_child([str(Path(sys.executable).parent / command[0]), *command[1:]], env)
    baseline = duckdb_pass(files)
    stored = sum(p.stat().st_size for p in (store / "feeds").rglob("*") if p.is_file())
    record(
        Path(args.results),
        args.scale,
        "ingest",
        {
            "enterprises": manifest["enterprises"],
            "files": len(files),
            "rows": rows,
            "seconds": seconds,
            "peak_rss_gib": rss,
            "pass_seconds": baseline,
            "store_bytes": stored,
        },
    )


def score(args: argparse.Namespace) -> None:
    os.environ["LABORWATCH_DATA_DIR"] = str(args.store)
    from laborwatch.risk import store
    from laborwatch.risk.definitions import months_read
    from laborwatch.risk.feeds import FEEDS
    from laborwatch.risk.pipeline import score_store
    from laborwatch.risk.rules import load_rules

    root = Path(args.store)
    as_of = store.latest_feed_date(root)
    if as_of is None:
        sys.exit(f"empty feed store: {root}")
    config = load_rules()
    reach = months_read(config, as_of)
    files = [
        path
        for feed in FEEDS.values()
        for path in store.feed_files(root, feed, *reach.get(feed.name, (None, None)))
    ]
    rows = sum(pq.read_metadata(path).num_rows for path in files)
    duckdb_pass(files)  # warm the page cache, as for every run after it
    passes, scorings, enterprises = [], [], 0
    # CPU seconds (every thread of this process) beside wall: they grow far less than wall
    # time when other jobs share the cores, so they check the wall ratio
    pass_cpu, scoring_cpu = [], []
    for _ in range(args.repeats):
        started = time.process_time()
        passes.append(duckdb_pass(files))
        pass_cpu.append(time.process_time() - started)
        started = time.process_time()
        run = score_store(root, as_of=as_of, config=config)
        scoring_cpu.append(time.process_time() - started)
        scorings.append(run.seconds)
        enterprises = run.enterprises
    figures: dict = {
        "as_of": as_of.isoformat(),
        "enterprises": enterprises,
        "files": len(files),
        "rows": rows,
        "repeats": args.repeats,
        "pass_seconds": statistics.median(passes),
        "duckdb_seconds": statistics.median(scorings),
        "duckdb_runs": scorings,
        "pass_runs": passes,
        "pass_cpu_seconds": statistics.median(pass_cpu),
        "duckdb_cpu_seconds": statistics.median(scoring_cpu),
    }
    record(Path(args.results), args.scale, "score_duckdb", figures)
    if args.spark:
        spark_score(args, root, as_of, config, run.scores_path.parent, files, enterprises)


def reach_pass(args: argparse.Namespace) -> None:
    """The DuckDB pass alone, over the files of a synthetic folder for the months a scoring
    on `--date` reaches: the I/O floor of a scale whose feed store is not loaded."""
    from laborwatch.risk.definitions import months_read
    from laborwatch.risk.rules import load_rules

    synth, as_of = Path(args.synth), dt.date.fromisoformat(args.date)
    manifest = json.loads((synth / "manifest.json").read_text(encoding="utf-8"))
    files = []
    for feed, (since, until) in months_read(load_rules(), as_of).items():
        folder = synth / "feeds" / feed
        if folder.is_dir():
            files += [p for p in sorted(folder.glob("*.parquet")) if since <= p.stem <= until]
    rows = sum(pq.read_metadata(path).num_rows for path in files)
    duckdb_pass(files)  # warm the page cache
    passes = [duckdb_pass(files) for _ in range(args.repeats)]
    record(
        Path(args.results),
        args.scale,
        "reach_pass",
        {
            "as_of": as_of.isoformat(),
            "enterprises": manifest["enterprises"],
            "files": len(files),
            "rows": rows,
            "pass_seconds": statistics.median(passes),
            "pass_runs": passes,
        },
    )


def spark_score(
    args: argparse.Namespace,
    root: Path,
    as_of: dt.date,
    config: object,
    duckdb_folder: Path,
    files: list[Path],
    enterprises: int,
) -> None:
    import shutil

    from laborwatch.risk.compare import run_differences
    from laborwatch.risk.spark.run import score_store_spark
    from laborwatch.risk.spark.session import spark_session

    kept = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    shutil.copytree(duckdb_folder, kept / "duckdb")
    started = time.perf_counter()
    spark = spark_session("local[2]", {"spark.ui.showConsoleProgress": "false"})
    session_seconds = time.perf_counter() - started
    try:
        baseline = duckdb_pass(files)
        run = score_store_spark(root, as_of=as_of, config=config, spark=spark)  # type: ignore[arg-type]
        differences = run_differences(kept / "duckdb", run.scores_path.parent)
    finally:
        spark.stop()
        shutil.rmtree(kept, ignore_errors=True)
    if differences:
        sys.exit("Spark and DuckDB differ:\n" + "\n".join(differences))
    record(
        Path(args.results),
        args.scale,
        "score_spark",
        {
            "as_of": as_of.isoformat(),
            "enterprises": enterprises,
            "session_seconds": session_seconds,
            "seconds": run.seconds,
            "pass_seconds": baseline,
            "equal_to_duckdb": True,
        },
    )


def sync(args: argparse.Namespace) -> None:
    import pyarrow.compute as pc

    from laborwatch.warnings.scores import NO_GRADE

    root = Path(args.store)
    days = sorted((root / "scores").iterdir())
    if not days:
        sys.exit(f"no scored day in {root}: run the score stage first")
    scores = pq.read_table(days[-1] / "scores.parquet", columns=["grade"])
    graded = int(pc.sum(pc.not_equal(scores.column("grade"), NO_GRADE)).as_py() or 0)
    # scores.parquet lists only the enterprises with a score; the scoring counted them all.
    results = Path(args.results)
    scored = json.loads(results.read_text(encoding="utf-8")) if results.exists() else {}
    if "score_duckdb" not in scored.get(args.scale, {}):
        sys.exit(f"no {args.scale} scoring in {results}: run the score stage first")
    enterprises = int(scored[args.scale]["score_duckdb"]["enterprises"])
    changed = args.changed or max(4, round(enterprises * CHANGED_PER_ENTERPRISE))
    active = max(graded, changed)
    command = [
        sys.executable,
        str(HERE / "warnings_sync.py"),
        f"--enterprises={enterprises + changed}",
        f"--active={active}",
        f"--changed={changed}",
        f"--runs={args.runs}",
    ]
    started = time.perf_counter()
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    total = time.perf_counter() - started
    print(output)

    def seconds(label: str) -> float:
        found = re.search(rf"{label}.*?([\d.]+) s", output)
        if found is None:
            sys.exit(f"warnings_sync.py printed no {label!r} figure")
        return float(found.group(1))

    record(
        Path(args.results),
        args.scale,
        "sync",
        {
            "enterprises": enterprises,
            "active": active,
            "changed": changed,
            "database": "postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
            "seconds": seconds("warning sync, median"),
            "bulk_insert_seconds": seconds("baseline bulk insert"),
            "with_setup_seconds": total,
        },
    )


STAGES = (
    # (stage, label, seconds key, baseline key)
    ("ingest", "ingest", "seconds", "pass_seconds"),
    ("score_duckdb", "scoring, DuckDB", "duckdb_seconds", "pass_seconds"),
    ("reach_pass", "pass, scoring's files", "pass_seconds", "pass_seconds"),
    ("score_spark", "scoring, Spark local[2]", "seconds", "pass_seconds"),
    ("sync", "warnings sync", "seconds", "bulk_insert_seconds"),
)


def report(args: argparse.Namespace) -> None:
    data = json.loads(Path(args.results).read_text(encoding="utf-8"))
    scales = [scale for scale in SCALES if scale in data]
    print(f"{'stage':<26}{'scale':<10}{'enterprises':>12}{'s':>9}{'baseline s':>12}"
          f"{'ratio':>7}{'µs/ent.':>9}")  # fmt: skip
    for stage, label, key, base in STAGES:
        for scale in scales:
            figures = data[scale].get(stage)
            if figures is None:
                print(f"{label:<26}{scale:<10}{'not measured':>30}")
                continue
            seconds, baseline = figures[key], figures[base]
            per = seconds / figures["enterprises"] * 1e6
            print(
                f"{label:<26}{scale:<10}{figures['enterprises']:>12,}{seconds:>9.1f}"
                f"{baseline:>12.1f}{seconds / baseline:>7.2f}{per:>9.1f}"
            )
    for scale in scales:
        scored = data[scale].get("score_duckdb", {})
        if "duckdb_cpu_seconds" in scored:
            cpu, pass_cpu = scored["duckdb_cpu_seconds"], scored["pass_cpu_seconds"]
            print(
                f"scoring, DuckDB, CPU ({scale}): {cpu:.1f} s, pass {pass_cpu:.1f} s,"
                f" ratio {cpu / pass_cpu:.2f}"
            )
    print("\ngrowth from one scale to the next (time ratio / enterprise ratio; 1.0 = linear)")
    for stage, label, key, base in STAGES:
        for small, large in itertools.pairwise(scales):
            a, b = data[small].get(stage), data[large].get(stage)
            if a is None or b is None:
                continue
            size = b["enterprises"] / a["enterprises"]
            time_ratio, base_ratio = b[key] / a[key], b[base] / a[base]
            print(
                f"  {label:<26}{small}→{large}: enterprises ×{size:.1f}, time ×{time_ratio:.1f}"
                f" ({time_ratio / size:.2f} of linear), baseline ×{base_ratio:.1f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    stages = parser.add_subparsers(dest="stage", required=True)
    for name in ("ingest", "score", "pass", "sync", "report"):
        sub = stages.add_parser(name)
        sub.add_argument("--results", required=True)
        if name in ("ingest", "score", "sync"):
            sub.add_argument("--scale", required=True, choices=SCALES)
            sub.add_argument("--store", required=True, help="the scale's LABORWATCH_DATA_DIR")
    stages.choices["ingest"].add_argument("--synth", required=True)
    stages.choices["pass"].add_argument("--scale", required=True, choices=SCALES)
    stages.choices["pass"].add_argument("--synth", required=True)
    stages.choices["pass"].add_argument("--date", required=True, help="the scoring day")
    stages.choices["pass"].add_argument("--repeats", type=int, default=3)
    stages.choices["score"].add_argument("--repeats", type=int, default=3)
    stages.choices["score"].add_argument("--spark", action="store_true")
    stages.choices["sync"].add_argument("--changed", type=int, default=0)
    stages.choices["sync"].add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    stage = {"ingest": ingest, "score": score, "pass": reach_pass, "sync": sync, "report": report}
    stage[args.stage](args)


if __name__ == "__main__":
    main()
