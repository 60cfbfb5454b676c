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
`carried` picks the value of the data month among the candidates `<name>_<back>`.

Each monthly feed is read from the store once per run: `month_slices` are definitions of their
own (materialised, definitions.materialised), the known rows of the months its families read
(and of the months its reference month may be), with only the columns they use. The reference
month, the families and the other readers of the feed (work orders: the insured staff, the
project's contractor) all read the slice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

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


def candidates(template: str, backs: Sequence[int]) -> str:
    """One aggregate per candidate data month: `template` with {back} (0, 1 …), e.g.
    "max(CASE WHEN month_offset = -{back} THEN arrears END) AS arrears_{back}"."""
    return ",\n        ".join(template.format(back=back) for back in backs)


def candidate_aggregates(per_month: Mapping[str, str], backs: Sequence[int]) -> str:
    """Each aggregate of `per_month` (name → a template with {back}) for every candidate data
    month, as `<name>_<back>`."""
    return ",\n        ".join(
        candidates(f"{aggregate} AS {name}_{{back}}", backs)
        for name, aggregate in per_month.items()
    )


def carried_values(names: Iterable[str], backs: Sequence[int]) -> str:
    """Each named aggregate's value in the data month (`carried`), as `<name>`."""
    return ",\n        ".join(f"{carried(name, backs)} AS {name}" for name in names)


def has_rows(backs: Sequence[int]) -> str:
    """has_<back>: whether the enterprise has a row `back` months before the reference month."""
    return candidates(
        "max(CASE WHEN month_offset = -{back} THEN 1 ELSE 0 END) AS has_{back}", backs
    )


def carried(name: str, backs: Sequence[int]) -> str:
    """The value of `name` in the data month: `<name>_<back>` of the newest month with a row
    (rows without any are filtered out before, `reached`)."""
    branches = " ".join(f"WHEN has_{back} = 1 THEN {name}_{back}" for back in backs[:-1])
    return f"CASE {branches} ELSE {name}_{backs[-1]} END" if branches else f"{name}_{backs[0]}"


def data_month_back(backs: Sequence[int]) -> str:
    """How many months before the reference month the data month is."""
    branches = " ".join(f"WHEN has_{back} = 1 THEN {back}" for back in backs[:-1])
    return f"CASE {branches} ELSE {backs[-1]} END" if branches else str(backs[0])


def reached(backs: Sequence[int]) -> str:
    """HAVING condition: the enterprise has a row in one of the candidate months."""
    return f"max(month_offset) >= -{max(backs)}"


def data_month(back: str) -> str:
    """The data month as a date, from `reference_index` and `back` (columns)."""
    index = f"(reference_index - {back})"
    return f"make_date(CAST(floor({index} / 12) AS INTEGER), CAST({index} % 12 + 1 AS INTEGER), 1)"
