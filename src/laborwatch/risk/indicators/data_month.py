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
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence


def reference_cte(feed: str) -> str:
    """`reference` (one row: month_index of the reference month; NULL when nothing of the
    feed arrived in the months it may be read for)."""
    return f"""reference AS (
    SELECT year(max("month")) * 12 + month(max("month")) - 1 AS reference_index
    FROM known_{feed}
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
