"""The demo's synthetic city: where it is kept, generating it once, and the complaints to replay.

The city ends with the month before today, so its department feeds reach the present. The
replay covers DEMO_HISTORY_MONTHS whole months and the current one, as the monthly report's
13-month trend and its year-on-year column need. It takes a seeded sample of the risk
episodes, each with all its complaints (so what the warnings see of an employer stays whole),
and a seeded sample of the other complaints: about 150 work orders a month, which keeps the
first start of the demo near two minutes.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from django.utils import timezone

from laborwatch.reports.monthly.report import add_months, month_bounds
from laborwatch.synth import generate

DEMO_HISTORY_MONTHS = 13
# The shares of risk episodes and of the complaints outside any episode that the replay takes.
EPISODE_SHARE = 0.6
BACKGROUND_SHARE = 0.3
# The newest complaint arrives this long before the demo starts.
NEWEST_COMPLAINT_AGE = dt.timedelta(hours=2)


def city_end_month(today: dt.date) -> str:
    """The last whole month before `today`, as synth's end_month ("2026-11")."""
    last = add_months(today.replace(day=1), -1)
    return f"{last.year:04d}-{last.month:02d}"


def city_dir(root: Path, *, seed: int, today: dt.date) -> Path:
    return root / "synth" / f"demo-seed{seed}-{city_end_month(today)}"


def ensure_city(root: Path, *, seed: int, today: dt.date, progress: bool = True) -> Path:
    """The demo city's folder, generated first if it is not there yet."""
    folder = city_dir(root, seed=seed, today=today)
    if not (folder / "manifest.json").exists():
        generate(
            folder, scale="demo", seed=seed, end_month=city_end_month(today), progress=progress
        )
    return folder


def history_complaints(
    folder: Path,
    *,
    now: dt.datetime,
    months: int = DEMO_HISTORY_MONTHS,
    seed: int = 1,
    episode_share: float = EPISODE_SHARE,
    background_share: float = BACKGROUND_SHARE,
) -> list[dict[str, Any]]:
    """The complaints to replay, oldest first, with the caller's name, phone and ID number.

    Times are moved so that the newest complaint arrives NEWEST_COMPLAINT_AGE before `now`;
    those moved to before the first day of the month `months` months before now's are left
    out.
    """
    complaints = pq.read_table(folder / "complaints.parquet").sort_by("complaint_id").to_pylist()
    if not complaints:
        return []
    shift = now - NEWEST_COMPLAINT_AGE - max(row["received_at"] for row in complaints)
    this_month = timezone.localtime(now).date().replace(day=1)
    start, _ = month_bounds(add_months(this_month, -months))
    rng = random.Random(seed)
    episodes = sorted({row["episode_id"] for row in complaints if row["episode_id"] is not None})
    kept_episodes = {episode for episode in episodes if rng.random() < episode_share}
    chosen = []
    for row in complaints:
        sampled = rng.random() < background_share
        kept = row["episode_id"] in kept_episodes if row["episode_id"] is not None else sampled
        received = row["received_at"] + shift
        if kept and received >= start:
            chosen.append({**row, "received_at": received})
    chosen.sort(key=lambda row: (row["received_at"], row["complaint_id"]))
    return _with_callers(chosen, pq.read_table(folder / "workers.parquet"))


def _with_callers(rows: list[dict[str, Any]], workers: pa.Table) -> list[dict[str, Any]]:
    keys = pa.array({row["worker_key"] for row in rows}, pa.int64())
    callers = workers.filter(pc.is_in(workers.column("worker_key"), value_set=keys))
    people = {
        person["worker_key"]: person
        for person in callers.select(["worker_key", "name", "phone", "id_number"]).to_pylist()
    }
    return [
        {
            **row,
            "worker_name": people[row["worker_key"]]["name"],
            "worker_phone": people[row["worker_key"]]["phone"],
            "worker_id_number": people[row["worker_key"]]["id_number"],
        }
        for row in rows
    ]
