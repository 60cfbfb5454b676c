"""Which complaints the demo replays, and where its city is kept."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import pyarrow.parquet as pq
from django.utils import timezone

from laborwatch.demo.city import NEWEST_COMPLAINT_AGE, city_dir, city_end_month, history_complaints
from tests.demo.conftest import NOW

# The 13 whole months before the demo's month, and the demo's month itself.
REPLAYED_MONTHS = [f"2025-{m:02d}" for m in (11, 12)] + [f"2026-{m:02d}" for m in range(1, 13)]


def _month(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m")


def test_the_city_ends_with_the_last_whole_month(tmp_path: Path) -> None:
    assert city_end_month(dt.date(2026, 12, 7)) == "2026-11"
    assert city_end_month(dt.date(2027, 1, 1)) == "2026-12"
    assert city_dir(tmp_path, seed=4, today=dt.date(2027, 1, 31)) == (
        tmp_path / "synth" / "demo-seed4-2026-12"
    )


def test_thirteen_whole_months_and_this_one_are_replayed(small_city: Path) -> None:
    rows = history_complaints(small_city, now=NOW)
    months = sorted({_month(row["received_at"]) for row in rows})
    assert months == REPLAYED_MONTHS
    # The city's newest complaint arrives two hours before now; the newest replayed, soon before.
    assert NOW - dt.timedelta(days=2) < rows[-1]["received_at"] <= NOW - NEWEST_COMPLAINT_AGE
    assert rows == sorted(rows, key=lambda row: row["received_at"])
    assert all(row["worker_name"] and row["worker_phone"] for row in rows)


def test_the_choice_is_seeded(small_city: Path) -> None:
    def ids(seed: int) -> list[int]:
        return [row["complaint_id"] for row in history_complaints(small_city, now=NOW, seed=seed)]

    assert ids(1) == ids(1)
    assert ids(1) != ids(2)


def test_an_episode_is_replayed_whole_or_not_at_all(small_city: Path) -> None:
    rows = history_complaints(small_city, now=NOW)
    start = min(row["received_at"] for row in rows)
    shift = (
        NOW
        - NEWEST_COMPLAINT_AGE
        - max(pq.read_table(small_city / "complaints.parquet").column("received_at").to_pylist())
    )
    in_window: dict[int, set[int]] = defaultdict(set)
    for row in pq.read_table(small_city / "complaints.parquet").to_pylist():
        if row["episode_id"] is not None and row["received_at"] + shift >= start:
            in_window[row["episode_id"]].add(row["complaint_id"])
    replayed: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        if row["episode_id"] is not None:
            replayed[row["episode_id"]].add(row["complaint_id"])
    assert replayed  # some episodes are replayed, and each of them whole
    assert all(replayed[episode] == in_window[episode] for episode in replayed)
    assert len(replayed) < len(in_window)  # and not all of them


def test_fewer_months_replay_fewer_complaints(small_city: Path) -> None:
    rows = history_complaints(small_city, now=NOW, months=2)
    assert sorted({_month(row["received_at"]) for row in rows}) == [
        "2026-10",
        "2026-11",
        "2026-12",
    ]
