"""Writing the city: zstd Parquet files, month-by-month feeds and the manifest (all file I/O)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Self

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

MANIFEST = "manifest.json"
GENERATOR = "laborwatch.synth"
COMPRESSION = "zstd"


class Store:
    """An output directory that only ever holds one synthetic city."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.rows: dict[str, int] = {}

    @classmethod
    def prepare(cls, root: Path) -> Self:
        """Create `root`, or clear the files of a city generated there before. A directory
        holding anything else is refused rather than mixed with (or deleted)."""
        root = Path(root)
        if root.exists() and not root.is_dir():
            raise NotADirectoryError(f"not a directory / 输出路径不是目录: {root}")
        root.mkdir(parents=True, exist_ok=True)
        previous = root / MANIFEST
        ours = set()
        if previous.exists():
            try:
                manifest = json.loads(previous.read_text(encoding="utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                manifest = {}
            if isinstance(manifest, dict) and manifest.get("generator") == GENERATOR:
                ours = {previous} | {root / entry["path"] for entry in manifest["files"]}
        present = {path for path in root.rglob("*") if path.is_file()}
        foreign = sorted(present - ours)
        if foreign:
            raise FileExistsError(
                f"{root} holds files that are not a synthetic city's, e.g. {foreign[0]} "
                "/ 输出目录非空且不是合成数据目录"
            )
        for path in sorted(present):
            path.unlink()
        return cls(root)

    def write(self, relative: str, table: pa.Table) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, path, compression=COMPRESSION)
        self.rows[relative] = table.num_rows

    def write_csv(self, relative: str, rows: list[dict[str, str]]) -> None:
        """A small UTF-8 CSV (header from the first row's keys)."""
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        header = list(rows[0]) if rows else []
        lines = [",".join(header)] + [",".join(row[key] for key in header) for row in rows]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.rows[relative] = len(rows)

    def write_text(self, relative: str, text: str, rows: int) -> None:
        """A text file (the post stream's JSON lines and CSV), UTF-8."""
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        self.rows[relative] = rows

    def write_monthly(self, feed: str, table: pa.Table, labels: list[str]) -> None:
        """One file per month of the window (empty ones too), split on the `month` column."""
        months = table.column("month")
        for label in labels:
            self.write(f"feeds/{feed}/{label}.parquet", table.filter(pc.equal(months, label)))

    def close(self) -> None:
        """Nothing is left open: every file is whole once written."""

    def finish(self, metadata: dict) -> dict:
        """Hash every file, write manifest.json (sorted keys, no timestamps) and return it."""
        self.close()
        files = []
        for relative in sorted(self.rows):
            data = (self.root / relative).read_bytes()
            files.append(
                {
                    "path": relative,
                    "rows": self.rows[relative],
                    "bytes": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(),
                }
            )
        feeds: dict[str, int] = {}
        for relative, rows in self.rows.items():
            if relative.startswith("feeds/"):
                feed = relative.split("/")[1]
                feeds[feed] = feeds.get(feed, 0) + rows
        manifest = {
            "generator": GENERATOR,
            **metadata,
            "files": files,
            "counts": {
                **{r: n for r, n in self.rows.items() if not r.startswith("feeds/")},
                **{f"feeds/{feed}": n for feed, n in feeds.items()},
            },
            "libraries": {"numpy": np.__version__, "pyarrow": pa.__version__},
        }
        text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        (self.root / MANIFEST).write_text(text, encoding="utf-8")
        return manifest


# Keys numbered 1, 2, … within one prefecture, with the file that numbers them: a province
# shifts each prefecture's by the rows of that file written before it.
SHARD_KEYS = {
    "worker_key": "workers.parquet",
    "episode_id": "episodes.parquet",
    "complaint_id": "complaints.parquet",
}


class ProvinceStore(Store):
    """A province written one prefecture (shard) at a time into the same files.

    Each Parquet file stays open and every shard's table is appended to it as row groups, so
    only one shard is ever in memory; the shard's keys (SHARD_KEYS) are shifted past the
    earlier shards'. Text files (the post stream) are per prefecture, under
    `prefectures/<code>/`.
    """

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.offsets: dict[str, int] = {}
        self.text_folder = ""

    def begin_shard(self, text_folder: str) -> None:
        self.offsets = {key: self.rows.get(file, 0) for key, file in SHARD_KEYS.items()}
        self.text_folder = text_folder

    def write(self, relative: str, table: pa.Table) -> None:
        for key, offset in self.offsets.items():
            if key in table.column_names and offset:
                index = table.schema.get_field_index(key)
                table = table.set_column(index, key, pc.add(table.column(key), offset))
        writer = self.writers.get(relative)
        if writer is None:
            path = self.root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            writer = pq.ParquetWriter(path, table.schema, compression=COMPRESSION)
            self.writers[relative] = writer
        elif table.schema != writer.schema:
            table = table.cast(writer.schema)  # an empty shard's all-null column, say
        writer.write_table(table)
        self.rows[relative] = self.rows.get(relative, 0) + table.num_rows

    def write_text(self, relative: str, text: str, rows: int) -> None:
        super().write_text(f"{self.text_folder}/{relative}", text, rows)

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()
        self.writers.clear()
