"""Complaints: the hotline seed, with linked and free-text employers."""

from __future__ import annotations

import collections
import datetime as dt
import zoneinfo

import pyarrow as pa

from .conftest import City

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def test_complaints_are_timezone_aware_and_inside_the_window(town: City) -> None:
    complaints = town.table("complaints")
    assert complaints.schema.field("received_at").type == pa.timestamp("ms", tz="Asia/Shanghai")
    received = complaints.column("received_at").to_pylist()
    assert received == sorted(received)
    first = dt.datetime(2025, 11, 1, tzinfo=SHANGHAI)
    end = dt.datetime(2026, 11, 1, tzinfo=SHANGHAI)
    assert all(first <= moment < end for moment in received)
    assert complaints.column("complaint_id").to_pylist() == list(range(1, complaints.num_rows + 1))


def test_about_one_complaint_in_ten_names_its_employer_only_in_words(town: City) -> None:
    complaints = town.table("complaints").to_pylist()
    registered = set(town.table("enterprises").column("name").to_pylist())
    unlinked = [row for row in complaints if row["credit_code"] is None]
    assert 0.06 < len(unlinked) / len(complaints) < 0.14
    # Without a code the name is told loosely: short, misheard, or missing a part.
    loose = sum(row["employer_name_as_told"] not in registered for row in unlinked)
    assert loose > 0.9 * len(unlinked)


def test_channels_and_categories_follow_the_hotline(town: City) -> None:
    complaints = town.table("complaints").to_pylist()
    channels = collections.Counter(row["channel"] for row in complaints)
    categories = collections.Counter(row["category"] for row in complaints)
    assert channels.most_common(1)[0][0] == "hotline_12351"
    assert categories.most_common(1)[0][0] == "wage_arrears"
    assert set(channels) <= {
        "hotline_12351", "walk_in", "online", "superior_assignment", "public_opinion", "department",
    }  # fmt: skip


def test_descriptions_name_the_employer_and_the_amount(town: City) -> None:
    for row in town.table("complaints").to_pylist():
        description = row["description"]
        assert row["employer_name_as_told"] in description
        assert description.endswith("。")
        if row["amount_claimed"] is not None and row["category"] == "wage_arrears":
            assert f"{row['amount_claimed']}元" in description


def test_episode_complaints_come_from_the_episode_employer_workers(town: City) -> None:
    complaints = town.table("complaints").to_pylist()
    workers = town.table("workers")
    keys = workers.column("worker_key").to_pylist()
    employer = dict(zip(keys, workers.column("employer_credit_code").to_pylist(), strict=True))
    episodes = {e["episode_id"]: e for e in town.table("episodes").to_pylist()}
    labelled = [row for row in complaints if row["episode_id"] is not None]
    assert labelled and len(labelled) < len(complaints)
    for row in labelled:
        episode = episodes[row["episode_id"]]
        assert employer[row["worker_key"]] == episode["credit_code"]
        if row["credit_code"] is not None:
            assert row["credit_code"] == episode["credit_code"]
