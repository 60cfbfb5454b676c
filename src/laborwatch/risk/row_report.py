"""The row report of a batch: every row not stored, and every row stored with a remark.

Written beside the feed store (`store.write_row_report`) as CSV for the department to read:
行号 (the row number it sees in its file), 处理结果 (未入库 / 已入库), 原因, then the file's
own cells under its own headers.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

ROW_REPORT_COLUMNS = ("行号", "处理结果", "原因")
NOT_STORED = "未入库"
STORED = "已入库"


def row_report(
    source: pa.Table, first_row_number: int, rejects: pa.Table, notes: pa.Table
) -> pa.Table:
    """The rows a user must read about: 行号, 处理结果 (未入库 / 已入库), 原因, then the cells
    of the file as written (its own headers), ordered by row."""
    parts = []
    for table, outcome in ((rejects, NOT_STORED), (notes, STORED)):
        if table.num_rows:
            parts.append(
                pa.table(
                    {
                        ROW_REPORT_COLUMNS[0]: table.column(0).cast(pa.int64()),
                        ROW_REPORT_COLUMNS[1]: pa.repeat(outcome, table.num_rows),
                        ROW_REPORT_COLUMNS[2]: table.column(1).cast(pa.string()),
                    }
                )
            )
    if not parts:
        return pa.table({name: pa.array([], pa.string()) for name in ROW_REPORT_COLUMNS})
    lines = pa.concat_tables(parts).sort_by(ROW_REPORT_COLUMNS[0])
    positions = pc.subtract(lines.column(0), first_row_number)
    cells = source.take(positions)
    for index, name in enumerate(cells.column_names):
        header = name if name not in ROW_REPORT_COLUMNS else f"{name}（原文件）"
        if header in lines.column_names:
            header = f"{header}_{index + 1}"
        lines = lines.append_column(header, _as_text(cells.column(index)))
    return lines


def _as_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return column
    try:
        return column.cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pa.chunked_array(
            [pa.array([None if v is None else str(v) for v in column.to_pylist()], pa.string())]
        )
