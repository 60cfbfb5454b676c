"""The warnings loop's verifications (核实: 属实 / 不属实) as samples for fitting the rules.

Each verified warning is a sample: its enterprise's indicator values on the day the warning
opened (the day's indicators.parquet of the scoring run) and whether it was found true.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from laborwatch.risk import store
from laborwatch.risk.fitting import Sample
from laborwatch.warnings.models import Warning


def verified_samples(root: Path) -> tuple[list[Sample], int]:
    """(samples, verified warnings without the indicators of their first day)."""
    by_day: dict[dt.date, list[tuple[str, str, bool]]] = defaultdict(list)
    verified = Warning.objects.filter(verified__isnull=False).values_list(
        "enterprise__credit_code", "risk_type", "first_seen_on", "verified"
    )
    for code, risk_type, day, confirmed in verified.order_by("first_seen_on", "pk"):
        by_day[day].append((code, risk_type, bool(confirmed)))
    samples: list[Sample] = []
    missing = 0
    for day, warnings in sorted(by_day.items()):
        path = store.scores_dir(root, day) / "indicators.parquet"
        if not path.is_file():
            missing += len(warnings)
            continue
        table = pq.read_table(path)
        codes = {code for code, _, _ in warnings}
        wanted = pa.array(sorted(codes), pa.string())
        rows = table.filter(pc.is_in(table.column("credit_code"), value_set=wanted))
        values = {row["credit_code"]: row for row in rows.to_pylist()}
        for code, risk_type, confirmed in warnings:
            if code not in values:
                missing += 1
                continue
            samples.append(Sample(risk_type, code, day, values[code], confirmed))
    return samples, missing
