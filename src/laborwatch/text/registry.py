"""Reading the enterprise registry for linking: Parquet (from `laborwatch synth`), CSV, XLSX."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_LIST_SEPARATORS = re.compile(r"[;；|、\n]+")


@dataclass(frozen=True)
class RegistryEntry:
    credit_code: str
    name: str
    short_names: tuple[str, ...] = ()
    former_names: tuple[str, ...] = ()


def _as_names(value: Any) -> tuple[str, ...]:
    """A list column, a JSON-ish list, or a string of names separated by ; | 、."""
    if value is None:
        return ()
    if isinstance(value, str):
        stripped = value.strip().strip("[]")
        parts = _LIST_SEPARATORS.split(stripped) if stripped else []
        if len(parts) == 1 and "," in stripped:
            parts = stripped.split(",")
        return tuple(part.strip().strip("'\"") for part in parts if part.strip().strip("'\""))
    if isinstance(value, Iterable):
        return tuple(str(item).strip() for item in value if item and str(item).strip())
    return ()


def entry_from_row(row: Mapping[str, Any]) -> RegistryEntry:
    credit_code = str(row.get("credit_code") or "").strip()
    name = str(row.get("name") or "").strip()
    if not credit_code or not name:
        raise ValueError(f"registry row needs credit_code and name: {dict(row)!r}")
    short_names = _as_names(row.get("short_names")) + _as_names(row.get("short_name"))
    return RegistryEntry(
        credit_code=credit_code,
        name=name,
        short_names=tuple(dict.fromkeys(short_names)),
        former_names=_as_names(row.get("former_names")),
    )


def _parquet_rows(path: Path) -> Iterator[dict[str, Any]]:
    import pyarrow.parquet as parquet

    wanted = {"credit_code", "name", "short_name", "short_names", "former_names"}
    schema_names = set(parquet.read_schema(path).names)
    table = parquet.read_table(path, columns=sorted(wanted & schema_names))
    for batch in table.to_batches(max_chunksize=65536):
        yield from batch.to_pylist()


def _xlsx_rows(path: Path) -> Iterator[dict[str, Any]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = workbook.active.iter_rows(values_only=True)
        header = [str(cell or "").strip() for cell in next(rows)]
        for values in rows:
            yield dict(zip(header, values, strict=False))
    finally:
        workbook.close()


def _csv_rows(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from csv.DictReader(handle)


def read_registry(path: Path | str) -> list[RegistryEntry]:
    path = Path(path)
    readers = {".parquet": _parquet_rows, ".xlsx": _xlsx_rows, ".csv": _csv_rows}
    reader = readers.get(path.suffix.lower())
    if reader is None:
        raise ValueError(f"registry must be .parquet, .csv or .xlsx: {path}")
    return [entry_from_row(row) for row in reader(path)]
