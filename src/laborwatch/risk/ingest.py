"""`laborwatch ingest`: load feed files into the feed store, each batch whole or not at all.

A batch is one file. Its valid rows are merged into the store by key; every row that is not
stored (bad, a duplicate, a conflict) or is stored with a remark (combined with others by
the feed's rule, linked to an enterprise by name) gets a line of the batch's row report
(行号, 处理结果, 原因, then the file's own cells), and the summary says how many of each and
why. However many rows are bad, the valid ones are stored: a weekly batch is not thrown away
for its bad rows. A stored row with the key of a new one is replaced by it (a file sent again,
corrected), and the summary counts such rows. Only a file that is not the feed at all is
refused whole: it cannot be read, or lacks a required column. The same file loaded again
changes nothing.

Every row of a dated feed records the day it arrived (`arrived`): the day of the load by
default, a given day, or ARRIVAL_CALENDAR: the day the arrival calendar (data/arrivals.csv)
says its period was due, never after the load, for a history loaded at once.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import duckdb
import pyarrow as pa
from rich.progress import Progress

from laborwatch.risk import store
from laborwatch.risk.arrivals import DELIVERIES_FILE, arrival_calendar, due_dates
from laborwatch.risk.feeds import ARRIVED_ON, FEEDS, SYNTH_FILES, Feed
from laborwatch.risk.row_report import row_report
from laborwatch.risk.validate import ColumnsError, Loaded, load_source, validate_rows

FEED_SUFFIXES = (".parquet", ".csv", ".xlsx")

Status = Literal["loaded", "already_loaded", "refused"]
ARRIVAL_CALENDAR: Literal["calendar"] = "calendar"
# When a batch's rows arrived: a day, ARRIVAL_CALENDAR, or None for the day of the load.
Arrived = dt.date | Literal["calendar"] | None


@dataclass
class IngestReport:
    feed: str
    source: str
    status: Status
    batch_id: str = ""
    rows_read: int = 0
    rows_taken: int = 0  # rows stored (a combined group is one row)
    rows_rejected: int = 0  # rows not stored, duplicates included; each in the row report
    rows_duplicate: int = 0  # of the rejected: the same as an earlier row in every column
    rows_combined: int = 0  # rows added into another row by the feed's rule
    rows_unlinked: int = 0  # rows stored without a credit code, their name not linked
    rows_replaced: int = 0  # rows stored before with the same key, replaced by this batch
    reasons: Counter[str] = field(default_factory=Counter)
    message: str = ""
    rejects_path: str = ""  # the row report (rows not stored, and rows stored with a remark)
    ignored_columns: tuple[str, ...] = ()
    remarks: tuple[str, ...] = ()  # about the whole file

    def summary(self) -> str:
        """One line in Chinese for the console and the log."""
        label = FEEDS[self.feed].label if self.feed in FEEDS else self.feed
        head = f"[{label}] {self.source}："
        if self.status == "already_loaded":
            return head + "该批次已载入，未作改动"
        if self.status == "refused":
            return head + f"整批拒收（{self.message}）"
        text = (
            f"读入 {self.rows_read:,} 行，接收 {self.rows_taken:,} 行，"
            f"拒收 {self.rows_rejected:,} 行"
        )
        if self.rows_duplicate:
            text += f"（其中重复行 {self.rows_duplicate:,} 行）"
        if self.rows_combined:
            text += f"，合计入其他行 {self.rows_combined:,} 行"
        if self.rows_unlinked:
            text += f"，未关联到企业 {self.rows_unlinked:,} 行"
        if self.rows_replaced:
            text += f"，替换此前已入库的同键行 {self.rows_replaced:,} 行"
        if self.reasons:
            text += "；原因：" + "，".join(f"{k} {v:,} 行" for k, v in self.reasons.most_common())
        if self.ignored_columns:
            text += "；忽略的列：" + "、".join(self.ignored_columns)
        for remark in self.remarks:
            text += f"；{remark}"
        return head + text


def ingest_file(
    root: Path,
    feed_name: str,
    path: Path,
    *,
    today: dt.date | None = None,
    arrived: Arrived = None,
    progress: Progress | None = None,
    session: store.BatchSession | None = None,
) -> IngestReport:
    """Load one file as one batch (see the module's docstring); `session`: the batch
    databases of a run of several files (`ingest_folder`), else one of its own."""
    if feed_name not in FEEDS:
        known = "、".join(FEEDS)
        return IngestReport(feed_name, path.name, "refused", message=f"未知数据源，可选：{known}")
    feed = FEEDS[feed_name]
    today = today or dt.date.today()
    report = IngestReport(feed_name, str(path), "refused")
    if not path.is_file():
        report.message = f"文件不存在：{path}"
        return report
    if path.suffix.lower() in (".csv", ".txt"):
        # What is not a text file is refused from its first bytes, before the whole file is
        # read to hash it.
        try:
            store.sniff_encoding(path)
        except store.SourceError as error:
            report.message = str(error)
            return report
    report.batch_id = store.batch_id_of(feed_name, path)
    if report.batch_id in store.loaded_batches(root):
        report.status = "already_loaded"
        return report
    task = (
        progress.add_task(f"{feed.label} {path.name}", total=path.stat().st_size)
        if progress
        else None
    )

    def advance(count: int) -> None:
        if progress is not None and task is not None:
            progress.advance(task, count)

    try:
        with ExitStack() as stack:
            if session is None:
                session = stack.enter_context(store.batch_session(root))
            con = stack.enter_context(session.batch())
            _load(root, con, feed, path, report, today=today, arrived=arrived, advance=advance)
    except duckdb.OutOfMemoryException:
        # Nothing of the batch is in the store: its partitions are staged and moved only
        # once all are written, its row report moved into place once whole.
        if report.rejects_path:
            Path(report.rejects_path).unlink(missing_ok=True)
        report.status = "refused"
        report.rejects_path = ""
        report.message = out_of_memory_message(path)
    except store.MemorySettingError as error:
        report.message = str(error)
    finally:
        if progress is not None and task is not None:
            progress.update(task, completed=path.stat().st_size)
    return report


def out_of_memory_message(path: Path) -> str:
    """Why a file the batch database could not hold is refused, and what the user can do."""
    return (
        f"文件 {path.name} 在读入、校验或写入时超出了批处理内存上限"
        f"（{store.batch_memory_limit()}），本批未载入，数据源未作任何改动。"
        f"可在设置 {store.MEMORY_SETTING} 中调高上限（如 1GB）后重新载入，"
        "或将文件按月份拆分为几个较小的文件分别载入"
    )


def _load(
    root: Path,
    con: duckdb.DuckDBPyConnection,
    feed: Feed,
    path: Path,
    report: IngestReport,
    *,
    today: dt.date,
    arrived: Arrived,
    advance: Callable[[int], None],
) -> None:
    """Read, check and store the batch in its database `con`; the outcome on `report`."""
    try:
        loaded = load_source(con, feed, path, on_bytes=advance)
    except (store.SourceError, ColumnsError) as error:
        report.message = str(error)
        return
    _check(root, con, feed, loaded, today, report)
    try:
        with store.writing(root):  # one writer at a time; the batch may have come meanwhile
            if report.batch_id in store.loaded_batches(root):
                report.status = "already_loaded"
                return
            if report.rows_taken:
                report.rows_replaced = store.write_batch(
                    root,
                    feed,
                    con,
                    report.batch_id,
                    arrival_days(feed, arrived, today),
                    # Rows combined into others are added after the rest (`repeats`).
                    in_row_order=report.rows_combined == 0,
                )
            report.status = "loaded"
            store.record_batch(
                root,
                {
                    "batch_id": report.batch_id,
                    "feed": feed.name,
                    "source": str(path),
                    "loaded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "arrived": str(arrived or today),
                    "rows_read": report.rows_read,
                    "rows_taken": report.rows_taken,
                    "rows_rejected": report.rows_rejected,
                    "rows_duplicate": report.rows_duplicate,
                    "rows_combined": report.rows_combined,
                    "rows_unlinked": report.rows_unlinked,
                    "rows_replaced": report.rows_replaced,
                },
            )
    except store.StoreBusyError as error:
        report.message = f"{error}；本批未载入"


def arrival_days(feed: Feed, arrived: Arrived, today: dt.date) -> store.ArrivalDays | None:
    """The day each row arrived, from its partition column (None for a snapshot feed, which
    records none)."""
    if ARRIVED_ON not in feed.stored_columns or feed.partition_column is None:
        return None
    if arrived == ARRIVAL_CALENDAR:
        calendar = arrival_calendar()[feed.name]
        return lambda periods: due_dates(calendar, periods, today)
    day = min(arrived if isinstance(arrived, dt.date) else today, today)
    return lambda periods: pa.array([day] * len(periods), pa.date32())


def _check(
    root: Path,
    con: duckdb.DuckDBPyConnection,
    feed: Feed,
    loaded: Loaded,
    today: dt.date,
    report: IngestReport,
) -> None:
    """Check the batch loaded in `con`; its counts, reasons and row report on `report`."""
    checked = validate_rows(con, feed, loaded, today=today, registry_file=store.registry_file(root))
    report.rows_read = checked.rows_read
    report.rows_rejected = checked.rows_rejected
    report.rows_duplicate = checked.duplicates
    report.rows_combined = checked.combined
    report.rows_taken = int(con.sql("SELECT count(*) FROM valid").fetchall()[0][0])
    if feed.name_column is not None:
        unlinked = con.sql("SELECT count(*) FROM valid WHERE credit_code IS NULL").fetchall()
        report.rows_unlinked = int(unlinked[0][0])
    report.reasons = checked.reasons
    report.ignored_columns = checked.ignored_columns
    report.remarks = checked.remarks
    written = store.write_row_report(root, feed, report.batch_id, row_report(con, loaded.headers))
    if written is not None:
        report.rejects_path = str(written)


def feed_files_in(folder: Path) -> Iterator[tuple[str, Path]]:
    """(feed, file) for every feed file of a folder written by `laborwatch synth`.

    Recognised: <feed>/*.{parquet,csv,xlsx} and feeds/<feed>/* for a known feed name, and
    the synth's enterprises.parquet (registry) and complaints.parquet (work orders).
    """
    for name, feed_name in SYNTH_FILES.items():
        if (folder / name).is_file():
            yield feed_name, folder / name
    for base in (folder / "feeds", folder):
        for feed_name in FEEDS:
            sub = base / feed_name
            if sub.is_dir():
                for path in sorted(sub.iterdir()):
                    if path.suffix.lower() in FEED_SUFFIXES and path.is_file():
                        yield feed_name, path


def folder_deliveries(folder: Path) -> dict[Path, dt.date]:
    """The delivery day of each file a synthetic city lists in deliveries.csv (none listed:
    an empty mapping)."""
    path = folder / DELIVERIES_FILE
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            folder / row["path"]: dt.date.fromisoformat(row["arrived_on"])
            for row in csv.DictReader(handle)
        }


def ingest_folder(
    root: Path,
    folder: Path,
    *,
    today: dt.date | None = None,
    arrived: Arrived = None,
    progress: Progress | None = None,
) -> list[IngestReport]:
    """Every feed file of a folder; with `arrived` ARRIVAL_CALENDAR, a file the folder's
    deliveries.csv lists arrived on its day there (a synthetic city's late deliveries), any
    other as the calendar says."""
    files = list(feed_files_in(folder))
    deliveries = folder_deliveries(folder) if arrived == ARRIVAL_CALENDAR else {}
    overall = progress.add_task(f"数据源文件 {folder}", total=len(files)) if progress else None
    reports = []
    with store.batch_session(root) as session:
        for feed_name, path in files:
            reports.append(
                ingest_file(
                    root,
                    feed_name,
                    path,
                    today=today,
                    arrived=deliveries.get(path, arrived),
                    session=session,
                )
            )
            if progress is not None and overall is not None:
                progress.advance(overall)
    return reports
