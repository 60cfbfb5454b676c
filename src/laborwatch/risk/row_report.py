"""The row report of a batch: every row not stored, and every row stored with a remark.

Written beside the feed store (`store.write_row_report`) as CSV for the department to read:
行号 (the row number it sees in its file), 处理结果 (未入库 / 已入库), 原因, then the file's
own cells under its own headers. The lines come from the batch database (`validate`) a block
at a time, so a file of millions of bad rows is reported in bounded memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import duckdb
import pyarrow as pa

ROW_REPORT_COLUMNS = ("行号", "处理结果", "原因")
NOT_STORED = "未入库"
STORED = "已入库"
REPORT_BLOCK_ROWS = 50_000
REPORT_RANGE_ROWS = 250_000


def report_headers(headers: Sequence[str]) -> list[str]:
    """The report's columns: 行号, 处理结果, 原因, then the file's headers (one the same as
    the report's own, or as another before it, gets a suffix)."""
    names = list(ROW_REPORT_COLUMNS)
    for index, name in enumerate(headers):
        header = name if name not in ROW_REPORT_COLUMNS else f"{name}（原文件）"
        if header in names:
            header = f"{header}_{index + 1}"
        names.append(header)
    return names


def row_report(con: duckdb.DuckDBPyConnection, headers: Sequence[str]) -> Iterator[pa.RecordBatch]:
    """The lines a user must read about, ordered by row: rows not stored (`checked` rows with
    a reason) and rows stored with a remark (`notes`), with the file's cells as written
    (the batch's `source` table, whose columns c1 … cN are the file's in order)."""
    cells = "".join(f", source.c{index + 1}" for index in range(len(headers)))
    # fetchall: the result is finished before the ranges' queries run on this connection.
    [(first, last)] = con.execute(
        "SELECT min(_source_row), max(_source_row) FROM source"
    ).fetchall()
    if first is None:
        return
    names = report_headers(headers)
    # A range of rows at a time: each join and sort holds one range, so a file of tens of
    # millions of bad rows is reported within the batch's memory limit (one join over the
    # whole file ran out of it on 53 million bad rows). The tables are stored in row order,
    # so a range reads only its own blocks.
    for start in range(first, last + 1, REPORT_RANGE_ROWS):
        end = start + REPORT_RANGE_ROWS
        lines = con.sql(
            f"""
            SELECT lines.row_number, lines.outcome, lines.reason{cells}
            FROM (
                SELECT _source_row AS row_number, '{NOT_STORED}' AS outcome, _reason AS reason
                FROM checked
                WHERE _reason IS NOT NULL AND NOT _folded
                    AND _source_row >= $start AND _source_row < $end
                UNION ALL
                SELECT "行号", '{STORED}', "原因" FROM notes
                WHERE "行号" >= $start AND "行号" < $end
            ) AS lines JOIN source ON source._source_row = lines.row_number
            WHERE source._source_row >= $start AND source._source_row < $end
            ORDER BY lines.row_number
            """,
            params={"start": start, "end": end},
        ).to_arrow_reader(REPORT_BLOCK_ROWS)
        yield from _report_blocks(lines, names)


def _report_blocks(lines: pa.RecordBatchReader, names: list[str]) -> Iterator[pa.RecordBatch]:
    for block in lines:
        columns = [
            block.column(0).cast(pa.int64()),
            block.column(1).cast(pa.string()),
            block.column(2).cast(pa.string()),
            *(_as_text(block.column(index)) for index in range(3, block.num_columns)),
        ]
        yield pa.RecordBatch.from_arrays(columns, names=names)


def _as_text(column: pa.Array) -> pa.Array:
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return column
    try:
        return column.cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pa.array([None if v is None else str(v) for v in column.to_pylist()], pa.string())
