"""The month a monthly feed's indicators speak for, and the values of that month (point in time).

Not a family itself: social_insurance.py, monthly_drop.py and wage_account.py build on it.

A monthly feed's reference month is the latest month of it that had arrived by $known_on and
has ended by $as_of (`reference_cte`): social insurance for September arrives around 12
October, so on 10 October the reference month is still August. An enterprise (or project)
whose row of the reference month has not come (a late filer, a gap in the delivery, a small
taxpayer filing by the quarter) is read as of its latest month among the reference month and
the `backs` months before it: its values are carried, so its warnings do not come and go
with deliveries. One without a row in any of them is missing: its indicators are NULL, not 0.

Rows are placed by `month_offset`: 0 for the reference month, -1 for the month before …;
`data_month_ctes` groups each enterprise's (or project's) rows as of its data month, which it
chooses first: most have a row in the reference month and are grouped as of it, the others
(`back` months older) are grouped again, as of their own month. Each value is aggregated once
per key (the social-insurance grouping of a city: 12 aggregates over 2.6 million rows, where
computing every value for each candidate month took 23).

Each monthly feed is read from the store once per run: `month_slices` are definitions of their
own (materialised, definitions.materialised), the known rows of the months its families read
(and of the months its reference month may be), with only the columns they use. The reference
month, the families and the other readers of the feed (work orders: the insured staff, the
project's contractor) all read the slice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

SLICE_SUFFIX = "_months"

# feed → (the columns read, the first month kept: a parameter, or None for every known row)
MONTH_SLICES: dict[str, tuple[tuple[str, ...], str | None]] = {
    "social_insurance": (
        ("enterprise_key", "arrears", "amount_due", "amount_paid", "insured_headcount"),
        "$recent_or_reference_start",
    ),
    "tax": (("enterprise_key", "taxable_revenue"), "$recent_or_reference_start"),
    "utilities": (("enterprise_key", "electricity_kwh"), "$recent_or_reference_start"),
    # every known row: work orders take a project's contractor from its latest month known
    "wage_account": (
        (
            "project_code",
            "enterprise_key",
            "attending_headcount",
            "paid_headcount",
            "amount_paid",
        ),
        None,
    ),
}


def month_slice(feed: str) -> str:
    """The name of the feed's slice (its known rows in the months read)."""
    return f"{feed}{SLICE_SUFFIX}"


def month_slice_sql(feed: str) -> str:
    """Grain: one row per known row of the feed in its slice's months (MONTH_SLICES): from
    the first month kept (the earlier of the families' first month and the oldest month that
    may be the reference month) up to $latest_month, the last one ended by $as_of."""
    columns, since = MONTH_SLICES[feed]
    listed = ", ".join(columns)
    where = f'WHERE "month" >= {since} AND "month" <= $latest_month' if since is not None else ""
    return f'SELECT {listed}, "month" FROM known_{feed} {where}'.strip()


def month_slice_definitions() -> list[tuple[str, str]]:
    """(slice name, SQL template) of every monthly feed."""
    return [(month_slice(feed), month_slice_sql(feed)) for feed in MONTH_SLICES]


def reference_cte(feed: str) -> str:
    """`reference` (one row: month_index of the reference month; NULL when nothing of the
    feed arrived in the months it may be read for)."""
    return f"""reference AS (
    SELECT year(max("month")) * 12 + month(max("month")) - 1 AS reference_index
    FROM {month_slice(feed)}
    WHERE "month" >= $oldest_data_month AND "month" <= $latest_month
)"""


def month_offset(column: str = '"month"') -> str:
    """A row's month relative to the reference month (0, -1, …); needs `reference` joined."""
    return f"year({column}) * 12 + month({column}) - 1 - reference.reference_index"


def data_month_ctes(
    name: str,
    *,
    rows: str,
    keys: Sequence[str],
    per_month: Mapping[str, str],
    backs: Sequence[int],
    where: str = "",
    also: Mapping[str, str] | None = None,
) -> str:
    """CTEs ending in `name`: one row per key (enterprise or project) with a row in one of
    the candidate months (`backs` before the reference month: 0, 1 …), its data month's
    `back` and each aggregate of `per_month` (name → a template with {back}, e.g.
    "max(CASE WHEN month_offset = -{back} THEN arrears END)") over the rows of the SELECT
    `rows` (`where` true; `month_offset` as `month_offset` places them) as of its data
    month, with `also` (name → an aggregate over the key's rows, whatever its data month).

    The data month is chosen before its values are aggregated, so that each aggregate is
    computed once rather than once per candidate month: `<name>_newest` groups every key as
    of the reference month (most have a row in it), and `<name>_older` groups again, as of
    its own data month, only the keys whose newest month is older (late filers, gaps).
    Each grouping reads `rows` as a subquery of its own: DuckDB would materialise a CTE
    read twice (3.3 million rows at a city), which costs more than reading the slice again.
    """
    condition = f"WHERE {where}" if where else ""
    grouped = ", ".join(keys)
    extra = "".join(
        f"{aggregate} AS {column},\n        " for column, aggregate in (also or {}).items()
    )

    def values(back: str) -> str:
        return ",\n        ".join(
            f"{template.format(back=back)} AS {column}" for column, template in per_month.items()
        )

    return f"""{name}_newest AS (
    SELECT
        {grouped},
        -max(month_offset) AS back,
        {extra}{values("0")}
    FROM ({rows}) AS month_rows
    {condition}
    GROUP BY {grouped}
    HAVING max(month_offset) >= -{max(backs)}
),
{name}_older AS (
    SELECT
        {grouped},
        max(data_back) AS back,
        {extra}{values("data_back")}
    FROM ({rows}) AS month_rows
    JOIN (SELECT {grouped}, back AS data_back FROM {name}_newest WHERE back > 0) AS older
        USING ({grouped})
    {condition}
    GROUP BY {grouped}
),
{name} AS (
    SELECT * FROM {name}_newest WHERE back = 0
    UNION ALL
    SELECT * FROM {name}_older
)"""


def data_month(back: str) -> str:
    """The data month as a date, from `reference_index` and `back` (columns)."""
    index = f"(reference_index - {back})"
    return f"make_date(CAST(floor({index} / 12) AS INTEGER), CAST({index} % 12 + 1 AS INTEGER), 1)"
