"""The SQL shared by the monthly-drop families (tax revenue, electricity use): how far the data
month fell below the trailing average, and whether the last two months both did.

Grain: one row per enterprise (key) with a row in its data month (data_month.py: the
reference month, or up to `backs` months before it), as of $as_of; without one, missing.
Not a family itself: tax.py and utilities.py each produce their view from it.
"""

from collections.abc import Sequence

from laborwatch.risk.indicators.data_month import (
    data_month_ctes,
    month_offset,
    month_slice,
    reference_cte,
)


def drop_indicators(prefix: str) -> tuple[str, str]:
    """The family's two indicators: `<prefix>_drop` and `<prefix>_sustained_drop`."""
    return f"{prefix}_drop", f"{prefix}_sustained_drop"


def drop_sql(
    *, feed: str, column: str, prefix: str, min_trailing: str, backs: Sequence[int]
) -> str:
    """The family's SQL: its two indicators (`drop_indicators(prefix)`) from `feed`.`column`,
    zero unless the trailing average reaches the parameter `min_trailing`.

    The months averaged are those with a row: a quarterly filer's quarters compare with its
    earlier quarters, never with the empty months between them.
    """
    drop, sustained_drop = drop_indicators(prefix)
    per_month = {
        "latest": "max(CASE WHEN month_offset = -{back} THEN value END)",
        "previous": "max(CASE WHEN month_offset = -{back} - 1 THEN value END)",
        "earlier_average": "avg(CASE WHEN month_offset < -{back} - 1 AND month_offset >= -{back}"
        " - $trailing_months THEN value END)",
        "trailing_average": "avg(CASE WHEN month_offset < -{back} AND month_offset >= -{back}"
        " - $trailing_months THEN value END)",
    }
    monthly = f"""
SELECT enterprise_key, {month_offset()} AS month_offset, {column} AS value
FROM {month_slice(feed)} CROSS JOIN reference
WHERE "month" >= $recent_start AND "month" <= $latest_month
"""
    chosen = data_month_ctes(
        "chosen",
        rows=monthly,
        keys=("enterprise_key",),
        per_month=per_month,
        backs=backs,
        where=f"month_offset >= -{max(backs)} - $trailing_months AND month_offset <= 0",
    )
    return f"""
WITH {reference_cte(feed)},
{chosen}
SELECT
    enterprise_key,
    CASE WHEN trailing_average >= ${min_trailing} AND latest IS NOT NULL
        THEN greatest(0.0, 1.0 - latest / trailing_average)
        ELSE 0.0 END AS {drop},
    -- both of the last two months below the months before them: a one-month dip is not
    CASE WHEN earlier_average >= ${min_trailing} AND latest IS NOT NULL AND previous IS NOT NULL
        THEN greatest(0.0, 1.0 - greatest(latest, previous) / earlier_average)
        ELSE 0.0 END AS {sustained_drop}
FROM chosen
"""
