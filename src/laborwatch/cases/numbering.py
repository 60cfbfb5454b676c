"""Numbers of work orders and group cases: prefix, local date received, a per-year sequence.

GD20260930000042 is the 42nd work order of 2026, received on 30 September (Beijing time);
QT2026093000007 the 7th group case of 2026. The sequence is taken from the year's
NumberSequence row by the transaction that inserts the row being numbered, so numbers are
unique, and gapless within a year: a transaction that rolls back gives its number back.
The sequence row stays locked until that transaction ends, so intakes of one year take their
numbers one after another (SQLite serialises writers anyway).

Numbers issued before the sequences existed were GD/QT, the date and the row's id; the
migration that created the sequences started each year after the highest of those.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

from laborwatch.cases.models import NumberSequence

CASE_PREFIX, GROUP_PREFIX = "GD", "QT"
DIGITS = {CASE_PREFIX: 6, GROUP_PREFIX: 5}  # of the sequence, after the date


def next_number(prefix: str, received_at: dt.datetime) -> str:
    """The next number of `prefix` in the local year of `received_at`; call inside the
    transaction.atomic() block that saves the numbered row."""
    local = timezone.localtime(received_at)
    issued = take_sequence(prefix, local.year)
    return f"{prefix}{local:%Y%m%d}{issued:0{DIGITS[prefix]}d}"


def take_sequence(prefix: str, year: int) -> int:
    """The next number of `prefix` in `year` (1 for the first); call inside the
    transaction.atomic() block that saves the numbered row. Also numbers issued reports."""
    table = connection.ops.quote_name(NumberSequence._meta.db_table)
    # One statement both starts a year and takes its next number, race-free on SQLite and
    # PostgreSQL alike; the ORM has no increment-and-return.
    sql = (
        f"INSERT INTO {table} (prefix, year, issued) VALUES (%s, %s, 1) "
        f"ON CONFLICT (prefix, year) DO UPDATE SET issued = {table}.issued + 1 "
        "RETURNING issued"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [prefix, year])
        (issued,) = cursor.fetchone()
    return int(issued)
