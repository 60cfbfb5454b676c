"""The log format of every process: no personal data in a log line.

A traceback names where it failed, which is what an operator needs; the exception's message
is left out because it often quotes the value that failed (openpyxl's IllegalCharacterError
quotes the cell, so the probe found a worker's name in the server log; PostgreSQL's unique
violation quotes the key; a ValidationError quotes the input). ID numbers and mobile numbers
left in a message are masked as on screen.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from laborwatch.core.masking import mask_personal_data_in_text

WITHHELD = "(message withheld: it may quote personal data)"
_CAUSE = "The above exception was the direct cause of the following exception:"
_CONTEXT = "During handling of the above exception, another exception occurred:"


class PersonalDataSafeFormatter(logging.Formatter):
    def formatMessage(self, record: logging.LogRecord) -> str:
        return mask_personal_data_in_text(super().formatMessage(record))

    def formatException(self, ei: Any) -> str:
        error = ei[1]
        return "" if error is None else "\n".join(traceback_lines(error))


def traceback_lines(error: BaseException) -> list[str]:
    """The traceback Python would print, each exception's message replaced by WITHHELD."""
    chain: list[tuple[BaseException, str]] = []  # newest first, with the link to the newer
    link = ""
    current: BaseException | None = error
    while current is not None and all(current is not seen for seen, _ in chain):
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, _CAUSE
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, _CONTEXT
        else:
            current = None
    lines: list[str] = []
    for exception, link_to_newer in reversed(chain):
        kind = type(exception)
        lines.append("Traceback (most recent call last):")
        lines.extend(line.rstrip("\n") for line in traceback.format_tb(exception.__traceback__))
        lines.append(f"{kind.__module__}.{kind.__qualname__} {WITHHELD}")
        if link_to_newer:
            lines.extend(["", link_to_newer, ""])
    return lines
