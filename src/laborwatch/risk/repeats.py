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

Nothing is dropped without a line of the row report. A clean batch costs one grouping; the
rest is SQL too, a range of groups at a time (SETTLE_RANGE_ROWS rows of the file), so that a
file of millions of repeated rows, or one key repeated a million times, is settled in the
batch database's bounded memory. A reason names at most ROWS_NAMED
other rows (第3、7、…等120行).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from laborwatch.risk.feeds import Feed, Rollup

# How reasons name rows: 第12行, 第3、7行, 第3、7等120行; folded to 第N行 when reasons are counted.
ROW_NUMBERS = "第[0-9、]+(等[0-9]+)?行"
FOLDED = "已合计"  # the reason of a row combined into another (not a rejection)
ROWS_NAMED = 20  # a reason names at most this many other rows, then says how many in all
# Repeated keys are settled a range of groups at a time, each range about this many rows of
# the file, so that every join and grouping of a range fits the batch's memory limit (the
# whole of a 2 GB file of one row per 险种 did not: 29 million rows in groups of five).
SETTLE_RANGE_ROWS = 250_000
RANGE_BLOCK_ROWS = 4_096  # ranges are made of blocks of this many first rows of groups


@dataclass(frozen=True)
class Settled:
    duplicates: int
    combined: int


def _rows(rows: str, total: str) -> str:
    """SQL naming the rows of a list as reasons do, with their total beyond the list."""
    return (
        f"'第' || array_to_string({rows}, '、') ||"
        f" CASE WHEN {total} > len({rows}) THEN '等' || {total} || '行' ELSE '行' END"
    )


def settle_repeats(
    con: duckdb.DuckDBPyConnection, feed: Feed, *, present: frozenset[str]
) -> Settled:
    """Settle the repeated keys of `checked`: reasons on the rows not stored, combined rows
    added (the rows they combine marked `_folded`), the combined rows' remarks in `notes`
    (行号, 原因), which this creates."""
    con.execute('CREATE TABLE notes ("行号" BIGINT, "原因" VARCHAR)')
    rollup = feed.rollup
    if rollup is not None and rollup.across is not None and rollup.across not in present:
        rollup = None  # one row per 险种 only where the file says which 险种
    key = ", ".join(f'"{name}"' for name in feed.key)
    keyed = " AND ".join(f'"{name}" IS NOT NULL' for name in feed.key)
    # With a rollup a bad row still belongs to its group: the group must not be summed
    # without it. Otherwise only valid rows can repeat one another.
    which = f"({keyed})" if rollup is not None else "_reason IS NULL"
    con.execute(f"""
        CREATE TABLE repeated AS
        SELECT {key}, min(_source_row) AS _group, max(_source_row) AS _last,
            count(*) AS _rows
        FROM checked WHERE {which} GROUP BY ALL HAVING count(*) > 1
    """)
    ranges = _group_ranges(con)
    if not ranges:
        con.execute("DROP TABLE repeated")
        return Settled(0, 0)
    con.execute("CREATE TABLE outcomes (source_row BIGINT, reason VARCHAR, group_row BIGINT)")
    con.execute("CREATE TABLE combined AS SELECT * FROM checked LIMIT 0")
    duplicates = combined = 0
    for first_group, end_group, last_row in ranges:
        settled = _settle_range(con, feed, rollup, first_group, end_group, last_row)
        duplicates += settled.duplicates
        combined += settled.combined
    _replace_checked(con)
    for table in ("repeated", "outcomes", "combined"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    return Settled(duplicates, combined)


def _group_ranges(con: duckdb.DuckDBPyConnection) -> list[tuple[int, int, int]]:
    """(first group, end group, last row) of ranges of `repeated` groups, each range holding
    about SETTLE_RANGE_ROWS rows of the file (a group is never split, so one key repeated
    more often makes a range of its own). The rows of a range's groups lie between its
    first group and its last row: a range reads only those blocks of `checked`."""
    blocks = con.execute(f"""
        SELECT _group // {RANGE_BLOCK_ROWS} AS block, min(_group), sum(_rows), max(_last)
        FROM repeated GROUP BY block ORDER BY block
    """).fetchall()
    ranges: list[tuple[int, int, int]] = []
    rows = 0
    for block, first_group, block_rows, last_row in blocks:
        end_group = (block + 1) * RANGE_BLOCK_ROWS
        if ranges and rows + block_rows <= SETTLE_RANGE_ROWS:
            start, _, last = ranges[-1]
            ranges[-1] = (start, end_group, max(last, last_row))
            rows += block_rows
        else:
            ranges.append((first_group, end_group, last_row))
            rows = block_rows
    return ranges


def _settle_range(
    con: duckdb.DuckDBPyConnection,
    feed: Feed,
    rollup: Rollup | None,
    first_group: int,
    end_group: int,
    last_row: int,
) -> Settled:
    """Settle the groups of `repeated` from `first_group` up to `end_group` (their rows no
    further than `last_row`): their lines added to `outcomes` and `notes`, their combined
    rows to `combined`."""
    names = [column.name for column in feed.read_columns]
    listed = ", ".join(f'checked."{name}"' for name in names)
    same_key = " AND ".join(f'checked."{name}" = repeated."{name}"' for name in feed.key)
    every = ", ".join(f'"{name}"' for name in names)
    same_values = " AND ".join(
        f'keyed."{name}" IS NOT DISTINCT FROM firsts."{name}"' for name in names
    )
    params = {"first": first_group, "end": end_group, "last": last_row}
    # Every row of a repeated key; a valid row the same in every column as an earlier row of
    # its key is a duplicate of the first such row. Groupings and joins rather than windows
    # over a key's rows, which DuckDB would hold whole for a key repeated a million times.
    con.execute(
        f"""
        CREATE TABLE members AS
        WITH keyed AS (
            SELECT repeated._group, checked._source_row AS source_row,
                checked._reason IS NOT NULL AS is_bad, {listed}
            FROM checked JOIN repeated ON {same_key}
            WHERE {"true" if rollup is not None else "checked._reason IS NULL"}
                AND repeated._group >= $first AND repeated._group < $end
                AND checked._source_row >= $first AND checked._source_row <= $last
        ),
        firsts AS (
            SELECT _group, {every}, min(source_row) AS first_same FROM keyed GROUP BY ALL
        )
        SELECT keyed.*, firsts.first_same,
            NOT keyed.is_bad AND keyed.source_row <> firsts.first_same AS is_duplicate
        FROM keyed JOIN firsts ON keyed._group = firsts._group AND {same_values}
        """,
        params,
    )
    con.execute(f"""
        CREATE TABLE groups AS
        SELECT _group, count(*) FILTER (NOT is_bad) AS good,
            min(source_row) FILTER (NOT is_bad) AS first_good,
            count(*) FILTER (is_bad) AS bad,
            min(source_row, {ROWS_NAMED}) FILTER (is_bad) AS bad_rows,
            min(source_row, {ROWS_NAMED + 1}) FILTER (NOT is_bad) AS good_rows,
            {_why(feed, names, rollup is not None)} AS why
        FROM members WHERE NOT is_duplicate
        GROUP BY _group HAVING count(*) > 1 AND count(*) FILTER (NOT is_bad) > 0
    """)
    key_labels = "、".join(feed.column(name).label for name in feed.key)
    others = f"list_filter(groups.good_rows, lambda x: x <> members.source_row)[1:{ROWS_NAMED}]"
    named_others = _rows(others, "groups.good - 1")
    rule = rollup.rule if rollup is not None else ""
    is_combined = "groups.why IS NULL AND groups.bad = 0" if rollup is not None else "false"
    # One line per valid row of a repeated key that is not stored as it is: its reason, or
    # the remark of a combined row and the row it is combined into.
    con.execute(f"""
        CREATE TABLE range_outcomes AS
        SELECT members.source_row,
            CASE WHEN members.is_duplicate
                    THEN '重复行（与第' || members.first_same || '行完全相同）'
                WHEN groups.why IS NOT NULL THEN '与' || {named_others} || groups.why
                WHEN groups.bad > 0 THEN '与' || {_rows("groups.bad_rows", "groups.bad")}
                    || '同组（{key_labels}相同）须合计，该行有误，本组未入库'
            END AS reason,
            CASE WHEN NOT ({is_combined}) THEN NULL
                WHEN members.source_row = groups.first_good
                    THEN '与' || {named_others} || '合计入库（{rule}）'
                ELSE '已合计到第' || groups.first_good || '行入库（{rule}）'
            END AS note,
            CASE WHEN {is_combined} THEN groups.first_good END AS group_row
        FROM members LEFT JOIN groups ON members._group = groups._group
            AND NOT members.is_duplicate
        WHERE NOT members.is_bad AND (members.is_duplicate OR groups._group IS NOT NULL)
        ORDER BY members.source_row
    """)
    con.execute(
        "INSERT INTO notes SELECT source_row, note FROM range_outcomes WHERE note IS NOT NULL"
    )
    con.execute("INSERT INTO outcomes SELECT source_row, reason, group_row FROM range_outcomes")
    duplicates = con.sql("SELECT count(*) FROM members WHERE is_duplicate").fetchall()[0][0]
    combined = con.sql(
        "SELECT count(group_row) - count(DISTINCT group_row) FROM range_outcomes"
    ).fetchall()[0][0]
    if combined and rollup is not None:
        _fold(con, feed, names, {"first": first_group, "last": last_row})
    for table in ("members", "groups", "range_outcomes"):
        con.execute(f"DROP TABLE {table}")
    return Settled(int(duplicates), int(combined))


def _replace_checked(con: duckdb.DuckDBPyConnection) -> None:
    """`checked` again with the settled reasons (`outcomes`) and the combined rows: built
    a range of rows at a time, each range joining only its own outcomes, in row order."""
    [(first, last)] = con.execute(
        "SELECT min(_source_row), max(_source_row) FROM checked"
    ).fetchall()
    # A new table rather than an UPDATE: DuckDB holds an update's undo data in memory,
    # which a million repeated rows overflow, while a join spills to disk.
    con.execute("CREATE TABLE settled AS SELECT * FROM checked LIMIT 0")
    for start in range(first, last + 1, SETTLE_RANGE_ROWS):
        con.execute(
            f"""
            INSERT INTO settled
            SELECT checked.* REPLACE (
                CASE WHEN outcomes.group_row IS NOT NULL THEN '{FOLDED}'
                    ELSE coalesce(outcomes.reason, checked._reason) END AS _reason,
                coalesce(outcomes.group_row IS NOT NULL, false) AS _folded)
            FROM checked LEFT JOIN (
                SELECT * FROM outcomes WHERE source_row >= $start AND source_row < $end
            ) AS outcomes ON checked._source_row = outcomes.source_row
            WHERE checked._source_row >= $start AND checked._source_row < $end
            ORDER BY checked._source_row
            """,
            {"start": start, "end": start + SETTLE_RANGE_ROWS},
        )
    con.execute("INSERT INTO settled SELECT * FROM combined")
    con.execute("DROP TABLE checked")
    con.execute("ALTER TABLE settled RENAME TO checked")


def _why(feed: Feed, names: list[str], has_rollup: bool) -> str:
    """SQL: why a group's valid rows are a conflict, none stored; NULL where they are not
    (a rollup's group is combined unless it has a bad row or its rows disagree)."""
    key_labels = "、".join(feed.column(name).label for name in feed.key)
    if not has_rollup:
        return f"'{key_labels}相同但内容不同，无法判断哪一行正确'"
    rollup = feed.rollup
    assert rollup is not None
    good = "FILTER (NOT is_bad)"
    cases = []
    if rollup.across is not None:
        across = f'"{rollup.across}"'
        label = feed.column(rollup.across).label
        # Two rows of one 险种 (an empty 险种 counts as one more value).
        cases.append(
            f"WHEN count(DISTINCT {across}) {good}"
            f" + coalesce(max(CASE WHEN {across} IS NULL THEN 1 ELSE 0 END) {good}, 0)"
            f" < count(*) {good}"
            f" THEN '{key_labels}、{label}相同但内容不同，无法判断哪一行正确'"
        )
    agreeing = [
        name
        for name in names
        if name not in feed.key and name not in rollup.combined and name != rollup.across
    ]
    differing = ", ".join(
        f"CASE WHEN count(DISTINCT \"{name}\") {good} > 1 THEN '{feed.column(name).label}' END"
        for name in agreeing
    )
    if differing:
        cases.append(
            f"WHEN concat_ws('、', {differing}) <> ''"
            f" THEN '{key_labels}相同须合计，但' || concat_ws('、', {differing}) || '不一致'"
        )
    return f"CASE {' '.join(cases)} END" if cases else "CAST(NULL AS VARCHAR)"


def _exact_sum(column: str) -> str:
    """SQL: the sum of a number column the same whatever the order of its rows. A float
    sum's last bits depend on its order, which DuckDB's threads choose, so the same file
    would store different sums; a decimal sum (to a millionth, of values below 10^13) is
    exact. Measured 4x faster than a sum in row order (sum(x ORDER BY row))."""
    return f"CAST(sum(CAST({column} AS DECIMAL(38, 6))) AS DOUBLE)"


def _fold(
    con: duckdb.DuckDBPyConnection, feed: Feed, names: list[str], params: dict[str, int]
) -> None:
    """Add to `combined` one row for each combined group of the range's outcomes (at its
    first row's number)."""
    rollup = feed.rollup
    assert rollup is not None
    caps = dict(rollup.capped)

    def combined(name: str) -> str:
        quoted = f'"{name}"'
        if name in rollup.sums:
            return _exact_sum(quoted)
        if name in rollup.maxima:
            return f"max({quoted})"
        if name in caps:
            return f'least({_exact_sum(quoted)}, max("{caps[name]}"))'
        if name == rollup.across:
            return "CAST(NULL AS VARCHAR)"
        # The group's first row's value, as the row keeps its number: the same on every run
        # (any_value would pick by thread timing).
        return f"arg_min({quoted}, _source_row)"

    columns = ", ".join(f'{combined(name)} AS "{name}"' for name in names)
    con.execute(
        f"""
        INSERT INTO combined BY NAME
        SELECT group_row AS _source_row, {columns}, CAST(NULL AS VARCHAR) AS _reason,
            false AS _folded
        FROM checked JOIN range_outcomes AS outcomes
            ON checked._source_row = outcomes.source_row
        WHERE outcomes.group_row IS NOT NULL
            AND checked._source_row >= $first AND checked._source_row <= $last
        GROUP BY group_row
        """,
        params,
    )
