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


def link_by_name(
    feed: Feed, rows: pa.Table, registry_file: Path | None
) -> tuple[pa.Table, list[tuple[int, str]]]:
    """The rows with the credit code of each linked name filled in, and a note per row
    linked or left unlinked (row number, note). Rows with a code are left as they are."""
    name_column = feed.name_column
    if name_column is None or not rows.num_rows:
        return rows, []
    codes = rows.column("credit_code").to_pylist()
    names = rows.column(name_column).to_pylist()
    numbers = rows.column("_source_row").to_pylist()
    wanted = sorted(
        {name for code, name in zip(codes, names, strict=True) if code is None and name}
    )
    if not wanted:
        return rows, []
    label = feed.column(name_column).label
    if registry_file is None or not registry_file.exists():
        note = (
            f"无统一社会信用代码，企业库尚未载入，无法按{label}关联；已按名称入库，不计入企业评分"
        )
        return rows, [
            (number, note)
            for number, code, name in zip(numbers, codes, names, strict=True)
            if code is None and name
        ]
    linker = Linker.from_file(registry_file)
    found = {name: _best(linker, name) for name in wanted}
    notes = []
    filled = list(codes)
    for index, (code, name) in enumerate(zip(codes, names, strict=True)):
        if code is not None or not name:
            continue
        linked, likeliest = found[name]
        if linked is not None:
            filled[index] = linked.credit_code
            notes.append(
                (numbers[index], f"按{label}关联到企业库：{linked.name}（{linked.credit_code}）")
            )
            continue
        note = f"{label}未能关联到企业库，已按名称入库，不计入企业评分"
        if likeliest is not None:
            note += f"（最接近：{likeliest.name}，{likeliest.credit_code}，须人工核对）"
        notes.append((numbers[index], note))
    position = rows.column_names.index("credit_code")
    column = pa.array(filled, pa.string())
    return rows.set_column(position, "credit_code", column), notes
