"""Reading a vendor's export of monitored posts: JSONL (or a JSON array), CSV (UTF-8, UTF-8
with BOM, GBK/GB18030, UTF-16 with BOM) and XLSX, told apart by their content rather than by
the file's suffix; headers in Chinese or English through data/header_aliases.csv.

A file that cannot be read as a whole (truncated, not a table, unknown encoding, no text
column) is refused with a file-level code and no posts; otherwise each bad row becomes
RowErrors and the valid rows are kept.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from laborwatch.opinion.engine.collection import collection_paused
from laborwatch.opinion.engine.records import (
    COUNT_FIELDS,
    MAX_AUTHOR_CHARS,
    MAX_TEXT_CHARS,
    MAX_TITLE_CHARS,
    CellError,
    PostIn,
    RowError,
    alias_key,
    clean_line,
    count_of,
    header_aliases,
    normalise_url,
    plain_text,
    platform_code,
    post_id_of,
    shown_value,
    time_of,
)

# Columns a table must have: the text, the time, and something that identifies a post.
REQUIRED_FIELDS = ("text", "published_at")
IDENTITY_FIELDS = ("post_id", "url")
# A title line or two above the header is common in exports (某某舆情导出 2026-05-01).
HEADER_SEARCH_ROWS = 5
# Magic numbers of files that are certainly not a table of posts.
_NOT_TABLES = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")
_OLD_EXCEL = b"\xd0\xcf\x11\xe0"
_ZIP = b"PK\x03\x04"


@dataclass
class ReadResult:
    posts: list[PostIn]
    errors: list[RowError]
    file_error: str | None = None  # a key of records.FILE_ERROR_CODES; then posts == []
    file_error_detail: str = ""  # what was missing or where it broke, for the message
    rows: int = 0  # data rows seen (kept + refused)
    format: str = ""  # "jsonl", "json", "csv", "xlsx"
    encoding: str = ""  # of a text file
    warnings: list[str] = field(default_factory=list)
    consumed: int = 0  # bytes of the file read up to this piece (read_posts_in_pieces)


def refused(code: str, detail: str = "", *, format: str = "", encoding: str = "") -> ReadResult:
    return ReadResult([], [], code, detail, format=format, encoding=encoding)


# --- files -----------------------------------------------------------------------------------


def read_posts(path: Path) -> ReadResult:
    """The posts of a vendor export, whatever its suffix says (the cycle collector paused
    while they are built: engine.collection)."""
    with collection_paused():
        return _read_posts(path)


def _read_posts(path: Path) -> ReadResult:
    data = Path(path).read_bytes()
    if not data.strip():
        return refused("empty")
    if data.startswith(_ZIP):
        return read_xlsx(data)
    if data.startswith(_OLD_EXCEL):
        return refused("unknown_format", "xls")
    if data.startswith(_NOT_TABLES):
        return refused("unknown_format")
    body = data[len(codecs.BOM_UTF8) :] if data.startswith(codecs.BOM_UTF8) else data
    if body.lstrip()[:1] == b"{" and b"\x00" not in body[:4096]:
        # JSON lines in UTF-8 (the usual export) are parsed line by line from the bytes: a
        # million lines never become one string.
        try:
            result = read_jsonl(body)
        except UnicodeDecodeError:
            pass
        else:
            result.encoding = "utf-8"
            return result
    decoded = decode(data)
    if isinstance(decoded, ReadResult):
        return decoded
    text, encoding = decoded
    if "\x00" in text[:4096]:
        return refused("unknown_format", encoding=encoding)
    start = text.lstrip()[:1]
    if start == "{":
        result = read_jsonl(text.encode("utf-8"))
    elif start == "[":
        result = read_json_array(text)
    else:
        result = read_csv(text)
    result.encoding = encoding
    return result


def decode(data: bytes) -> tuple[str, str] | ReadResult:
    """(text, encoding), or a refusal: bytes that are neither UTF-8 nor GBK; bytes that are one
    of them but stop in the middle of a character (a file cut off)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            return refused("truncated", encoding="utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), "utf-8" if encoding == "utf-8-sig" else "gbk"
        except UnicodeDecodeError as error:
            # Only the last few bytes undecodable: a multi-byte character cut in two.
            if error.start >= len(data) - 3 and error.reason == "unexpected end of data":
                return refused("truncated", encoding=encoding)
    return refused("encoding")


def read_jsonl(data: bytes) -> ReadResult:
    """One JSON object a line (UTF-8); a blank line is skipped; a line that is not an object
    is a bad row, except the last line of a file that does not end with a newline (cut off).
    Raises UnicodeDecodeError when a line is not UTF-8."""
    lines = data.split(b"\n")
    last = len(lines)
    cut_off = not data.endswith(b"\n")
    errors: list[RowError] = []
    truncated: list[int] = []

    def records() -> Iterator[tuple[int, object]]:
        for number, line in enumerate(lines, start=1):
            record = _json_line(number, line, errors)
            if record is _CUT_OFF and number == last and cut_off:
                truncated.append(number)
                return
            if record is not _BLANK and record is not _CUT_OFF:
                yield number, record

    result = parse_numbered(records())
    if truncated:
        return refused("truncated", f"第 {truncated[0]} 行", format="jsonl")
    if not result.rows and errors:
        return refused("not_records", format="jsonl")
    result.errors = sorted([*errors, *result.errors], key=lambda error: error.row)
    result.rows += len(errors)
    result.format = "jsonl"
    return result


_BLANK, _CUT_OFF = object(), object()


def _json_line(number: int, line: bytes, errors: list[RowError]) -> object:
    """The record of a line; _BLANK for a blank one; a line that is not JSON is a bad row
    (also returned as _CUT_OFF: the caller tells a last line cut off apart)."""
    if not line.strip():
        return _BLANK
    try:
        return json.loads(line)
    except json.JSONDecodeError:
        errors.append(RowError(number, "", "bad_row", shown_value(line.decode("utf-8", "replace"))))
        return _CUT_OFF


def read_posts_in_pieces(path: Path, size: int) -> Iterator[ReadResult]:
    """The posts of a vendor export, `size` rows at a time, each piece with its own row errors
    and `consumed` (bytes of the file read so far). UTF-8 JSON lines, the usual large export,
    are read line by line, so memory stays bounded by the piece; the file is first checked
    whole (UTF-8 throughout, its last line not cut off) so that a file to refuse is refused
    before any piece. Other files are read whole and handed on in pieces.

    A piece after the first may still be a refusal when no line of the file was JSON at all
    (nothing was kept before it)."""
    path = Path(path)
    total = path.stat().st_size
    if _utf8_json_lines(path):
        yield from _jsonl_pieces(path, size, total)
        return
    result = read_posts(path)
    result.consumed = total
    if result.file_error is not None or len(result.posts) <= size:
        yield result
        return
    posts = result.posts
    for start in range(0, len(posts), size):
        end = min(start + size, len(posts))
        first = start == 0
        yield ReadResult(
            posts[start:end],
            result.errors if first else [],
            rows=(result.rows - len(posts)) * first + end - start,
            format=result.format,
            encoding=result.encoding,
            warnings=result.warnings if first else [],
            consumed=total * end // len(posts),
        )


_BLOCK = 1 << 20


def _utf8_json_lines(path: Path) -> bool:
    """JSON lines in UTF-8 throughout whose last line is complete (a cut-off file is left to
    read_posts, which refuses it whole)."""
    with path.open("rb") as handle:
        head = handle.read(4096)
        body = head[len(codecs.BOM_UTF8) :] if head.startswith(codecs.BOM_UTF8) else head
        if body.lstrip()[:1] != b"{" or b"\x00" in body:
            return False
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        tail = b""
        while block := handle.read(_BLOCK):
            try:
                decoder.decode(block)
            except UnicodeDecodeError:
                return False
            tail = (tail + block)[-_BLOCK:] if b"\n" not in block else block
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    if tail.endswith(b"\n"):
        return True
    last = tail.rsplit(b"\n", 1)[-1]
    try:
        json.loads(last)
    except json.JSONDecodeError:
        return False
    return True


def _jsonl_pieces(path: Path, size: int, total: int) -> Iterator[ReadResult]:
    rows = 0
    with path.open("rb") as handle:
        numbered: list[tuple[int, object]] = []
        errors: list[RowError] = []
        consumed = 0
        for number, line in enumerate(handle, start=1):
            consumed += len(line)
            if number == 1 and line.startswith(codecs.BOM_UTF8):
                line = line[len(codecs.BOM_UTF8) :]
            line = line.removesuffix(b"\n")  # as read_jsonl splits them
            record = _json_line(number, line, errors)
            if record is not _BLANK and record is not _CUT_OFF:
                numbered.append((number, record))
            if len(numbered) >= size:
                piece = _jsonl_piece(numbered, errors, consumed)
                rows += piece.rows - len(errors)
                yield piece
                numbered, errors = [], []
        if numbered or errors:
            piece = _jsonl_piece(numbered, errors, total)
            rows += piece.rows - len(errors)
            if not rows and errors:
                yield refused("not_records", format="jsonl", encoding="utf-8")
                return
            yield piece


def _jsonl_piece(
    numbered: list[tuple[int, object]], errors: list[RowError], consumed: int
) -> ReadResult:
    result = parse_numbered(numbered)
    result.errors = sorted([*errors, *result.errors], key=lambda error: error.row)
    result.rows += len(errors)
    result.format, result.encoding, result.consumed = "jsonl", "utf-8", consumed
    return result


def read_json_array(text: str) -> ReadResult:
    try:
        records = json.loads(text)
    except json.JSONDecodeError as error:
        code = "truncated" if error.pos >= len(text.rstrip()) else "not_records"
        return refused(code, f"字符 {error.pos}", format="json")
    if not isinstance(records, list):
        return refused("not_records", format="json")
    result = parse_numbered(list(enumerate(records, start=1)))
    result.format = "json"
    return result


def read_csv(text: str) -> ReadResult:
    if text.count('"') % 2:
        # Quotes come in pairs in a well-formed CSV: an odd count is a quoted cell cut off.
        return refused("truncated", "引号未闭合", format="csv")
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    _allow_long_cells()
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if rows and not text.endswith(("\n", "\r")) and len(rows) > 1:
        header_width = max(len(row) for row in rows[:HEADER_SEARCH_ROWS])
        if len(rows[-1]) < header_width:
            return refused("truncated", f"第 {len(rows)} 行", format="csv")
    result = parse_table(rows, exact_width=True)
    result.format = "csv"
    return result


def _allow_long_cells() -> None:
    # The csv module refuses cells over 128 KiB outright; a 10 MB post must reach the length
    # check and be refused as one row, not fail the file.
    if csv.field_size_limit() < 64 * 1024 * 1024:
        csv.field_size_limit(64 * 1024 * 1024)


def read_xlsx(data: bytes) -> ReadResult:
    """The first worksheet. Formulas are read as the text written (=…), never evaluated."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except zipfile.BadZipFile:
        return refused("truncated", format="xlsx")
    except (KeyError, OSError, ValueError) as error:
        return refused("unknown_format", str(error)[:100], format="xlsx")
    try:
        rows = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    except (zipfile.BadZipFile, EOFError, OSError) as error:
        return refused("truncated", str(error)[:100], format="xlsx")
    finally:
        workbook.close()
    result = parse_table(rows)
    result.format = "xlsx"
    return result


# --- tables and records ----------------------------------------------------------------------


def find_header(rows: Sequence[Sequence[object]]) -> tuple[int, dict[str, tuple[int, str]]]:
    """(index of the header row, field → (column, header as written)); the header is the first
    of the top rows naming the most known columns."""
    aliases = header_aliases()
    best_index, best = -1, dict[str, tuple[int, str]]()
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, tuple[int, str]] = {}
        for column, cell in enumerate(row):
            if cell is None:
                continue
            written = str(cell).strip()
            name = aliases.get(alias_key(written))
            if name is not None and name not in columns:
                columns[name] = (column, written)
        if len(columns) > len(best):
            best_index, best = index, columns
    return best_index, best


def parse_table(rows: Sequence[Sequence[object]], *, exact_width: bool = False) -> ReadResult:
    """Rows of cells, the header among the first rows, numbered as a spreadsheet shows them.
    `exact_width`: every row must have as many cells as the header (CSV)."""
    if not any(any(cell not in (None, "") for cell in row) for row in rows):
        return refused("empty")
    header_index, columns = find_header(rows)
    if len(columns) < 2:
        return refused("unknown_format", "未找到表头")
    missing = [name for name in REQUIRED_FIELDS if name not in columns]
    if not any(name in columns for name in IDENTITY_FIELDS):
        missing.append("post_id/url")
    if missing:
        return refused("missing_columns", ", ".join(missing))
    posts: list[PostIn] = []
    errors: list[RowError] = []
    width = len(rows[header_index])
    seen = 0
    headers = {name: written for name, (_, written) in columns.items()}
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        if not any(cell not in (None, "") for cell in row):
            continue
        seen += 1
        if exact_width and len(row) != width:
            # A CSV row with cells more or fewer than the header was shifted by an unquoted
            # delimiter or line break: which cell is which cannot be told.
            errors.append(RowError(index + 1, "", "bad_row", shown_value(",".join(map(str, row)))))
            continue
        cells = {
            name: row[column] if column < len(row) else None
            for name, (column, _) in columns.items()
        }
        outcome = post_from_cells(index + 1, cells, headers)
        if isinstance(outcome, PostIn):
            posts.append(outcome)
        else:
            errors.extend(outcome)
    return ReadResult(posts, errors, rows=seen)


def parse_records(records: Iterable[Mapping[str, object]]) -> ReadResult:
    """Posts from mappings (an API batch, JSON objects), numbered from 1 in order."""
    return parse_numbered(list(enumerate(records, start=1)))


def parse_numbered(records: Iterable[tuple[int, object]]) -> ReadResult:
    aliases = header_aliases()
    key_maps: dict[tuple[str, ...], tuple[dict[str, str], dict[str, str]]] = {}
    posts: list[PostIn] = []
    errors: list[RowError] = []
    seen = 0
    for number, record in records:
        seen += 1
        if not isinstance(record, Mapping):
            errors.append(RowError(number, "", "bad_row", shown_value(record)))
            continue
        keys = tuple(record)
        mapped = key_maps.get(keys)
        if mapped is None:
            fields: dict[str, str] = {}
            for key in keys:
                name = aliases.get(alias_key(str(key)))
                if name is not None and name not in fields:
                    fields[name] = str(key)
            headers = {name: fields.get(name, name) for name in aliases.values()}
            mapped = key_maps[keys] = (fields, headers)
        fields, headers = mapped
        cells = {name: record[key] for name, key in fields.items()}
        outcome = post_from_cells(number, cells, headers)
        if isinstance(outcome, PostIn):
            posts.append(outcome)
        else:
            errors.extend(outcome)
    return ReadResult(posts, errors, rows=seen)


def post_from_cells(
    row: int, cells: Mapping[str, object], headers: Mapping[str, str]
) -> PostIn | list[RowError]:
    """One post from its cells by field name, or every problem of the row."""
    errors: list[RowError] = []

    def refuse(name: str, code: str) -> None:
        errors.append(RowError(row, headers.get(name, name), code, shown_value(cells.get(name))))

    url = post_id = None
    try:
        url = normalise_url(cells.get("url"))
    except CellError as error:
        refuse("url", error.code)
    try:
        post_id = post_id_of(cells.get("post_id"))
    except CellError as error:
        refuse("post_id", error.code)
    platform = "other"
    try:
        platform = platform_code(cells.get("platform"), url)
    except CellError as error:
        refuse("platform", error.code)
    if post_id is None and url is None and not errors:
        refuse("post_id" if "post_id" in cells or "url" not in cells else "url", "no_identity")
    text = title = author = ip_region = ""
    try:
        text = plain_text(cells.get("text"), MAX_TEXT_CHARS)
        if not text:
            refuse("text", "empty_text")
    except CellError as error:
        refuse("text", error.code)
    try:
        title = clean_line(cells.get("title"), MAX_TITLE_CHARS)
    except CellError as error:
        refuse("title", error.code)
    try:
        author = clean_line(cells.get("author"), MAX_AUTHOR_CHARS)
    except CellError as error:
        refuse("author", error.code)
    try:
        ip_region = clean_line(cells.get("ip_region"), MAX_AUTHOR_CHARS)
    except CellError as error:
        refuse("ip_region", error.code)
    published_at = None
    try:
        published_at = time_of(cells.get("published_at"))
    except CellError as error:
        refuse("published_at", error.code)
    counts: list[int] = []
    for name in COUNT_FIELDS:
        try:
            counts.append(count_of(cells.get(name)))
        except CellError as error:
            refuse(name, error.code)
    if errors or published_at is None:
        return errors
    reposts, comments, likes, views = counts
    return PostIn(
        row=row,
        platform=platform,
        post_id=post_id,
        url=url,
        author=author,
        published_at=published_at,
        title=title,
        text=text,
        reposts=reposts,
        comments=comments,
        likes=likes,
        views=views,
        ip_region=ip_region,
    )
