"""Rows that name their enterprise but bring no credit code, linked by name to the registry.

Opinion monitoring often knows the enterprise only by the name in a post. At ingest such a
row keeps its name, and gets the credit code of the registry entry that the text engine's
linker (`laborwatch.text.link`) finds for the whole name with little doubt: a registered or
former name (not a short name or a near miss), one enterprise clearly ahead of any other.
A row left unlinked is stored all the same, without a code (it counts for no enterprise's
score), and the row report says so, with the likeliest candidate when there is one.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from laborwatch.risk.feeds import Feed
from laborwatch.text.link import FORMER, FULL, Candidate, Linker

LINK_CONFIDENCE = 0.9  # a registered name, with or without its region


def _best(linker: Linker, name: str) -> tuple[Candidate | None, Candidate | None]:
    """(the enterprise the name is, or None; the likeliest candidate otherwise)."""
    candidates = sorted(linker.link(name), key=lambda c: (-c.confidence, c.credit_code))
    if not candidates:
        return None, None
    best = candidates[0]
    rivals = [c for c in candidates[1:] if c.credit_code != best.credit_code]
    is_clear = not rivals or rivals[0].confidence < best.confidence
    if best.match_kind in (FULL, FORMER) and best.confidence >= LINK_CONFIDENCE and is_clear:
        return best, None
    return None, best


# Names linked at a time: a file of millions of names is linked in bounded memory.
LINK_CHUNK_NAMES = 10_000


def link_names(con: duckdb.DuckDBPyConnection, feed: Feed, registry_file: Path | None) -> None:
    """Fill in the credit code of each valid row of the batch's `checked` table that has a
    linked name instead, and note every row linked or left unlinked in `notes` (行号, 原因).
    Rows with a code are left as they are."""
    name_column = feed.name_column
    if name_column is None:
        return
    wanting = (
        f"checked._reason IS NULL AND checked.credit_code IS NULL"
        f' AND checked."{name_column}" IS NOT NULL'
    )
    label = feed.column(name_column).label
    if registry_file is None or not registry_file.exists():
        note = (
            f"无统一社会信用代码，企业库尚未载入，无法按{label}关联；已按名称入库，不计入企业评分"
        )
        con.execute(f"INSERT INTO notes SELECT _source_row, '{note}' FROM checked WHERE {wanting}")
        return
    # Read on a cursor of its own, a chunk at a time, while the links are written.
    names = con.cursor()
    names.execute(f'SELECT DISTINCT "{name_column}" FROM checked WHERE {wanting} ORDER BY 1')
    con.execute("CREATE TABLE links (name VARCHAR, credit_code VARCHAR, note VARCHAR)")
    linker: Linker | None = None
    while chunk := names.fetchmany(LINK_CHUNK_NAMES):
        linker = linker or Linker.from_file(registry_file)
        links = [(name, *_link(linker, name, label)) for (name,) in chunk]
        con.register(
            "_links",
            pa.table(
                {
                    field: pa.array([link[index] for link in links], pa.string())
                    for index, field in enumerate(("name", "credit_code", "note"))
                }
            ),
        )
        con.execute("INSERT INTO links SELECT * FROM _links")
        con.unregister("_links")
    names.close()
    con.execute(f"""
        INSERT INTO notes SELECT checked._source_row, links.note
        FROM checked JOIN links ON checked."{name_column}" = links.name WHERE {wanting}
    """)
    # A new table rather than an UPDATE, whose undo data DuckDB holds in memory.
    con.execute(f"""
        CREATE TABLE linked AS
        SELECT checked.* REPLACE (coalesce(checked.credit_code, links.credit_code) AS credit_code)
        FROM checked LEFT JOIN links ON checked."{name_column}" = links.name AND {wanting}
    """)
    con.execute("DROP TABLE checked")
    con.execute("ALTER TABLE linked RENAME TO checked")


def _link(linker: Linker, name: str, label: str) -> tuple[str | None, str]:
    """(the credit code the name links to or None, the row report's note)."""
    linked, likeliest = _best(linker, name)
    if linked is not None:
        return linked.credit_code, f"按{label}关联到企业库：{linked.name}（{linked.credit_code}）"
    note = f"{label}未能关联到企业库，已按名称入库，不计入企业评分"
    if likeliest is not None:
        note += f"（最接近：{likeliest.name}，{likeliest.credit_code}，须人工核对）"
    return None, note
