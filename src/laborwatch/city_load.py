"""Loading a synthetic city (from `laborwatch synth`) into the app: its registry and callers.

The registry takes every enterprise. Workers as persons are the people known to the union,
so only the workers who appear in the city's complaints are loaded, not every employee. The
complaints themselves become work orders only in the demo, which replays them (demo.history).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from rich.progress import Progress

from laborwatch.enterprises.services import enterprises_bulk_load_batches
from laborwatch.workers.services import workers_bulk_load

BATCH_ROWS = 5000
REGISTRY_BATCH_ROWS = 50_000  # the registry is checked and written a batch at a time


def _rows(table: pa.Table, progress: Progress, label: str) -> Iterator[dict[str, Any]]:
    task = progress.add_task(label, total=table.num_rows)
    for batch in table.to_batches(max_chunksize=BATCH_ROWS):
        yield from batch.to_pylist()
        progress.advance(task, batch.num_rows)


def load_registry(path: Path, progress: Progress) -> int:
    """The registry file read, checked and written in batches (enterprises_bulk_load_batches)."""
    registry = pq.ParquetFile(path)
    task = progress.add_task("企业名录", total=registry.metadata.num_rows)
    batches = (
        pa.Table.from_batches([batch])
        for batch in registry.iter_batches(batch_size=REGISTRY_BATCH_ROWS)
    )
    result = enterprises_bulk_load_batches(
        actor=None, batches=batches, on_batch=lambda rows: progress.advance(task, rows)
    )
    return result.created


def load_city(city_dir: Path, *, progress: bool = True) -> dict[str, int]:
    workers = pq.read_table(city_dir / "workers.parquet")
    callers = pc.unique(pq.read_table(city_dir / "complaints.parquet").column("worker_key"))
    workers = workers.filter(pc.is_in(workers.column("worker_key"), value_set=callers))
    with Progress(disable=not progress) as bar:
        created = load_registry(city_dir / "enterprises.parquet", bar)
        worker_count = workers_bulk_load(rows=_rows(workers, bar, "来电职工"))
    return {"enterprises": created, "workers": worker_count}
