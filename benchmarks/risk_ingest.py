"""Feed ingestion at scale: wall time of `ingest_folder` over a fabricated city's feeds.

The folder (benchmarks/risk_fabricate.py) holds Parquet files; CSV copies of the latest
month of social insurance and tax are added beside them, so that the text path (parsing,
number units, header variants) is timed as well. Every run ingests into a fresh store.

    .venv/bin/python benchmarks/risk_ingest.py --city /tmp/lw-ingest-city --enterprises 200000
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

import pyarrow.csv as pcsv
import pyarrow.parquet as pq
from risk_fabricate import fabricate

from laborwatch.risk.ingest import ingest_folder

TODAY = dt.date(2026, 11, 26)


def prepare(city: Path, enterprises: int, months: int) -> None:
    if (city / "enterprises.parquet").exists():
        return
    fabricate(city, enterprises, months)
    for feed in ("social_insurance", "tax"):
        latest = sorted((city / "feeds" / feed).glob("*.parquet"))[-1]
        table = pq.read_table(latest)
        latest.unlink()  # the month arrives as a department's CSV instead
        pcsv.write_csv(table, latest.with_suffix(".csv"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--city", default="/tmp/lw-ingest-city")
    parser.add_argument("--enterprises", type=int, default=200_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    city = Path(args.city)
    prepare(city, args.enterprises, args.months)
    seconds, rows = [], 0
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as root:
            started = time.perf_counter()
            reports = ingest_folder(Path(root), city, today=TODAY)
            seconds.append(time.perf_counter() - started)
            rows = sum(report.rows_read for report in reports)
            refused = [report.summary() for report in reports if report.status == "refused"]
            if refused:
                raise SystemExit("\n".join(refused))
    median = statistics.median(seconds)
    print(
        f"ingest: {rows:,} rows in {len(reports)} files, median {median:.2f} s "
        f"({rows / median:,.0f} rows/s; runs {', '.join(f'{s:.2f}' for s in seconds)})"
    )


if __name__ == "__main__":
    main()
