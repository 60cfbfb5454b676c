"""A small synthetic city for the demo's tests, and one replayed demo shared by a module."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from laborwatch.synth import generate

# The demo's day: a Monday morning in December, 09:00 in Qingdao.
NOW = dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.UTC)
# Big enough for cases in every month of the replay, small enough to replay in seconds.
# Sixteen months: the replay's fourteen, and the feeds' look-back before the first warning run.
SMALL_CITY = {"enterprises": 3000, "months": 16, "end_month": "2026-11", "seed": 3}


@pytest.fixture(scope="session")
def small_city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo-city")
    generate(root, progress=False, **SMALL_CITY)  # type: ignore[arg-type]
    return root
