"""Small synthetic cities generated once per test session (no database needed)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from laborwatch.synth import generate

TINY = {"enterprises": 300, "months": 6, "end_month": "2026-10", "progress": False}
# Big enough to hold every kind of episode, small enough to build in about a second.
TOWN = {"enterprises": 3000, "months": 12, "end_month": "2026-10", "progress": False, "seed": 3}


class City:
    """Read access to a generated city directory."""

    def __init__(self, root: Path, manifest: dict) -> None:
        self.root = root
        self.manifest = manifest

    def table(self, name: str) -> pa.Table:
        return pq.read_table(self.root / f"{name}.parquet")

    def feed(self, name: str) -> pa.Table:
        return ds.dataset(self.root / "feeds" / name, format="parquet").to_table()


@pytest.fixture(scope="session")
def tiny_city(tmp_path_factory: pytest.TempPathFactory) -> City:
    root = tmp_path_factory.mktemp("tiny")
    return City(root, generate(root, seed=7, **TINY))


@pytest.fixture(scope="session")
def town(tmp_path_factory: pytest.TempPathFactory) -> City:
    root = tmp_path_factory.mktemp("town")
    return City(root, generate(root, **TOWN))
