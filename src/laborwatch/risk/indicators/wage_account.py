"""Produces wage_account_indicators.

Grain: one row per enterprise (key) (the contractor) with construction projects in the lookback
window, as of $as_of; the worst project is named as evidence.
"""

NAME = "wage_account_indicators"
INDICATORS = ("wage_account_unpaid_months", "wage_account_paid_shortfall")
DETAILS = ("wage_account_project",)

SQL = """
WITH monthly AS (
    SELECT
        project_code,
        enterprise_key,
        year("month") * 12 + month("month") - 1 AS month_index,
        attending_headcount,
        paid_headcount,
        CASE WHEN attending_headcount > 0 AND (amount_paid <= 0 OR paid_headcount <= 0)
            THEN 1 ELSE 0 END AS is_unpaid
    FROM wage_account
    WHERE "month" >= $window_start AND "month" <= $latest_month
),
per_project AS (
    SELECT
        project_code,
        arg_max(enterprise_key, month_index) AS enterprise_key,  -- the latest contractor
        max(CASE WHEN month_index = $latest_index THEN is_unpaid END) AS latest_unpaid,
        max(CASE WHEN is_unpaid = 0 THEN month_index END) AS last_paid_index,
        max(CASE WHEN month_index = $latest_index AND attending_headcount > 0
            THEN 1.0 - least(1.0, CAST(paid_headcount AS DOUBLE) / attending_headcount)
            END) AS paid_shortfall
    FROM monthly
    GROUP BY project_code
),
scored AS (
    SELECT
        project_code,
        enterprise_key,
        CASE WHEN latest_unpaid = 1
            THEN $latest_index - coalesce(last_paid_index, $window_start_index - 1)
            ELSE 0 END AS unpaid_months,
        coalesce(paid_shortfall, 0.0) AS paid_shortfall
    FROM per_project
),
ranked AS (
    -- the worst project first; of equally bad ones the lowest code, so reruns name the same
    SELECT
        *,
        row_number() OVER (
            PARTITION BY enterprise_key
            ORDER BY unpaid_months * 10 + paid_shortfall DESC, project_code
        ) AS rank_in_enterprise
    FROM scored
)
SELECT
    enterprise_key,
    max(unpaid_months) AS wage_account_unpaid_months,
    max(paid_shortfall) AS wage_account_paid_shortfall,
    max(CASE WHEN rank_in_enterprise = 1 THEN project_code END) AS wage_account_project
FROM ranked
GROUP BY enterprise_key
"""
