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
memory (RSS) of the process when the loads are written (before the linker's index rebuild
that follows the commit, which is timed apart; the first run also generates the file).
Goal: the load under 60 s, memory under 1 GB.
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
    from django.db import connection, transaction
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

    def empty() -> None:
        # A fresh table (no related rows): Django's delete() would collect 350,000 objects.
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {Enterprise._meta.db_table}")

    def load() -> tuple[float, float, float]:
        """(wall seconds, CPU seconds) of the load, and the wall seconds of the linker's index
        rebuild that follows its commit (held apart by an outer transaction)."""
        empty()
        started, cpu = time.perf_counter(), time.process_time()
        with transaction.atomic():
            with Progress(disable=True) as progress:
                created = load_registry(path, progress)
            assert created == args.enterprises, created
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            peaks.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
            committed = time.perf_counter()
        return seconds, cpu, time.perf_counter() - committed

    def baseline() -> tuple[float, float]:
        empty()
        started, cpu = time.perf_counter(), time.process_time()
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
        return time.perf_counter() - started, time.process_time() - cpu

    peaks: list[float] = []  # the process's peak RSS when each load is written, before commit
    loads = [load() for _ in range(args.repeat)]
    peak_mb = max(peaks)
    baselines = [baseline() for _ in range(args.repeat)]
    load_wall, load_cpu = (statistics.median(run[i] for run in loads) for i in (0, 1))
    index_wall = statistics.median(run[2] for run in loads)
    base_wall, base_cpu = (statistics.median(run[i] for run in baselines) for i in (0, 1))
    print(f"registry load, {args.enterprises:,} enterprises, {backend}, median of {args.repeat}")
    print(
        f"  load (checked, audited):  {load_wall:7.1f} s wall {load_cpu:7.1f} s CPU"
        f"  {args.enterprises / load_wall:9,.0f} rows/s"
    )
    print(
        f"  baseline bulk_create:     {base_wall:7.1f} s wall {base_cpu:7.1f} s CPU"
        f"  (load: {load_wall / base_wall:.2f}× baseline wall)"
    )
    print(f"  linker index rebuild after the commit: {index_wall:7.1f} s wall")
    print(f"  peak memory of the process by the end of the loads: {peak_mb:7.0f} MB")
    print(f"  goal: under 60 s -> {'met' if load_wall < 60 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
