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

from laborwatch.enterprises.services import enterprises_bulk_load
from laborwatch.workers.services import workers_bulk_load

BATCH_ROWS = 5000


def _rows(table: pa.Table, progress: Progress, label: str) -> Iterator[dict[str, Any]]:
    task = progress.add_task(label, total=table.num_rows)
    for batch in table.to_batches(max_chunksize=BATCH_ROWS):
        yield from batch.to_pylist()
        progress.advance(task, batch.num_rows)


def load_city(city_dir: Path, *, progress: bool = True) -> dict[str, int]:
    enterprises = pq.read_table(city_dir / "enterprises.parquet")
    workers = pq.read_table(city_dir / "workers.parquet")
    callers = pc.unique(pq.read_table(city_dir / "complaints.parquet").column("worker_key"))
    workers = workers.filter(pc.is_in(workers.column("worker_key"), value_set=callers))
    with Progress(disable=not progress) as bar:
        created = enterprises_bulk_load(actor=None, rows=_rows(enterprises, bar, "企业名录"))
        worker_count = workers_bulk_load(rows=_rows(workers, bar, "来电职工"))
    return {"enterprises": created.created, "workers": worker_count}
