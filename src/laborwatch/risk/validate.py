"""Checking a feed batch against its declared schema: one vectorised pass, no row loop.

`load_source` reads the file a block at a time into the batch's DuckDB database
(`store.BatchSession`), where every later step works in bounded memory, spilling to disk:
a file of any size is checked and stored without being held in memory. `match_columns` maps
a file's headers onto the schema (English names, Chinese labels, the variants of
data/headers.csv) and refuses a file that lacks a required column: such a file is not the
feed. `validate_rows` types every cell as departments write it (16,457元, 1.2万元,
full-width digits, 首次执行 for a coded value), gives each bad row its reasons, and settles
repeated keys by the feed's declaration (`repeats`). Every row that is not stored, or is
stored combined with others, gets a line of the row report.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from laborwatch.risk.codes import PROBLEM_KEYS, credit_code_problem_indices, normalize_codes
from laborwatch.risk.feeds import STORE_TYPES, Column, Feed
from laborwatch.risk.linking import link_names
from laborwatch.risk.mappings import number_units
from laborwatch.risk.repeats import ROW_NUMBERS, settle_repeats
from laborwatch.risk.store import SOURCE_BATCH_ROWS, SourceError, SourceFile, read_with

REASON_SEPARATOR = "；"
EARLIEST_DATE = dt.date(1900, 1, 1)
CODE_PROBLEM_TEXT = {
    "length": "统一社会信用代码长度不是18位",
    "charset": "统一社会信用代码含非法字符",
    "authority": "统一社会信用代码登记管理部门码无效",
    "division": "统一社会信用代码行政区划码无效",
    "check": "统一社会信用代码校验位错误",
}
DATE_FORMATS = "['%Y-%m-%d', '%Y/%m/%d', '%Y%m%d', '%Y年%m月%d日', '%Y.%m.%d']"
MONTH_FORMATS = "['%Y-%m', '%Y/%m', '%Y%m', '%Y年%m月', '%Y.%m']"
TIMESTAMP_FORMATS = "['%Y-%m-%d %H:%M:%S', '%Y/%m/%d %H:%M:%S', '%Y-%m-%dT%H:%M:%S']"
FULL_WIDTH = ("０１２３４５６７８９．，－＋ｅＥ", "0123456789.,-+eE")
# Written around a number and meaning nothing: spaces, thousands separators, currency signs.
NUMBER_NOISE = r"[\s,￥¥]|^(RMB|人民币)"
NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"


class ColumnsError(Exception):
    """The file's columns do not fit the feed: nothing of it is loaded."""


@dataclass(frozen=True)
class Validation:
    """What checking a batch found. The rows themselves are in its batch database: `checked`
    (every row typed, `_reason` on the rows not stored, `_folded` on rows combined into
    another), `valid` (the rows to store, typed as the store keeps them, and `_source_row`,
    the file's row number: of the first row, for rows combined by the feed's rollup) and
    `notes` (行号, 原因: rows stored with a remark)."""

    rows_read: int
    rows_rejected: int  # rows not stored, duplicates included (each in the row report)
    reasons: Counter[str]
    ignored_columns: tuple[str, ...]
    duplicates: int  # rows dropped as the same as an earlier row (each also rejected)
    combined: int  # rows added into an earlier row by the feed's rollup (each in `notes`)
    remarks: tuple[str, ...]  # about the whole file, e.g. a column derived from others


@dataclass(frozen=True)
class Matched:
    columns: dict[str, int]  # the feed's columns the file has → their position in it
    ignored: tuple[str, ...]  # headers of the file that are not the feed's

    @property
    def present(self) -> frozenset[str]:
        return frozenset(self.columns)


@dataclass(frozen=True)
class Loaded:
    """A feed file loaded into the `source` table of its batch database."""

    headers: list[str]  # the file's own headers: `source` has them as c1 … cN
    matched: Matched
    text_columns: frozenset[str]  # the feed's columns read as text (all but Parquet's typed)
    float_columns: frozenset[str]  # the feed's columns of floating type (Parquet)


def _header_key(text: str) -> str:
    return "".join(text.split()).lower()


def match_columns(feed: Feed, headers: Sequence[str]) -> Matched:
    """Where the file has each of the feed's columns; ColumnsError when it lacks one it
    must have."""
    wanted: dict[str, str] = {}
    for column in feed.read_columns:
        for header in (column.name, column.label, *column.aliases):
            wanted[_header_key(header)] = column.name
    found: dict[str, int] = {}
    ignored: list[str] = []
    for index, header in enumerate(headers):
        matched = wanted.get(_header_key(header))
        if matched is None or matched in found:
            ignored.append(header)
        else:
            found[matched] = index
    missing = [column for column in feed.required_columns if column not in found]
    if missing:
        labels = "、".join(f"{feed.column(name).label}({name})" for name in missing)
        raise ColumnsError(f"缺少必需的列：{labels}；文件中的列：{'、'.join(headers)}")
    return Matched(found, tuple(ignored))


def _number_macros(con: duckdb.DuckDBPyConnection) -> None:
    """`_number_<kind>(text)`: a number as departments write it, NULL when it is not one.

    Full-width digits are folded, separators and currency signs dropped, and a unit of
    data/units.csv after the number multiplies it (1.2万元 is 12,000).
    """
    for kind, units in number_units().items():
        ordered = sorted(units, key=len, reverse=True)  # 万元 before 万
        pattern = f"^({NUMBER})({'|'.join(ordered)})?$"
        factors = " ".join(f"WHEN {_quote(unit)} THEN {factor!r}" for unit, factor in units.items())
        cleaned = (
            f"regexp_replace(translate(text, {_quote(FULL_WIDTH[0])}, {_quote(FULL_WIDTH[1])}),"
            f" {_quote(NUMBER_NOISE)}, '', 'g')"
        )
        # An expression, not a subquery: a subquery is planned as a join over every row.
        number = f"regexp_extract({cleaned}, {_quote(pattern)}, 1)"
        unit = f"regexp_extract({cleaned}, {_quote(pattern)}, 2)"
        # OR REPLACE: a run's batches share a database, which keeps the macros of the one
        # before (`store.BatchSession`).
        con.execute(f"""
            CREATE OR REPLACE MACRO "_number_{kind}"(text) AS
                TRY_CAST({number} AS DOUBLE) * CASE {unit} WHEN '' THEN 1 {factors} END
        """)


def _is_text(kind: pa.DataType) -> bool:
    return bool(
        pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_null(kind)
    )


def _text_of(column: Column) -> str:
    """The raw cell as trimmed text, NULL when empty (computed once per cell, in `cells`)."""
    return f'cells."_text_{column.name}"'


def _parsed(column: Column, is_text: bool) -> str:
    """SQL typing a raw cell to the column's kind; NULL where it does not parse."""
    cell = f'cells."{column.name}"'
    text = _text_of(column)
    kind = column.kind
    if kind == "string":
        if not column.codes:
            return text
        written = " ".join(f"WHEN {_quote(w)} THEN {_quote(code)}" for w, code in column.codes)
        return f"CASE {text} {written} ELSE {text} END"
    if kind == "code":
        return "cells._code"  # normalised with the check, in `codes.normalize_codes`
    if kind in ("count", "amount"):
        if not is_text:
            return f"TRY_CAST({cell} AS DOUBLE)"
        # The plain number is one cheap cast; the units and separators only for the rest
        # (a CASE, which DuckDB evaluates lazily per row, where COALESCE measured not to).
        plain = f"TRY_CAST({text} AS DOUBLE)"
        return f'CASE WHEN {plain} IS NOT NULL THEN {plain} ELSE "_number_{kind}"({text}) END'

    if kind == "date":
        if not is_text:
            return f"TRY_CAST({cell} AS DATE)"
        return (
            f"COALESCE(TRY_CAST({text} AS DATE),"
            f" CAST(try_strptime({text}, {DATE_FORMATS}) AS DATE))"
        )
    if kind == "month":
        if not is_text:
            return f"CAST(date_trunc('month', TRY_CAST({cell} AS DATE)) AS DATE)"
        # COALESCE evaluates a later argument only for the rows still NULL: the common
        # YYYY-MM is one cheap cast, the other formats are tried for what is left.
        return (
            f"CAST(date_trunc('month', COALESCE(TRY_CAST({text} || '-01' AS DATE),"
            f"CAST(try_strptime({text}, {MONTH_FORMATS}) AS DATE),"
            f" TRY_CAST({text} AS DATE))) AS DATE)"
        )
    if kind == "timestamp":
        if not is_text:
            return f"TRY_CAST({cell} AS TIMESTAMP)"
        return f"COALESCE(TRY_CAST({text} AS TIMESTAMP), try_strptime({text}, {TIMESTAMP_FORMATS}))"
    raise ValueError(kind)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _needs_text(column: Column, is_text: bool) -> bool:
    return is_text or column.kind == "string"


def _present(column: Column, is_text: bool, is_float: bool) -> str:
    """SQL true where the file has a value for the column (NaN in Parquet is no value)."""
    if _needs_text(column, is_text):
        return f"{_text_of(column)} IS NOT NULL"
    if is_float:
        return f'(cells."{column.name}" IS NOT NULL AND NOT isnan(cells."{column.name}"))'
    return f'cells."{column.name}" IS NOT NULL'


def _reasons(column: Column, today: dt.date, present: str) -> list[tuple[str, str]]:
    """(SQL condition, SQL reason) for each check of this column: the row has the reason
    where the condition is true."""
    value = f'cells."_value_{column.name}"'
    label = column.label
    checks: list[tuple[str, str]] = []
    if column.required:
        checks.append((f"NOT ({present})", f"'缺少{label}'"))
    if column.kind == "code":
        cases = " ".join(
            f"WHEN {PROBLEM_KEYS.index(key)} THEN '{text}'"
            for key, text in CODE_PROBLEM_TEXT.items()
        )
        problems = ", ".join(str(PROBLEM_KEYS.index(key)) for key in CODE_PROBLEM_TEXT)
        checks.append(
            (f"cells._code_problem IN ({problems})", f"CASE cells._code_problem {cases} END")
        )
        return checks
    if column.kind != "string":
        checks.append((f"{present} AND {value} IS NULL", f"'{label}格式错误'"))
    if column.kind in ("count", "amount"):
        checks.append((f"{value} < 0", f"'{label}为负数'"))
        # NOT (x <= bound) is also true for NaN and infinity (1e400 in a file).
        checks.append(
            (
                f"{value} >= 0 AND NOT ({value} <= {column.upper_bound!r})",
                f"'{label}超出合理范围（不超过{column.upper_bound:,.0f}）'",
            )
        )
    if column.kind == "count":
        checks.append(
            (
                f"{value} <= {column.upper_bound!r} AND {value} <> floor({value})",
                f"'{label}不是整数'",
            )
        )
    today_sql = f"DATE '{today.isoformat()}'"
    if column.kind in ("date", "timestamp"):
        checks.append((f"CAST({value} AS DATE) > {today_sql}", f"'{label}晚于今天'"))
        checks.append((f"{value} < DATE '{EARLIEST_DATE.isoformat()}'", f"'{label}早于1900年'"))
    if column.kind == "month":
        checks.append((f"{value} > date_trunc('month', {today_sql})", f"'{label}晚于本月'"))
    if column.allowed:
        allowed = ", ".join(_quote(item) for item in column.allowed)
        checks.append((f"{value} NOT IN ({allowed})", f"'{label}取值无效'"))
    return checks


def _reason_sql(checks: list[tuple[str, str]]) -> str:
    """SQL: the row's reasons joined, NULL for a row with none.

    The reasons' text is built only for the rows with one: a CASE, which DuckDB evaluates
    lazily, around the joining, on a test of the conditions alone (measured a third of the
    checking's time on a clean file, where joining twenty NULLs for every row was most).
    """
    reasons = ", ".join(f"CASE WHEN {condition} THEN {reason} END" for condition, reason in checks)
    if not checks:
        return "CAST(NULL AS VARCHAR)"
    any_reason = " OR ".join(f"({condition}) IS TRUE" for condition, _ in checks)
    return f"CASE WHEN {any_reason} THEN NULLIF(concat_ws('{REASON_SEPARATOR}', {reasons}), '') END"


def _checked_value(column: Column) -> str:
    """The column's value in the checked table: as parsed, or derived where it may be."""
    value = f'"_value_{column.name}"'
    if column.shortfall_of is not None:
        whole, part = column.shortfall_of
        return f'COALESCE({value}, greatest("_value_{whole}" - "_value_{part}", 0))'
    return value


def _file_remarks(feed: Feed, present: frozenset[str]) -> tuple[str, ...]:
    remarks = []
    for column in feed.columns:
        if column.shortfall_of is not None and column.name not in present:
            whole, part = (feed.column(name).label for name in column.shortfall_of)
            remarks.append(f"文件无{column.label}列，按{whole}−{part}计算（不低于0）")
    return tuple(remarks)


def validate_rows(
    con: duckdb.DuckDBPyConnection,
    feed: Feed,
    loaded: Loaded,
    *,
    today: dt.date,
    registry_file: Path | None = None,
) -> Validation:
    """Check the batch loaded in `source`: `checked`, `valid` and `notes` (see Validation).

    One pass types every cell and gives each row its reasons; repeated keys are found by a
    grouping that is empty for a clean batch, and only then settled (`repeats`); names are
    linked to the registry where the feed has them (`linking`).
    """
    columns = feed.read_columns
    found = loaded.matched.columns
    raw_columns = ", ".join(
        f'c{found[column.name] + 1} AS "{column.name}"'
        if column.name in found
        else f'CAST(NULL AS VARCHAR) AS "{column.name}"'
        for column in columns
    )
    con.execute(
        f"CREATE OR REPLACE VIEW raw AS SELECT _source_row, _code, _code_problem, {raw_columns}"
        " FROM source"
    )
    is_text = {column.name: column.name in loaded.text_columns for column in columns}
    presence = {
        column.name: _present(column, is_text[column.name], column.name in loaded.float_columns)
        for column in columns
    }
    cell_texts = "".join(
        f', NULLIF(trim(CAST(raw."{column.name}" AS VARCHAR)), \'\') AS "_text_{column.name}"'
        for column in columns
        if _needs_text(column, is_text[column.name])
    )
    values = ", ".join(
        f'{_parsed(column, is_text[column.name])} AS "_value_{column.name}"' for column in columns
    )
    checks = [
        check for column in columns for check in _reasons(column, today, presence[column.name])
    ]
    if feed.name_column is not None:
        checks.append(
            (
                f"cells._code IS NULL AND NOT ({presence[feed.name_column]})",
                f"'缺少{feed.column('credit_code').label}和{feed.column(feed.name_column).label}'",
            )
        )
    checked_columns = ", ".join(f'{_checked_value(c)} AS "{c.name}"' for c in columns)
    # Zoned timestamps are stored as Beijing wall-clock time: day windows are local days.
    con.execute("SET TimeZone = 'Asia/Shanghai'")
    _number_macros(con)
    con.execute(f"""
        CREATE TABLE checked AS
        WITH texts AS (SELECT raw.*{cell_texts} FROM raw),
        cells AS (SELECT cells.*, {values} FROM texts AS cells)
        SELECT _source_row, {checked_columns},
            {_reason_sql(checks)} AS _reason,
            false AS _folded
        FROM cells
    """)
    settled = settle_repeats(con, feed, present=loaded.matched.present)
    link_names(con, feed, registry_file)
    typed = ", ".join(
        f'CAST("{column.name}" AS {STORE_TYPES[column.kind]}) AS "{column.name}"'
        for column in feed.columns
    )
    con.execute(
        f"CREATE VIEW valid AS SELECT {typed}, _source_row FROM checked WHERE _reason IS NULL"
    )
    reason_rows = con.sql(f"""
        SELECT item, count(*) FROM (
            SELECT unnest(string_split(regexp_replace(_reason, '{ROW_NUMBERS}', '第N行', 'g'),
                                       '{REASON_SEPARATOR}')) AS item
            FROM checked WHERE _reason IS NOT NULL AND NOT _folded
        ) GROUP BY item
    """).fetchall()
    return Validation(
        rows_read=_count(con, "source"),
        rows_rejected=_count(con, "checked WHERE _reason IS NOT NULL AND NOT _folded"),
        reasons=Counter({str(item): int(count) for item, count in reason_rows}),
        ignored_columns=loaded.matched.ignored,
        duplicates=settled.duplicates,
        combined=settled.combined,
        remarks=_file_remarks(feed, loaded.matched.present),
    )


def _count(con: duckdb.DuckDBPyConnection, rows: str) -> int:
    return int(con.sql(f"SELECT count(*) FROM {rows}").fetchall()[0][0])


def load_source(
    con: duckdb.DuckDBPyConnection,
    feed: Feed,
    path: Path,
    *,
    on_bytes: Callable[[int], None] | None = None,
) -> Loaded:
    """Read the file a block at a time into the `source` table: its cells as c1 … cN, the
    row number users see (`_source_row`), and the credit code normalised with its problem
    (`_code`, `_code_problem`, checked here in numpy a block at a time). Raises SourceError
    for a file that cannot be read and ColumnsError for one that is not the feed."""

    def load(source: SourceFile) -> Loaded:
        matched = match_columns(feed, source.headers)
        code_at = matched.columns.get("credit_code")
        if _reads_natively(path, source, code_at):
            _load_parquet(con, path, source, code_at)
        else:
            empty = pa.RecordBatch.from_arrays(
                [pa.array([], field.type) for field in source.schema], schema=source.schema
            )
            con.register("_block", _numbered(empty, source.first_row, code_at))
            # CREATE OR REPLACE: a second encoding tried starts afresh.
            con.execute("CREATE OR REPLACE TABLE source AS SELECT * FROM _block")
            next_row = source.first_row
            for batch in source.batches:
                con.register("_block", _numbered(batch, next_row, code_at))
                con.execute("INSERT INTO source SELECT * FROM _block")
                next_row += batch.num_rows
            con.unregister("_block")
        types = {name: source.schema.field(index).type for name, index in matched.columns.items()}
        return Loaded(
            headers=source.headers,
            matched=matched,
            text_columns=frozenset(
                column.name
                for column in feed.read_columns
                if column.name not in types or _is_text(types[column.name])
            ),
            float_columns=frozenset(
                name for name, kind in types.items() if pa.types.is_floating(kind)
            ),
        )

    return read_with(path, load, on_bytes)


def _reads_natively(path: Path, source: SourceFile, code_at: int | None) -> bool:
    """Whether DuckDB reads the file into `source` itself (`_load_parquet`): a Parquet file
    whose headers are unique (DuckDB would rename a repeated one) and whose credit code, if
    it has one, is text."""
    if path.suffix.lower() != ".parquet" or len(set(source.headers)) != len(source.headers):
        return False
    return code_at is None or pa.types.is_string(source.schema.field(code_at).type)


def _load_parquet(
    con: duckdb.DuckDBPyConnection, path: Path, source: SourceFile, code_at: int | None
) -> None:
    """`source` as `_numbered` blocks make it, with the cells read by DuckDB's own Parquet
    reader (handing every column over from Arrow was most of a file's loading); the credit
    codes are still normalised and checked in numpy, read a block at a time beside it and
    joined by position. A normalised code the same as the file's is not handed over."""
    cells = ", ".join(
        f"cells.{_identifier(name)} AS c{index + 1}" for index, name in enumerate(source.headers)
    )
    rows = f"cells.file_row_number + {source.first_row} AS _source_row"
    scan = f"read_parquet({_quote(str(path))}, file_row_number = true) AS cells"
    if code_at is None:
        _execute_reading(
            con,
            path,
            f"""
            CREATE OR REPLACE TABLE source AS
            SELECT {cells}, {rows}, CAST(NULL AS VARCHAR) AS _code,
                CAST(0 AS TINYINT) AS _code_problem
            FROM {scan}
            """,
        )
        return
    schema = pa.schema([("changed", pa.string()), ("problem", pa.int8())])

    def checked_codes() -> Iterator[pa.RecordBatch]:
        with pq.ParquetFile(path) as parquet:
            name = source.headers[code_at]
            for batch in parquet.iter_batches(batch_size=SOURCE_BATCH_ROWS, columns=[name]):
                written = batch.column(0)
                codes = normalize_codes(written)
                changed = pa.nulls(len(codes), pa.string()) if codes is written else codes
                problems = pa.array(credit_code_problem_indices(codes, normalized=True), pa.int8())
                yield pa.RecordBatch.from_arrays([changed, problems], schema=schema)

    code = f"cells.{_identifier(source.headers[code_at])}"
    con.register("_codes", pa.RecordBatchReader.from_batches(schema, checked_codes()))
    try:
        _execute_reading(
            con,
            path,
            f"""
            CREATE OR REPLACE TABLE source AS
            SELECT {cells}, {rows}, coalesce(codes.changed, {code}) AS _code,
                codes.problem AS _code_problem
            FROM {scan} POSITIONAL JOIN _codes AS codes
            """,
        )
    finally:
        con.unregister("_codes")


# Errors of the query or the batch's memory, not of the file.
_NOT_THE_FILE = (
    duckdb.OutOfMemoryException,
    duckdb.ParserException,
    duckdb.BinderException,
    duckdb.CatalogException,
)


def _execute_reading(con: duckdb.DuckDBPyConnection, path: Path, query: str) -> None:
    """Run a query that reads the file: a file DuckDB cannot read is a SourceError, as one
    Arrow cannot read is (`store.read_with`)."""
    try:
        con.execute(query)
    except _NOT_THE_FILE:
        raise
    except duckdb.Error as error:  # a damaged page reads as a plain duckdb.Error
        raise SourceError(f"文件无法读取：{path.name}（{error}）") from error


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _numbered(batch: pa.RecordBatch, first_row: int, code_at: int | None) -> pa.Table:
    """A block of the file as `source` holds it (see `load_source`)."""
    rows = np.arange(first_row, first_row + batch.num_rows, dtype=np.int64)
    if code_at is not None:
        codes = normalize_codes(batch.column(code_at))
        problems = credit_code_problem_indices(codes, normalized=True)
    else:
        codes = pa.nulls(batch.num_rows, pa.string())
        problems = np.zeros(batch.num_rows, dtype=np.int8)
    names = [f"c{index + 1}" for index in range(batch.num_columns)]
    return pa.table(
        [*batch.columns, pa.array(rows), codes, pa.array(problems, pa.int8())],
        names=[*names, "_source_row", "_code", "_code_problem"],
    )
