"""JSON lines in and out for the `laborwatch text` commands."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO, Any


class InputError(ValueError):
    """A line of input that is not a JSON object with a string "text"."""


def read_records(stream: Iterable[str]) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(f"line {number}: not JSON ({error.msg})") from error
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise InputError(f'line {number}: expected an object with a string "text"')
        title = record.get("title")
        if title is not None and not isinstance(title, str):
            raise InputError(f'line {number}: "title" must be a string')
        yield record


def write_record(stream: IO[str], record: dict[str, Any]) -> None:
    stream.write(json.dumps(record, ensure_ascii=False))
    stream.write("\n")
