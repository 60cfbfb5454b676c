"""Loading the city's registry (350,000 enterprises) into an empty database, beside a baseline.

    .venv/bin/python benchmarks/registry_load.py [--enterprises 350000] [--repeat 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lw_bench \
        .venv/bin/python benchmarks/registry_load.py

Generates the synthetic city's registry only (the first stage of `laborwatch synth`, city
scale, seed 1) into $LABORWATCH_DATA_DIR/bench-registry-load/, then, on the database the
environment names (SQLite under the data dir by default), times:

- the load: `city_load.load_registry`, the file read in batches, checked column by column,
  written with executemany (SQLite) or COPY (PostgreSQL), audited, all-or-nothing;
- the baseline in the same run: the same rows as model instances through Django's plain
  `bulk_create` (no checks at all, no audit): what a bulk insert costs on this machine.

The table is emptied between runs. Prints the median of each and the ratio, and the peak
memory (RSS) of the process after the loads. Goal: the load under 60 s, memory under 1 GB.
The linker's index rebuild (after commit) is timed apart.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=350_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("LABORWATCH_DATA_DIR", str(Path("var/bench-registry-load").resolve()))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laborwatch.config.settings")
    import django

    django.setup()
    import pyarrow.parquet as pq
    from django.conf import settings
    from django.core.management import call_command
    from rich.progress import Progress

    from laborwatch.city_load import load_registry
    from laborwatch.core.services import org_units_load
    from laborwatch.enterprises.models import Enterprise
    from laborwatch.enterprises.registry_rows import districts_by_name
    from laborwatch.synth.city import Stream, stream
    from laborwatch.synth.enterprises import generate_enterprises
    from laborwatch.synth.months import Window

    call_command("migrate", verbosity=0)
    org_units_load()
    path = Path(settings.DATA_DIR) / "bench-registry-load" / f"registry-{args.enterprises}.parquet"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        firms = generate_enterprises(
            stream(1, Stream.ENTERPRISES),
            count=args.enterprises,
            total_workers=round(args.enterprises * 9.714),
            window=Window.ending("2026-10", 24),
        )
        pq.write_table(firms.table(), path)
    backend = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]

    def load() -> float:
        Enterprise.objects.all().delete()
        started = time.perf_counter()
        with Progress(disable=True) as progress:
            created = load_registry(path, progress)
        assert created == args.enterprises, created
        return time.perf_counter() - started

    def baseline() -> float:
        Enterprise.objects.all().delete()
        started = time.perf_counter()
        districts = districts_by_name()
        rows = pq.read_table(path).to_pylist()
        Enterprise.objects.bulk_create(
            [
                Enterprise(
                    credit_code=row["credit_code"],
                    name=row["name"],
                    former_names=row["former_names"] or [],
                    short_names=[row["short_name"]] if row["short_name"] else [],
                    district=districts[row["district"]],
                    industry=row["industry"],
                    size_band=row["size_band"],
                    registered_capital=row["registered_capital"],
                    status=row["status"],
                    address=row["address"] or "",
                    employee_count=row["employee_count"],
                    established_on=row["established_on"],
                )
                for row in rows
            ],
            batch_size=2000,
        )
        return time.perf_counter() - started

    loads = [load() for _ in range(args.repeat)]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    baselines = [baseline() for _ in range(args.repeat)]
    from laborwatch.enterprises.linker import build_registry_index

    started = time.perf_counter()
    build_registry_index()
    index_seconds = time.perf_counter() - started
    load_median, base_median = statistics.median(loads), statistics.median(baselines)
    print(f"registry load, {args.enterprises:,} enterprises, {backend}, median of {args.repeat}")
    print(
        f"  load (checked, audited):  {load_median:7.1f} s"
        f"  {args.enterprises / load_median:9,.0f} rows/s"
    )
    print(
        f"  baseline bulk_create:     {base_median:7.1f} s"
        f"  (load: {load_median / base_median:.2f}× baseline)"
    )
    print(f"  peak memory after loads:  {peak_mb:7.0f} MB")
    print(f"  linker index rebuild:     {index_seconds:7.1f} s (after commit, once)")
    print(f"  goal: under 60 s -> {'met' if load_median < 60 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
