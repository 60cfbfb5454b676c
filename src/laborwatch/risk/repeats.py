"""Rows of a batch that repeat a key: dropped as duplicates, combined, or reported as conflicts.

What a repeated key means is declared per feed (`feeds.Rollup`), and settled here after the
cells are typed (`validate`), on the `checked` table of the validation's connection:

- rows the same in every column the feed reads are duplicates: the first is kept, each
  later one is reported (重复行（与第N行完全相同）) and counted;
- rows of a feed with a rollup (one row per 险种, one per bank batch) are combined into one
  row by its rule, each combined row noted in the row report; if one row of such a group is
  bad, or the rows disagree where they must agree, the whole group is reported, not stored,
  since a partial sum would be a wrong figure;
- rows of any other feed that share a key but differ are a conflict: none of them is stored
  (which one is right cannot be told), each is reported with the rows it conflicts with.

Nothing is dropped without a line of the row report. A clean batch costs one grouping.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from laborwatch.risk.feeds import Feed

# How reasons name rows: 第12行, 第3、7行; folded to 第N行 when reasons are counted.
ROW_NUMBERS = "第[0-9、]+行"
FOLDED = "已合计"  # the reason of a row combined into another (not a rejection)
SETTLE_CHUNK_ROWS = 50_000


@dataclass(frozen=True)
class Settled:
    notes: pa.Table  # 行号, 原因: rows stored combined with others
    duplicates: int
    combined: int


@dataclass
class _Member:
    row: int
    is_bad: bool
    values: tuple[Any, ...]
    reason: str | None = None


def _rows(numbers: list[int]) -> str:
    return f"第{'、'.join(str(number) for number in numbers)}行"


def _empty_notes() -> pa.Table:
    return pa.table({"行号": pa.array([], pa.int64()), "原因": pa.array([], pa.string())})


def settle_repeats(
    con: duckdb.DuckDBPyConnection, feed: Feed, *, present: frozenset[str]
) -> Settled:
    """Settle the repeated keys of `checked`: reasons on the rows not stored, combined rows
    appended (the rows they combine marked `_folded`)."""
    rollup = feed.rollup
    if rollup is not None and rollup.across is not None and rollup.across not in present:
        rollup = None  # one row per 险种 only where the file says which 险种
    key = ", ".join(f'"{name}"' for name in feed.key)
    keyed = " AND ".join(f'"{name}" IS NOT NULL' for name in feed.key)
    # With a rollup a bad row still belongs to its group: the group must not be summed
    # without it. Otherwise only valid rows can repeat one another.
    which = f"({keyed})" if rollup is not None else "_reason IS NULL"
    con.execute(f"""
        CREATE TEMP TABLE repeated AS
        SELECT {key}, min(_source_row) AS _group FROM checked
        WHERE {which} GROUP BY ALL HAVING count(*) > 1
    """)
    if not con.sql("SELECT count(*) FROM repeated").fetchall()[0][0]:
        return Settled(_empty_notes(), 0, 0)
    names = [column.name for column in feed.read_columns]
    listed = ", ".join(f'checked."{name}"' for name in names)
    same_key = " AND ".join(f'checked."{name}" = repeated."{name}"' for name in feed.key)
    settler = _Settler(feed, names, rollup is not None)
    folded: list[pa.Table] = []  # row, group_row: rows combined into their group's first
    notes: list[pa.Table] = []
    reasons: list[pa.Table] = []
    # Group by group, a bounded number of rows at a time (the groups come in order; the last
    # group of a chunk waits for the rest of its rows): a batch of a million repeated rows
    # is never held as Python objects at once.
    con.execute(f"""
        SELECT repeated._group, checked._source_row, checked._reason IS NOT NULL, {listed}
        FROM checked JOIN repeated ON {same_key}
        WHERE {"true" if rollup is not None else "checked._reason IS NULL"}
        ORDER BY repeated._group, checked._source_row
    """)
    waiting: list[_Member] = []
    waiting_group: int | None = None
    while True:
        fetched = con.fetchmany(SETTLE_CHUNK_ROWS)
        groups: list[list[_Member]] = []
        for group, row, is_bad, *values in fetched:
            if group != waiting_group and waiting:
                groups.append(waiting)
                waiting = []
            waiting_group = int(group)
            waiting.append(_Member(int(row), bool(is_bad), tuple(values)))
        if not fetched and waiting:
            groups.append(waiting)
            waiting = []
        chunk = settler.settle_all(groups)
        folded.append(chunk.folded)
        notes.append(chunk.notes)
        reasons.append(chunk.reasons)
        if not fetched:
            break
    repeat_reasons = pa.concat_tables(reasons)
    if repeat_reasons.num_rows:
        con.register("_repeat_reasons", repeat_reasons)
        # A new table rather than an UPDATE: DuckDB holds an update's undo data in memory,
        # which a million repeated rows overflow, while a join and a sort spill to disk.
        con.execute("""
            CREATE TEMP TABLE settled AS
            SELECT checked.* REPLACE (coalesce(_repeat_reasons.reason, checked._reason) AS _reason)
            FROM checked LEFT JOIN _repeat_reasons ON checked._source_row = _repeat_reasons.row
            ORDER BY checked._source_row
        """)
        con.execute("DROP TABLE checked")
        con.execute("ALTER TABLE settled RENAME TO checked")
        con.unregister("_repeat_reasons")
    folded_rows = pa.concat_tables(folded)
    if folded_rows.num_rows and rollup is not None:
        _fold(con, feed, names, folded_rows)
    note_table = pa.concat_tables(notes).sort_by("行号")
    combined = folded_rows.num_rows - len(pc.unique(folded_rows.column("group_row")))
    return Settled(note_table, settler.duplicates, combined)


@dataclass(frozen=True)
class _Chunk:
    folded: pa.Table  # row, group_row
    notes: pa.Table  # 行号, 原因
    reasons: pa.Table  # row, reason: the rows not stored, and why


class _Settler:
    """Decides, group by group, which rows are duplicates, combined or in conflict."""

    def settle_all(self, groups: list[list[_Member]]) -> _Chunk:
        folded: list[tuple[int, int]] = []
        notes: list[tuple[int, str]] = []
        for members in groups:
            folded_rows, group_notes = self.settle(members)
            folded += folded_rows
            notes += group_notes
        reasons = [(m.row, m.reason) for ms in groups for m in ms if m.reason and not m.is_bad]
        return _Chunk(
            folded=pa.table(
                {
                    "row": pa.array([row for row, _ in folded], pa.int64()),
                    "group_row": pa.array([group for _, group in folded], pa.int64()),
                }
            ),
            notes=pa.table(
                {
                    "行号": pa.array([row for row, _ in notes], pa.int64()),
                    "原因": pa.array([text for _, text in notes], pa.string()),
                }
            ),
            reasons=pa.table(
                {
                    "row": pa.array([row for row, _ in reasons], pa.int64()),
                    "reason": pa.array([text for _, text in reasons], pa.string()),
                }
            ),
        )

    def __init__(self, feed: Feed, names: list[str], has_rollup: bool):
        self.feed = feed
        self.names = names
        self.rollup = feed.rollup if has_rollup else None
        self.duplicates = 0
        self.key_labels = "、".join(feed.column(name).label for name in feed.key)

    def settle(self, members: list[_Member]) -> tuple[list[tuple[int, int]], list[tuple[int, str]]]:
        first_with: dict[tuple[Any, ...], int] = {}
        remaining = []
        for member in members:
            earlier = first_with.setdefault(member.values, member.row)
            if earlier != member.row and not member.is_bad:
                member.reason = f"重复行（与{_rows([earlier])}完全相同）"
                self.duplicates += 1
            else:
                remaining.append(member)
        good = [member for member in remaining if not member.is_bad]
        if len(remaining) < 2 or not good:
            return [], []
        if self.rollup is None:
            self._conflict(good, f"{self.key_labels}相同但内容不同，无法判断哪一行正确")
            return [], []
        bad = [member.row for member in remaining if member.is_bad]
        if bad:
            for member in good:
                member.reason = (
                    f"与{_rows(bad)}同组（{self.key_labels}相同）须合计，该行有误，本组未入库"
                )
            return [], []
        clash = self._disagreement(good)
        if clash:
            self._conflict(good, clash)
            return [], []
        first = good[0].row
        rule = self.rollup.rule
        notes = [(first, f"与{_rows([m.row for m in good[1:]])}合计入库（{rule}）")]
        notes += [(member.row, f"已合计到{_rows([first])}入库（{rule}）") for member in good[1:]]
        return [(member.row, first) for member in good], notes

    def _disagreement(self, good: list[_Member]) -> str | None:
        """Why the group cannot be combined, or None when it can."""
        assert self.rollup is not None
        across = self.rollup.across
        if across is not None:
            index = self.names.index(across)
            seen = [member.values[index] for member in good]
            if len(set(seen)) < len(seen):
                label = self.feed.column(across).label
                return f"{self.key_labels}、{label}相同但内容不同，无法判断哪一行正确"
        agreeing = [
            name
            for name in self.names
            if name not in self.feed.key and name not in self.rollup.combined and name != across
        ]
        differing = [
            self.feed.column(name).label
            for name in agreeing
            if len({m.values[self.names.index(name)] for m in good} - {None}) > 1
        ]
        if differing:
            return f"{self.key_labels}相同须合计，但{'、'.join(differing)}不一致"
        return None

    def _conflict(self, good: list[_Member], why: str) -> None:
        for member in good:
            others = [other.row for other in good if other is not member]
            member.reason = f"与{_rows(others)}{why}"


def _fold(con: duckdb.DuckDBPyConnection, feed: Feed, names: list[str], folded: pa.Table) -> None:
    """Replace each combined group by one row (at its first row's number)."""
    rollup = feed.rollup
    assert rollup is not None
    caps = dict(rollup.capped)

    def combined(name: str) -> str:
        quoted = f'"{name}"'
        # Summed in row order: a float sum's last bits depend on its order, and DuckDB's
        # threads would otherwise choose it, so the same file would store different sums.
        if name in rollup.sums:
            return f"sum({quoted} ORDER BY _source_row)"
        if name in rollup.maxima:
            return f"max({quoted})"
        if name in caps:
            return f'least(sum({quoted} ORDER BY _source_row), max("{caps[name]}"))'
        if name == rollup.across:
            return "CAST(NULL AS VARCHAR)"
        # The group's first row's value, as the row keeps its number: the same on every run
        # (any_value would pick by thread timing).
        return f"arg_min({quoted}, _source_row)"

    con.register("_folded_rows", folded)
    columns = ", ".join(f'{combined(name)} AS "{name}"' for name in names)
    con.execute(f"""
        CREATE TEMP TABLE combined AS
        SELECT group_row AS _source_row, {columns}, CAST(NULL AS VARCHAR) AS _reason,
            false AS _folded
        FROM checked JOIN _folded_rows ON checked._source_row = _folded_rows.row
        GROUP BY group_row
    """)
    con.execute(f"""
        UPDATE checked SET _folded = true, _reason = '{FOLDED}'
        WHERE _source_row IN (SELECT row FROM _folded_rows)
    """)
    con.execute("INSERT INTO checked BY NAME SELECT * FROM combined")
