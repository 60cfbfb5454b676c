"""No personal data in the logs: the probe's 500 left a worker's name in the server log, inside
the message of openpyxl's IllegalCharacterError."""

from __future__ import annotations

import io
import logging

import pytest
from django.test import Client

from laborwatch.core.log_format import WITHHELD, PersonalDataSafeFormatter, traceback_lines
from laborwatch.workers.models import Worker
from tests.conftest import SHINAN_ID_NUMBER, SHINAN_PHONE

NAME = "X\x1b\x0bY张三丰"


class IllegalCharacterError(ValueError):
    pass


class _QuotingCheck:
    """Stands for the writer's character check: refuses a value, quoting it as openpyxl's
    IllegalCharacterError did."""

    def sub(self, replacement: str, value: str) -> str:
        if "\x1b" in value:
            raise IllegalCharacterError(f"{value} cannot be used in worksheets.")
        return value


@pytest.fixture
def server_log():
    """What the configured console handler writes (the server's stderr)."""
    (handler,) = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    stream = io.StringIO()
    # Swapped by hand: setStream() would flush the previous stream, which pytest's capture of
    # an earlier test may have closed.
    previous, handler.stream = handler.stream, stream
    yield stream
    handler.stream = previous


def test_the_console_handler_uses_the_safe_format() -> None:
    (handler,) = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    assert isinstance(handler.formatter, PersonalDataSafeFormatter)


@pytest.mark.django_db
def test_a_failing_export_leaves_no_name_in_the_log(
    registry, centre_staff, server_log, monkeypatch
):
    # The writer failing as openpyxl did before illegal characters were dropped: an error
    # whose message quotes the cell (the name), raised inside lib/xlsx.py.
    monkeypatch.setattr("laborwatch.lib.xlsx._ILLEGAL", _QuotingCheck())
    Worker.objects.filter(pk=registry.shinan_worker.pk).update(name=NAME)
    client = Client(raise_request_exception=False)
    client.force_login(centre_staff)
    response = client.get("/workers/?format=xlsx")
    assert response.status_code == 500
    log = server_log.getvalue()
    assert "Internal Server Error: /workers/" in log
    assert f"{__name__}.IllegalCharacterError {WITHHELD}" in log
    assert 'File "' in log and "xlsx.py" in log  # where it failed stays
    assert "张三丰" not in log and "X\x1b" not in log


def test_chained_exceptions_keep_their_frames_and_lose_their_messages() -> None:
    try:
        try:
            raise KeyError(f"电话 {SHINAN_PHONE}")
        except KeyError as inner:
            raise ValueError(f"身份证 {SHINAN_ID_NUMBER}") from inner
    except ValueError as error:
        lines = traceback_lines(error)
    text = "\n".join(lines)
    assert SHINAN_PHONE not in text and SHINAN_ID_NUMBER not in text
    assert lines.count("Traceback (most recent call last):") == 2
    assert f"builtins.KeyError {WITHHELD}" in lines
    assert lines[-1] == f"builtins.ValueError {WITHHELD}"
    assert "The above exception was the direct cause of the following exception:" in lines


def test_phones_and_id_numbers_in_a_message_are_masked(server_log) -> None:
    logging.getLogger("laborwatch.test").warning(
        "sweep failed for %s / %s", SHINAN_PHONE, SHINAN_ID_NUMBER
    )
    line = server_log.getvalue()
    assert "sweep failed for 138****5678 / 370202********1237" in line
