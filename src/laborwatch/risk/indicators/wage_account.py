"""Produces wage_account_indicators.

Grain: one row per enterprise (key) (the contractor) with a construction project that has a
wage-account row in its data month (data_month.py: the reference month, or the month before),
as of $as_of; the worst project is named as evidence. A project's expected payroll is its
attendance times its usual pay per worker paid (the median over its earlier months), so a
month that pays every worker a fraction of a wage (生活费, "living money") shows as a shortfall
of the amount, which the count of workers paid does not see.
"""

from laborwatch.risk.indicators.data_month import (
    data_month_ctes,
    month_offset,
    reference_cte,
)

NAME = "wage_account_indicators"
INDICATORS = (
    "wage_account_unpaid_months",
    "wage_account_paid_shortfall",
    "wage_account_amount_shortfall",
)
DETAILS = ("wage_account_project",)
MISSING_IS_ZERO = False
BACKS = (0, 1)

_PER_MONTH = {
    "unpaid": "max(CASE WHEN month_offset = -{back} THEN is_unpaid END)",
    "last_paid": "max(CASE WHEN is_unpaid = 0 AND month_offset <= -{back} THEN month_offset END)",
    "attending": "max(CASE WHEN month_offset = -{back} THEN attending_headcount END)",
    "paid_count": "max(CASE WHEN month_offset = -{back} THEN paid_headcount END)",
    "amount": "max(CASE WHEN month_offset = -{back} THEN amount_paid END)",
    "usual_pay": "median(CASE WHEN month_offset < -{back} THEN pay_per_worker END)",
}
_MONTHLY = f"""
SELECT
    project_code,
    enterprise_key,
    {month_offset()} AS month_offset,
    $window_start_index - reference.reference_index AS window_offset,
    attending_headcount,
    paid_headcount,
    amount_paid,
    CASE WHEN attending_headcount > 0 AND (amount_paid <= 0 OR paid_headcount <= 0)
        THEN 1 ELSE 0 END AS is_unpaid,
    CASE WHEN paid_headcount > 0 AND amount_paid > 0
        THEN amount_paid / paid_headcount END AS pay_per_worker
FROM wage_account_months CROSS JOIN reference
WHERE "month" >= $window_start AND "month" <= $latest_month
"""
_CHOSEN = data_month_ctes(
    "chosen",
    rows=_MONTHLY,
    keys=("project_code",),
    per_month=_PER_MONTH,
    backs=BACKS,
    also={
        "enterprise_key": "arg_max(enterprise_key, month_offset)",  # the latest contractor
        "window_offset": "max(window_offset)",
    },
)

SQL = f"""
WITH {reference_cte("wage_account")},
{_CHOSEN},
scored AS (
    SELECT
        project_code,
        enterprise_key,
        CASE WHEN unpaid = 1
            THEN -back - coalesce(last_paid, window_offset - 1)
            ELSE 0 END AS unpaid_months,
        CASE WHEN attending > 0
            THEN 1.0 - least(1.0, CAST(paid_count AS DOUBLE) / attending)
            ELSE 0.0 END AS paid_shortfall,
        CASE WHEN attending > 0 AND usual_pay > 0
            THEN greatest(0.0, 1.0 - amount / (attending * usual_pay))
            END AS amount_shortfall
    FROM chosen
),
ranked AS (
    -- the worst project first; of equally bad ones the lowest code, so reruns name the same
    SELECT
        *,
        row_number() OVER (
            PARTITION BY enterprise_key
            ORDER BY unpaid_months * 10 + greatest(paid_shortfall, coalesce(amount_shortfall, 0))
                DESC, project_code
        ) AS rank_in_enterprise
    FROM scored
)
SELECT
    enterprise_key,
    max(unpaid_months) AS wage_account_unpaid_months,
    max(paid_shortfall) AS wage_account_paid_shortfall,
    max(amount_shortfall) AS wage_account_amount_shortfall,
    max(CASE WHEN rank_in_enterprise = 1 THEN project_code END) AS wage_account_project
FROM ranked
GROUP BY enterprise_key
"""
