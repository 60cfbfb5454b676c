"""Where the feed store lives for Spark: a local (or shared) path, HDFS, or S3-compatible storage.

Spark reads and writes through its Hadoop connectors (`file:`, `hdfs://`, `s3a://`); listing
the month partitions and moving the written files into place go through pyarrow's file
systems, which reach the same storage (HDFS through libhdfs, S3 natively). The layout is the
feed store's (store.py): feeds/<feed>/YYYY-MM.parquet, scores/<YYYY-MM-DD>/.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow.fs as pafs
import pyarrow.parquet as pq

from laborwatch.risk.store import MONTH_PARTITION_GLOB, SNAPSHOT_PARTITION, in_months

# Hadoop's S3 connector is s3a://; pyarrow names the same storage s3://.
_PYARROW_SCHEMES = {"s3a": "s3", "s3n": "s3"}


@dataclass(frozen=True)
class StoreLocation:
    """The root of a feed store: `uri` as Spark reads it, `filesystem` and `path` as pyarrow."""

    uri: str
    filesystem: pafs.FileSystem
    path: str

    @property
    def is_local(self) -> bool:
        return isinstance(self.filesystem, pafs.LocalFileSystem)

    def uri_of(self, *parts: str) -> str:
        return "/".join([self.uri.rstrip("/"), *parts])

    def path_of(self, *parts: str) -> str:
        return "/".join([self.path.rstrip("/"), *parts])

    def columns_of(self, uri: str) -> list[str]:
        """The column names in the footer of a Parquet file of the store (by its URI)."""
        relative = uri[len(self.uri) :].lstrip("/")
        return pq.read_schema(self.path_of(relative), filesystem=self.filesystem).names


def store_location(root: str | Path) -> StoreLocation:
    """The store at `root`: a path (made absolute, read by Spark as file:) or a URI."""
    text = str(root)
    if "://" not in text:
        local = Path(text).resolve()
        return StoreLocation(local.as_uri(), pafs.LocalFileSystem(), str(local))
    scheme, rest = text.split("://", 1)
    filesystem, path = pafs.FileSystem.from_uri(f"{_PYARROW_SCHEMES.get(scheme, scheme)}://{rest}")
    return StoreLocation(text.rstrip("/"), filesystem, path.rstrip("/"))


def _is_month_file(name: str) -> bool:
    return Path(name).match(MONTH_PARTITION_GLOB)


def partition_uris(
    location: StoreLocation,
    feed_name: str,
    *,
    snapshot: bool,
    since_month: str | None = None,
    until_month: str | None = None,
) -> list[str]:
    """The feed's partition files as Spark URIs: the months `store.feed_files` reads."""
    folder = location.path_of("feeds", feed_name)
    if snapshot:
        name = f"{SNAPSHOT_PARTITION}.parquet"
        found = location.filesystem.get_file_info(location.path_of("feeds", feed_name, name))
        return [location.uri_of("feeds", feed_name, name)] if found.is_file else []
    infos = location.filesystem.get_file_info(pafs.FileSelector(folder, allow_not_found=True))
    names = sorted(
        info.base_name for info in infos if info.is_file and _is_month_file(info.base_name)
    )
    return [
        location.uri_of("feeds", feed_name, name)
        for name in names
        if in_months(Path(name).stem, since_month, until_month)
    ]


def place_single_file(location: StoreLocation, written_dir: str, target: str) -> None:
    """Move the one part file Spark wrote into `written_dir` (a path under the store) to
    `target`, replacing it, and remove the directory."""
    filesystem = location.filesystem
    parts = [
        info.path
        for info in filesystem.get_file_info(pafs.FileSelector(written_dir))
        if info.is_file and info.base_name.startswith("part-")
    ]
    if len(parts) != 1:
        raise RuntimeError(f"expected one part file in {written_dir}, found {len(parts)}")
    if filesystem.get_file_info(target).is_file:
        filesystem.delete_file(target)
    filesystem.move(parts[0], target)
    filesystem.delete_dir(written_dir)


def copy_to_local(location: StoreLocation, source: str, target: Path) -> Path:
    """A file of the store copied to a local path (the app reads its scores locally)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_suffix(target.suffix + ".tmp")
    pafs.copy_files(
        source,
        str(staged),
        source_filesystem=location.filesystem,
        destination_filesystem=pafs.LocalFileSystem(),
    )
    staged.replace(target)
    return target
