"""Loading a synthetic city (from `laborwatch synth`) into the app.

The registry takes every enterprise. Workers as persons are the people known to the union,
so only the workers who appear in the city's complaints are loaded, not every employee. The
most recent complaints are replayed as a work-order history (see cases.history).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from rich.progress import Progress

from laborwatch.cases.history import replay
from laborwatch.cases.models import Case
from laborwatch.enterprises.services import enterprises_bulk_load
from laborwatch.workers.services import workers_bulk_load

BATCH_ROWS = 5000
DEMO_HISTORY_CASES = 1500


def _rows(table: pa.Table, progress: Progress, label: str) -> Iterator[dict[str, Any]]:
    task = progress.add_task(label, total=table.num_rows)
    for batch in table.to_batches(max_chunksize=BATCH_ROWS):
        yield from batch.to_pylist()
        progress.advance(task, batch.num_rows)


def load_city(
    city_dir: Path, *, progress: bool = True, history_cases: int = DEMO_HISTORY_CASES, seed: int = 1
) -> dict[str, int]:
    enterprises = pq.read_table(city_dir / "enterprises.parquet")
    workers = pq.read_table(city_dir / "workers.parquet")
    complaints = pq.read_table(city_dir / "complaints.parquet")
    callers = pc.unique(complaints.column("worker_key"))
    workers = workers.filter(pc.is_in(workers.column("worker_key"), value_set=callers))
    with Progress(disable=not progress) as bar:
        created = enterprises_bulk_load(actor=None, rows=_rows(enterprises, bar, "企业名录"))
        worker_count = workers_bulk_load(rows=_rows(workers, bar, "来电职工"))
        cases = 0
        if history_cases and not Case.objects.exists():
            recent = _recent_complaints(complaints, workers, history_cases)
            task = bar.add_task("工单历史", total=len(recent))
            cases = replay(recent, seed=seed, on_case=lambda: bar.advance(task))
    return {"enterprises": created.created, "workers": worker_count, "cases": cases}


def _recent_complaints(complaints: pa.Table, workers: pa.Table, limit: int) -> list[dict]:
    """The newest complaints with the caller's name, phone and ID number joined in."""
    newest = complaints.sort_by([("received_at", "descending")]).slice(0, limit)
    people = {
        row["worker_key"]: row
        for row in workers.select(["worker_key", "name", "phone", "id_number"]).to_pylist()
    }
    rows = []
    for row in newest.to_pylist():
        person = people[row["worker_key"]]
        rows.append(
            {
                **row,
                "worker_name": person["name"],
                "worker_phone": person["phone"],
                "worker_id_number": person["id_number"],
            }
        )
    return rows
