"""All file I/O of the risk engine: source files, the feed store, rejections, scores.

Layout under the data dir ($LABORWATCH_DATA_DIR, default ./var):

    feeds/<feed>/YYYY-MM.parquet              one file per feed and month (snapshot feeds:
                                              feeds/<feed>/current.parquet); no key=value
                                              folder names, which readers would take as
                                              hive partitions shadowing the month column;
                                              each row also carries enterprise_key, the
                                              integer of its credit code (codes.py), and
                                              arrived_on, the day it reached the store
    feeds/_batches.jsonl                      the ledger of loaded batches (idempotent reloads)
    feeds/_rejects/<feed>/<batch>.csv         the batch's row report: rows not stored and rows
                                              stored with a remark, with row number, outcome
                                              and reason, then the file's own cells
    scores/<YYYY-MM-DD>/scores.parquet        one row per enterprise × risk type with points
    scores/<YYYY-MM-DD>/indicators.parquet    one row per enterprise: every indicator value
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import io
import itertools
import json
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
from filelock import FileLock, Timeout

from laborwatch.risk.codes import enterprise_keys
from laborwatch.risk.feeds import ARRIVED_ON, ENTERPRISE_KEY, FEEDS, STORE_TYPES, Feed

T = TypeVar("T")
SNAPSHOT_PARTITION = "current"
LOCK_NAME = ".lock"
LOCK_TIMEOUT_SECONDS = 600
_KEYED_STORES: set[Path] = set()  # stores this process has upgraded (see `writing`)
SNIFF_BYTES = 1 << 20
# A CSV's header line must end within this many bytes: a file that is not one record a line is
# refused before it is read into memory.
MAX_HEADER_BYTES = 1 << 16
CSV_BLOCK_BYTES = 1 << 22  # a CSV is read this many bytes at a time; a longer line is refused
SOURCE_BATCH_ROWS = 65_536  # rows of a Parquet or XLSX file read at a time
ROW_GROUP_ROWS = 122_880  # DuckDB's own: scans split files by row group across threads
MONTH_PARTITION_GLOB = "[0-9][0-9][0-9][0-9]-[0-9][0-9].parquet"


class StoreFormatError(Exception):
    """The store has partitions from before the enterprise key; `upgrade_store` first."""


class StoreBusyError(Exception):
    """Another process held the feed store for too long; the message is for users."""


class SourceError(Exception):
    """A feed file that cannot be read as a whole; the message is for users (Chinese)."""


def data_dir() -> Path:
    return Path(os.environ.get("LABORWATCH_DATA_DIR", "./var"))


def feeds_dir(root: Path) -> Path:
    return root / "feeds"


def scores_dir(root: Path, as_of: dt.date) -> Path:
    return root / "scores" / as_of.isoformat()


# ---- source files -----------------------------------------------------------------------


def batch_id_of(feed_name: str, path: Path) -> str:
    """The content hash that names a batch: the same bytes for the same feed load once."""
    digest = hashlib.sha256(feed_name.encode())
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 22), b""):
            digest.update(chunk)
    return digest.hexdigest()[:20]


@dataclass
class SourceFile:
    """A feed file open for reading a block of rows at a time."""

    headers: list[str]  # the file's own column headers, in order (they may repeat)
    schema: pa.Schema  # of every batch: text for CSV and XLSX, Parquet's own types
    first_row: int  # the row number users see for the first data row
    batches: Iterator[pa.RecordBatch]


def read_source(path: Path, on_bytes: Callable[[int], None] | None = None) -> tuple[pa.Table, int]:
    """The file as a table, and the row number users see for its first data row.

    CSV and XLSX cells come back as text (checked and typed later); Parquet keeps its types.
    For a file of any size, `read_with` reads it a block at a time instead.
    """

    def whole(source: SourceFile) -> tuple[pa.Table, int]:
        return pa.Table.from_batches(list(source.batches), source.schema), source.first_row

    return read_with(path, whole, on_bytes)


def read_with(
    path: Path,
    consume: Callable[[SourceFile], T],
    on_bytes: Callable[[int], None] | None = None,
) -> T:
    """What `consume` makes of the file read block by block: a CSV in its likely encoding
    first, then, if a block does not decode, from the start in the other (UTF-8 or GBK), so
    `consume` must start afresh each time it is called. Raises SourceError."""
    last_error: SourceError | None = None
    for encoding in _encodings(path):
        try:
            with _open_source(path, encoding, on_bytes) as source:
                return consume(source)
        except _WrongEncoding as error:
            last_error = error
    raise SourceError(f"文件编码无法识别：{path.name}（应为 UTF-8 或 GBK；{last_error}）")


class _WrongEncoding(SourceError):
    """A CSV that does not decode in the encoding tried (the other may fit)."""


def _encodings(path: Path) -> tuple[str, ...]:
    if path.suffix.lower() in (".csv", ".txt"):
        return tuple(dict.fromkeys((sniff_encoding(path), "gb18030")))
    return ("",)  # not a text file


@contextmanager
def _open_source(
    path: Path, encoding: str, on_bytes: Callable[[int], None] | None
) -> Iterator[SourceFile]:
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        with _open_csv(path, encoding, on_bytes) as source:
            yield source
        return
    if suffix not in (".parquet", ".xlsx", ".xlsm"):
        raise SourceError(f"不支持的文件格式：{path.name}（支持 CSV、XLSX、Parquet）")
    try:
        if suffix == ".parquet":
            parquet = pq.ParquetFile(path)
            batches = parquet.iter_batches(batch_size=SOURCE_BATCH_ROWS)
            schema = parquet.schema_arrow
            source = SourceFile(schema.names, schema, 1, _unreadable_as_source_error(path, batches))
            with parquet:
                yield source
            return
        with _open_xlsx(path) as source:
            yield source
    except (pa.ArrowInvalid, OSError, ValueError, KeyError) as error:
        raise SourceError(f"文件无法读取：{path.name}（{error}）") from error


def _unreadable_as_source_error(
    path: Path, batches: Iterable[pa.RecordBatch]
) -> Iterator[pa.RecordBatch]:
    """The batches, a reading error raised as SourceError (and only a reading error: what
    the consumer raises while it holds a batch is its own)."""
    iterator = iter(batches)
    while True:
        try:
            batch = next(iterator)
        except StopIteration:
            return
        except (pa.ArrowInvalid, OSError, ValueError, KeyError) as error:
            raise SourceError(f"文件无法读取：{path.name}（{error}）") from error
        yield batch


def sniff_encoding(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    nul = head.find(b"\x00")
    if nul >= 0:
        # UTF-16 or a binary file (the probe's all-NUL file would have been read whole while
        # looking for the end of its header line).
        raise SourceError(
            f"文件不是文本 CSV：{path.name} 第 {nul + 1:,} 个字节是 NUL 字符"
            "（应为 UTF-8 或 GBK 编码的文本）"
        )
    first_line_end = head.find(b"\n", 0, MAX_HEADER_BYTES)
    if first_line_end < 0 and len(head) > MAX_HEADER_BYTES:
        raise SourceError(
            f"文件首行超过 {MAX_HEADER_BYTES // 1024} KB 仍未换行：{path.name} 不是每行一条记录的"
            " CSV 文件（首行应为表头）"
        )
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise SourceError(f"文件编码无法识别：{path.name}（应为 UTF-8 或 GBK）")


class _CountingReader(io.RawIOBase):
    """A binary file that reports how many bytes were read, for a progress bar."""

    def __init__(self, path: Path, on_bytes: Callable[[int], None] | None) -> None:
        self._handle = path.open("rb")
        self._on_bytes = on_bytes

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self._handle.readinto(buffer)
        if self._on_bytes is not None and count:
            self._on_bytes(count)
        return count or 0

    def close(self) -> None:
        self._handle.close()
        super().close()


@contextmanager
def _open_csv(
    path: Path, encoding: str, on_bytes: Callable[[int], None] | None
) -> Iterator[SourceFile]:
    """The CSV read a block (4 MB) at a time, every cell as text."""
    misshapen: list[pcsv.InvalidRow] = []

    def misshapen_row(row: pcsv.InvalidRow) -> str:
        misshapen.append(row)
        return "error"

    try:
        with path.open("rb") as handle:
            header = handle.readline(MAX_HEADER_BYTES).decode(encoding)
        names = pcsv.read_csv(io.BytesIO(header.encode())).column_names
    except (pa.ArrowInvalid, UnicodeDecodeError) as error:
        raise _csv_error(path, error, misshapen) from error
    options = pcsv.ConvertOptions(
        column_types={name: pa.string() for name in names},
        strings_can_be_null=True,
        null_values=[""],
    )
    with _CountingReader(path, on_bytes) as raw:
        try:
            reader = pcsv.open_csv(
                raw,
                read_options=pcsv.ReadOptions(encoding=encoding, block_size=CSV_BLOCK_BYTES),
                parse_options=pcsv.ParseOptions(invalid_row_handler=misshapen_row),
                convert_options=options,
            )
        except (pa.ArrowInvalid, UnicodeDecodeError) as error:
            raise _csv_error(path, error, misshapen) from error

        def batches() -> Iterator[pa.RecordBatch]:
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    return
                except (pa.ArrowInvalid, UnicodeDecodeError) as error:
                    raise _csv_error(path, error, misshapen) from error
                yield batch

        yield SourceFile(reader.schema.names, reader.schema, 2, batches())


def _csv_error(path: Path, error: Exception, misshapen: list[pcsv.InvalidRow]) -> SourceError:
    """The reason a CSV cannot be read, for users; _WrongEncoding where another may fit."""
    if misshapen:
        # Cells shifted by an unquoted comma cannot be told apart: not row by row.
        row = misshapen[0]
        hint = (
            "含逗号的单元格须加引号"
            if row.actual_columns > row.expected_columns
            else "每行须有表头的全部列，空单元格也要留出逗号"
        )
        return SourceError(
            f"文件中有列数不符的行（应为 {row.expected_columns} 列，实为"
            f" {row.actual_columns} 列）：{_shown(row.text)}；{hint}"
        )
    text = str(error)
    if "straddling" in text:
        return SourceError(
            f"文件中有超过 {CSV_BLOCK_BYTES >> 20} MB 的一行：{path.name}（不是每行一条记录的"
            " CSV 文件，或有未闭合的引号）"
        )
    if isinstance(error, UnicodeDecodeError) or "decode" in text.lower() or "utf" in text.lower():
        return _WrongEncoding(text)
    return SourceError(f"文件不是有效的 CSV：{path.name}（{error}）")


def _shown(text: str | None, limit: int = 200) -> str:
    """A line of the file as a message quotes it: at most `limit` characters."""
    text = text or ""
    return text if len(text) <= limit else text[:limit] + "…"


@contextmanager
def _open_xlsx(path: Path) -> Iterator[SourceFile]:
    """The first sheet, streamed (openpyxl's read-only mode), SOURCE_BATCH_ROWS at a time."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise SourceError(f"工作表为空：{path.name}")
        names = [str(cell).strip() if cell is not None else "" for cell in header]
        schema = pa.schema([pa.field(name, pa.string()) for name in names])

        def batches() -> Iterator[pa.RecordBatch]:
            while chunk := list(itertools.islice(rows, SOURCE_BATCH_ROWS)):
                columns = [
                    pa.array(
                        [_cell_text(row[index]) if index < len(row) else None for row in chunk],
                        pa.string(),
                    )
                    for index in range(len(names))
                ]
                yield pa.RecordBatch.from_arrays(columns, schema=schema)

        yield SourceFile(names, schema, 2, _unreadable_as_source_error(path, batches()))
    finally:
        workbook.close()


def _cell_text(cell: object) -> str | None:
    if cell is None:
        return None
    if isinstance(cell, dt.datetime):
        return cell.isoformat(sep=" ") if cell.time() != dt.time() else cell.date().isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


# ---- the feed store ---------------------------------------------------------------------


def ledger_path(root: Path) -> Path:
    return feeds_dir(root) / "_batches.jsonl"


def loaded_batches(root: Path) -> dict[str, dict[str, Any]]:
    path = ledger_path(root)
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        entries = (json.loads(line) for line in handle if line.strip())
        return {entry["batch_id"]: entry for entry in entries}


def record_batch(root: Path, entry: dict[str, Any]) -> None:
    path = ledger_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False) + "\n")


def partition_path(root: Path, feed: Feed, partition: str) -> Path:
    return feeds_dir(root) / feed.name / f"{partition}.parquet"


# Arrival days of a batch's rows from their partition column (None: a snapshot feed).
ArrivalDays = Callable[[pa.ChunkedArray], pa.Array]


def write_batch(
    root: Path,
    feed: Feed,
    con: duckdb.DuckDBPyConnection,
    batch_id: str,
    arrived_on: ArrivalDays | None = None,
    *,
    in_row_order: bool = False,
) -> int:
    """Merge the valid rows of a batch (the `valid` table of its batch database, `validate`)
    into their partitions; a row replaces a stored row with its key (a department's file
    sent again, corrected, supersedes the earlier one, and is known from its own arrival on:
    `arrived_on` gives a dated feed's rows their days).

    The rows are read a block at a time, partition by partition, each in file order. A new
    partition is written as the rows came (they are unique by key already); one that exists
    is merged by key in DuckDB. Every partition is written to a staging folder first and
    moved into place only when all are written, so a failure leaves the store as it was.
    Returns how many stored rows were replaced, for the batch's report. `in_row_order`: the
    caller knows that `valid` reads in the file's row order (no rows combined into others).
    """
    if ARRIVED_ON in feed.stored_columns and arrived_on is None:
        raise ValueError(f"{feed.name}: a dated feed's rows need their arrival days")
    staging = feeds_dir(root) / feed.name / f".staging-{batch_id}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    columns = ", ".join(f'"{column.name}"' for column in feed.columns)
    partition = (
        f"strftime(\"{feed.partition_column}\", '%Y-%m')"
        if feed.partition_column is not None
        else f"'{SNAPSHOT_PARTITION}'"
    )
    # Sorted into partitions and row order, unless the rows are in row order already and all
    # of one partition (a month's file): then as they are, without the sort (a tenth of a
    # clean file's load).
    order = (
        "" if in_row_order and _one_partition(con, feed) else " ORDER BY _partition, _source_row"
    )
    rows = con.sql(
        f"SELECT {columns}, {partition} AS _partition FROM valid{order}"
    ).to_arrow_reader(ROW_GROUP_ROWS)
    written: dict[str, Path] = {}
    writer: pq.ParquetWriter | None = None
    try:
        for block in _blocks_of(rows, ROW_GROUP_ROWS):
            labels = block.column("_partition")
            found = pc.unique(labels).to_pylist()
            for label in found:
                # All of one partition (a month's file): the block as it is, not a copy.
                part = block if len(found) == 1 else block.filter(pc.equal(labels, label))
                part = part.drop_columns(["_partition"])
                stored = _stored_rows(feed, part, batch_id, arrived_on)
                if label not in written:
                    if writer is not None:
                        writer.close()
                    written[label] = staging / f"new-{label}.parquet"
                    writer = pq.ParquetWriter(written[label], stored.schema)
                assert writer is not None
                writer.write_table(stored, row_group_size=ROW_GROUP_ROWS)
        if writer is not None:
            writer.close()
            writer = None
        replaced = 0
        moves: list[tuple[Path, Path]] = []
        for label, new_rows in written.items():
            target = partition_path(root, feed, label)
            staged = staging / f"{label}.parquet"
            if target.exists():
                before = pq.read_metadata(target).num_rows + pq.read_metadata(new_rows).num_rows
                replaced += before - _merge_partition(con, feed, new_rows, target, staged)
            else:
                os.replace(new_rows, staged)
            moves.append((staged, target))
        for staged, target in moves:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)
    finally:
        if writer is not None:
            writer.close()
        shutil.rmtree(staging, ignore_errors=True)
    return replaced


def _blocks_of(batches: Iterable[pa.RecordBatch], size: int) -> Iterator[pa.Table]:
    """The rows in blocks of exactly `size` (the last one less): a partition's row groups are
    the same whatever the sizes of the batches the query gave."""
    pending: list[pa.RecordBatch] = []
    count = 0
    for batch in batches:
        pending.append(batch)
        count += batch.num_rows
        while count >= size:
            table = pa.Table.from_batches(pending)
            yield table.slice(0, size)
            rest = table.slice(size)
            pending, count = rest.to_batches(), rest.num_rows
    if count:
        yield pa.Table.from_batches(pending)


def _one_partition(con: duckdb.DuckDBPyConnection, feed: Feed) -> bool:
    """Whether every valid row of the batch goes to one partition: a snapshot, or a month
    (rows of one month have one partition label, the month's)."""
    if feed.partition_column is None:
        return True
    column = f'"{feed.partition_column}"'
    [(same,)] = con.execute(f"""
        SELECT count({column}) = count(*)
            AND date_trunc('month', min({column})) = date_trunc('month', max({column}))
        FROM valid
    """).fetchall()
    return bool(same)


def _stored_rows(
    feed: Feed, rows: pa.Table, batch_id: str, arrived_on: ArrivalDays | None
) -> pa.Table:
    """Rows of the batch as a partition stores them: the enterprise key beside the credit
    code, the day each arrived (dated feeds) and the batch."""
    stored = with_enterprise_key(feed, rows)
    if ARRIVED_ON in feed.stored_columns:
        assert arrived_on is not None and feed.partition_column is not None
        stored = stored.append_column(ARRIVED_ON, arrived_on(rows.column(feed.partition_column)))
    return stored.append_column("_batch_id", pa.repeat(batch_id, rows.num_rows))


def _merge_partition(
    con: duckdb.DuckDBPyConnection, feed: Feed, new_rows: Path, target: Path, staged: Path
) -> int:
    """Write the stored partition with the new rows in it (new rows win on the key).

    A column the feed gained since the partition was written is empty in its old rows."""
    columns = ", ".join(f'"{name}"' for name in feed.stored_columns) + ", _batch_id"
    stored = set(pq.read_schema(target).names)
    old_columns = ", ".join(
        f'"{name}"' if name in stored else f'CAST(NULL AS {store_type(feed, name)}) AS "{name}"'
        for name in feed.stored_columns
    )
    old_columns += (
        ", _batch_id" if "_batch_id" in stored else ", CAST(NULL AS VARCHAR) AS _batch_id"
    )
    key = ", ".join(f'"{name}"' for name in feed.key)
    con.execute(f"""
        COPY (
            SELECT {columns} FROM (
                SELECT {columns}, 1 AS _new FROM read_parquet('{new_rows}')
                UNION ALL
                SELECT {old_columns}, 0 AS _new FROM read_parquet('{target}')
            )
            QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY _new DESC) = 1
            ORDER BY {key}
        ) TO '{staged}' (FORMAT parquet)
    """)
    return int(pq.read_metadata(staged).num_rows)


def store_type(feed: Feed, name: str) -> str:
    if name == ENTERPRISE_KEY:
        return "BIGINT"
    if name == ARRIVED_ON:
        return "DATE"
    return STORE_TYPES[feed.column(name).kind]


def with_enterprise_key(feed: Feed, rows: pa.Table, *, normalized: bool = True) -> pa.Table:
    """The rows with the enterprise key of their valid credit code added beside it
    (`normalized`: the codes went through validation, as every stored row did)."""
    if ENTERPRISE_KEY not in feed.stored_columns or ENTERPRISE_KEY in rows.column_names:
        return rows
    codes = rows.column("credit_code").combine_chunks()
    keys = enterprise_keys(codes, normalized=normalized)
    return rows.add_column(rows.column_names.index("credit_code") + 1, ENTERPRISE_KEY, keys)


@contextmanager
def _held(root: Path) -> Iterator[Path]:
    """The writer's lock on the feed store (a lock file in feeds/, across processes)."""
    folder = feeds_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        lock = FileLock(str(folder / LOCK_NAME), timeout=LOCK_TIMEOUT_SECONDS)
        lock.acquire()
    except Timeout as error:
        raise StoreBusyError(
            f"数据源库被另一个导入或评分任务占用超过 {LOCK_TIMEOUT_SECONDS} 秒，请稍后重试"
        ) from error
    try:
        yield folder
    finally:
        lock.release()


@contextmanager
def writing(root: Path) -> Iterator[None]:
    """Hold the feed store for one writer at a time, across processes.

    The first time a process writes to a store, partitions from before the enterprise key
    get it inside the same hold, so no load merges into an unkeyed partition and no upgrade
    rewrites a partition a load is writing. Raises StoreBusyError when another process keeps
    the store for longer than LOCK_TIMEOUT_SECONDS.
    """
    with _held(root) as folder:
        marker = folder.resolve()
        if marker not in _KEYED_STORES:
            _add_enterprise_keys(root)
            _KEYED_STORES.add(marker)
        yield


def upgrade_store(root: Path) -> int:
    """Give every partition written before the enterprise key its key column, under the
    writer's lock; returns how many files were rewritten (0 for a current store). Raises
    StoreBusyError as `writing` does."""
    with _held(root) as folder:
        upgraded = _add_enterprise_keys(root)
        _KEYED_STORES.add(folder.resolve())  # the loads that follow need not look again
        return upgraded


def _add_enterprise_keys(root: Path) -> int:
    """Rewrite each unkeyed partition whole: written beside it, then moved over it. Only
    under the writer's lock, so that no load changes a partition while it is rewritten."""
    upgraded = 0
    for feed in FEEDS.values():
        for path in unkeyed_files(feed_files(root, feed)):
            keyed = with_enterprise_key(feed, pq.read_table(path))
            staged = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            pq.write_table(keyed, staged, row_group_size=ROW_GROUP_ROWS)
            os.replace(staged, path)
            upgraded += 1
    return upgraded


def unkeyed_files(paths: Iterable[Path]) -> list[Path]:
    """The partition files written before the enterprise key (they lack its column)."""
    return [path for path in paths if ENTERPRISE_KEY not in pq.read_schema(path).names]


def registry_file(root: Path) -> Path | None:
    """The stored registry snapshot, which names are linked against; None before one."""
    path = partition_path(root, FEEDS["registry"], SNAPSHOT_PARTITION)
    return path if path.exists() else None


def write_row_report(
    root: Path, feed: Feed, batch_id: str, lines: Iterable[pa.RecordBatch]
) -> Path | None:
    """Write the batch's row report from its lines, a block at a time (None: no line). It is
    written beside its place and moved there once whole: lines that fail half-way (the batch
    out of memory) leave no report."""
    path = feeds_dir(root) / "_rejects" / feed.name / f"{batch_id}.csv"
    partial = path.with_name(f".{path.name}.partial")
    writer: pcsv.CSVWriter | None = None
    try:
        with ExitStack() as stack:
            for block in lines:
                if writer is None:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    handle = stack.enter_context(partial.open("wb"))
                    # A BOM so that Excel opens the Chinese reasons as UTF-8.
                    handle.write(codecs.BOM_UTF8)
                    writer = stack.enter_context(pcsv.CSVWriter(handle, block.schema))
                writer.write_batch(block)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if writer is None:
        return None
    os.replace(partial, path)
    return path


def feed_files(
    root: Path, feed: Feed, since_month: str | None = None, until_month: str | None = None
) -> list[Path]:
    """The stored partition files of a feed, from `since_month` to `until_month` (YYYY-MM)."""
    folder = feeds_dir(root) / feed.name
    if not folder.exists():
        return []
    if feed.partition_column is None:
        path = partition_path(root, feed, SNAPSHOT_PARTITION)
        return [path] if path.exists() else []
    files = sorted(folder.glob(MONTH_PARTITION_GLOB))
    return [path for path in files if in_months(path.stem, since_month, until_month)]


def in_months(month: str, since_month: str | None, until_month: str | None) -> bool:
    """Whether a month partition (YYYY-MM) is among the months `feed_files` reads."""
    return (since_month is None or month >= since_month) and (
        until_month is None or month <= until_month
    )


def stored_months(root: Path, feed: Feed) -> list[str]:
    return [path.stem for path in feed_files(root, feed)]


# A batch is loaded, checked and merged in a DuckDB database of its own within this much
# memory, the rest spilled to disk in the data dir, so that `ingest` stays bounded whatever
# the size of the file.
BATCH_MEMORY_LIMIT = "256MB"
# A deployment with the memory for it may raise the limit (a file the batch cannot settle
# within it is refused, naming this setting).
MEMORY_SETTING = "LABORWATCH_INGEST_MEMORY"
WORK_FOLDER = "_work"
_MEMORY_AMOUNT = re.compile(r"[0-9]+(\.[0-9]+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", re.IGNORECASE)


class MemorySettingError(ValueError):
    """The batch memory setting is not an amount of memory."""


def batch_memory_limit() -> str:
    """The batch database's memory limit: the setting's, or BATCH_MEMORY_LIMIT."""
    value = os.environ.get(MEMORY_SETTING, "").strip()
    if not value:
        return BATCH_MEMORY_LIMIT
    if not _MEMORY_AMOUNT.fullmatch(value):
        raise MemorySettingError(
            f"设置 {MEMORY_SETTING}={value} 不是内存大小，应写作如 512MB 或 2GB"
        )
    return value


class BatchSession:
    """The batch databases of one run (`batch_session`): the batches one after the other in
    one DuckDB database, each ending with the tables and views it made dropped. A
    database opened and closed for each of a city's 170 files was a tenth of their loading.
    A batch that fails (out of memory) closes the database: the next gets a new one."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._con: duckdb.DuckDBPyConnection | None = None

    @contextmanager
    def batch(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to a database that holds nothing but what the batch makes."""
        if self._con is None:
            # In memory, which DuckDB spills to the folder beyond the limit: measured faster
            # than a database file, which writes every block through its log and checkpoints.
            self._con = duckdb.connect(
                config={"memory_limit": batch_memory_limit(), "temp_directory": str(self._folder)}
            )
            self._con.execute("SET enable_progress_bar = false")
        cursor = self._con.cursor()
        try:
            yield cursor
            _drop_everything(cursor)
        except BaseException:
            cursor.close()
            self.close()
            raise
        cursor.close()

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None


def _drop_everything(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the views and tables of the database's own schema (a batch's work). Macros stay:
    they hold no data, each batch makes its own with CREATE OR REPLACE, and listing them
    (duckdb_functions(), every built-in function) took as long as the rest of the dropping."""
    where = "WHERE NOT internal AND database_name = 'memory' AND schema_name = 'main'"
    for kind, names in (
        ("VIEW", f"SELECT view_name FROM duckdb_views() {where}"),
        ("TABLE", f"SELECT table_name FROM duckdb_tables() {where}"),
    ):
        for (name,) in con.execute(names).fetchall():
            con.execute(f'DROP {kind} IF EXISTS "{name}"')


@contextmanager
def batch_session(root: Path) -> Iterator[BatchSession]:
    """The databases for the batches of one run (see BatchSession), spilling to a folder of
    their own under feeds/_work/, removed afterwards. The folder is held by a lock file beside
    it while in use: a folder left by a process that was killed is removed by the next run.
    The memory limit is read at the first batch (MemorySettingError there)."""
    work = feeds_dir(root) / WORK_FOLDER
    work.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(work)
    folder = work / f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    lock = FileLock(str(folder.with_suffix(".lock")))
    lock.acquire()
    try:
        folder.mkdir()
        session = BatchSession(folder)
        try:
            yield session
        finally:
            session.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        lock.release()
        folder.with_suffix(".lock").unlink(missing_ok=True)


def _remove_abandoned(work: Path) -> None:
    """Remove the work folders whose lock no live process holds."""
    for path in work.glob("*.lock"):
        lock = FileLock(str(path))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            continue  # a batch still at work
        try:
            shutil.rmtree(path.with_suffix(""), ignore_errors=True)
        finally:
            lock.release()
            path.unlink(missing_ok=True)


def connect(memory_limit: str = "3GB", threads: int | None = None) -> duckdb.DuckDBPyConnection:
    # No progress bar of DuckDB's own: a long query on a busy machine printed one on stdout,
    # among the commands' Chinese output (the commands show their own).
    con = duckdb.connect(config={"memory_limit": memory_limit})
    con.execute("SET enable_progress_bar = false")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con


def create_feed_views(
    con: duckdb.DuckDBPyConnection, root: Path, months: Mapping[str, tuple[str, str]]
) -> dict[str, list[Path]]:
    """One view per feed over its stored files in `months` (feed → first, last YYYY-MM; a
    feed not named: all its files); an empty typed view for a feed with no files, so every
    definition runs whatever was delivered. Returns the files each view reads."""
    used = {
        feed.name: feed_files(root, feed, *months.get(feed.name, (None, None)))
        for feed in FEEDS.values()
    }
    names = {path: set(pq.read_schema(path).names) for paths in used.values() for path in paths}
    old = [path for path, columns in names.items() if ENTERPRISE_KEY not in columns]
    if old:
        raise StoreFormatError(
            f"数据源库中有 {len(old)} 个分区文件是旧版格式（缺少 {ENTERPRISE_KEY}），"
            f"如 {old[0]}；请先运行 laborwatch score 或 laborwatch ingest 升级数据源库"
        )
    for feed in FEEDS.values():
        files = used[feed.name]
        if files:
            listing = ", ".join(f"'{path}'" for path in files)
            # Columns added to a feed after its files were stored (arrivals, a registry's
            # parent office): NULL, as an optional column left empty reads.
            missing = "".join(
                f', CAST(NULL AS {store_type(feed, name)}) AS "{name}"'
                for name in feed.stored_columns
                if not any(name in names[path] for path in files)
            )
            source = (
                f"SELECT *{missing}"
                f" FROM read_parquet([{listing}], union_by_name = true, hive_partitioning = false)"
            )
        else:
            source = empty_feed_sql(feed)
        con.execute(f'CREATE OR REPLACE VIEW "{feed.name}" AS {source}')
    return used


def empty_feed_sql(feed: Feed) -> str:
    """A feed with no files: no rows, every stored column typed (DuckDB's dialect)."""
    typed = ", ".join(
        f'CAST(NULL AS {store_type(feed, name)}) AS "{name}"' for name in feed.stored_columns
    )
    return f"SELECT {typed} WHERE false"


def latest_feed_date(root: Path) -> dt.date | None:
    """The latest date the feeds speak for (an event date, or the last day of a month) or,
    if later, the latest day a row arrived: the day the default scoring knows everything."""
    con = duckdb.connect()
    latest: list[dt.date] = []
    try:
        for feed in FEEDS.values():
            if feed.partition_column is None:
                continue
            files = feed_files(root, feed)
            if not files:
                continue
            column = feed.column(feed.partition_column)
            expr = f'max("{column.name}")'
            if column.kind == "month":
                expr = f'last_day(max("{column.name}"))'
            if ARRIVED_ON in pq.read_schema(files[-1]).names:
                expr = f"greatest({expr}, max({ARRIVED_ON}))"
            value = con.execute(
                f"SELECT CAST({expr} AS DATE) FROM read_parquet('{files[-1]}')"
            ).fetchone()
            if value and value[0] is not None:
                latest.append(value[0])
    finally:
        con.close()
    return max(latest) if latest else None


# ---- scores -----------------------------------------------------------------------------


def write_table(table: pa.Table, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_suffix(".parquet.tmp")
    pq.write_table(table, staged, compression="zstd")
    os.replace(staged, path)
    return path


def copy_query_to_parquet(con: duckdb.DuckDBPyConnection, query: str, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_suffix(".parquet.tmp")
    con.execute(f"COPY ({query}) TO '{staged}' (FORMAT parquet)")
    os.replace(staged, path)
    return path


def score_dates(root: Path) -> list[dt.date]:
    folder = root / "scores"
    if not folder.exists():
        return []
    found = []
    for child in folder.iterdir():
        try:
            found.append(dt.date.fromisoformat(child.name))
        except ValueError:
            continue
    return sorted(found)


def indicator_history_files(root: Path) -> Iterable[Path]:
    return sorted((root / "scores").glob("*/indicators.parquet"))
