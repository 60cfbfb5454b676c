"""JSON lines in and out for the `laborwatch text` commands."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO, Any


class InputError(ValueError):
    """A line of input that is not a JSON object with a string "text", or not one a command
    can take. `problem` says what is wrong (a key of MESSAGES), so that a caller can say it
    in the user's language; the message is the English one."""

    MESSAGES = {
        "not_json": "not JSON",
        "no_text": 'expected an object with a string "text"',
        "title_not_string": '"title" must be a string',
        "unknown_category": "unknown category",
    }

    def __init__(self, line: int, problem: str, detail: str = "") -> None:
        self.line, self.problem, self.detail = line, problem, detail
        suffix = f" ({detail})" if detail else ""
        super().__init__(f"line {line}: {self.MESSAGES[problem]}{suffix}")


def read_records(stream: Iterable[str]) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(stream, start=1):
        if line.strip():
            yield parse_record(line, number)


def parse_record(line: str, number: int) -> dict[str, Any]:
    """Line `number` of the input as a record; an InputError when it is not one."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise InputError(number, "not_json", error.msg) from error
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        raise InputError(number, "no_text")
    title = record.get("title")
    if title is not None and not isinstance(title, str):
        raise InputError(number, "title_not_string")
    return record


def write_record(stream: IO[str], record: dict[str, Any]) -> None:
    stream.write(json.dumps(record, ensure_ascii=False))
    stream.write("\n")
