"""Produces social_insurance_indicators.

Grain: one row per enterprise (key) with a social-insurance row in its data month: the
reference month (the latest month delivered by $known_on and ended by $as_of) or the month
before (data_month.py); an enterprise without one has no row, and its indicators are missing.
"""

from laborwatch.risk.indicators.data_month import (
    candidate_aggregates,
    carried_values,
    data_month,
    data_month_back,
    has_rows,
    month_offset,
    reached,
    reference_cte,
)

NAME = "social_insurance_indicators"
INDICATORS = (
    "si_arrears_months",
    "si_arrears_amount",
    "si_unpaid_share",
    "si_headcount_drop",
    "si_headcount_sustained_drop",
    "si_headcount_month_drop",
)
DETAILS = ("si_insured_headcount", "si_data_month")
MISSING_IS_ZERO = False
BACKS = (0, 1)

_PER_MONTH = {
    "arrears": "max(CASE WHEN month_offset = -{back} THEN arrears END)",
    "due": "max(CASE WHEN month_offset = -{back} THEN amount_due END)",
    "paid": "max(CASE WHEN month_offset = -{back} THEN amount_paid END)",
    "headcount": "max(CASE WHEN month_offset = -{back} THEN insured_headcount END)",
    "previous_headcount": "max(CASE WHEN month_offset = -{back} - 1 THEN insured_headcount END)",
    # the latest month paid in full (or nearly), up to the data month
    "clear": "max(CASE WHEN is_paid = 1 AND month_offset <= -{back} THEN month_offset END)",
    "unpaid": "max(CASE WHEN month_offset = -{back} THEN 1 - is_paid END)",
    "trailing_average": "avg(CASE WHEN month_offset < -{back} AND month_offset >= -{back}"
    " - $trailing_months THEN insured_headcount END)",
    "earlier_average": "avg(CASE WHEN month_offset < -{back} - 1 AND month_offset >= -{back}"
    " - $trailing_months THEN insured_headcount END)",
}
_AGGREGATES = candidate_aggregates(_PER_MONTH, BACKS)
_CHOSEN = carried_values(_PER_MONTH, BACKS)

SQL = f"""
WITH {reference_cte("social_insurance")},
-- The recent months (the trailing window of the oldest candidate) are grouped for every
-- enterprise; older months only for a streak of arrears through all of them (below). Each
-- reads the store on its own, so that only its months' files are scanned.
recent_rows AS (
    SELECT
        enterprise_key,
        {month_offset()} AS month_offset,
        $window_start_index - reference.reference_index AS window_offset,
        reference.reference_index,
        arrears,
        amount_due,
        amount_paid,
        -- the month's bill paid: arrears of earlier months left outstanding do not count
        -- against a month paid in full; a tenth short is rounding and late postings
        CASE WHEN amount_paid >= $si_paid_share * amount_due THEN 1 ELSE 0 END AS is_paid,
        insured_headcount
    FROM known_social_insurance CROSS JOIN reference
    WHERE "month" >= $recent_start AND "month" <= $latest_month
),
recent AS (
    SELECT
        enterprise_key,
        max(window_offset) AS window_offset,
        max(reference_index) AS reference_index,
        {has_rows(BACKS)},
        {_AGGREGATES}
    FROM recent_rows
    WHERE month_offset >= -$recent_months AND month_offset <= 0
    GROUP BY enterprise_key
    HAVING {reached(BACKS)}
),
chosen AS (
    SELECT
        enterprise_key,
        window_offset,
        reference_index,
        {data_month_back(BACKS)} AS back,
        {_CHOSEN}
    FROM recent
),
earlier_clear AS (
    SELECT enterprise_key, max({month_offset()}) AS earlier_clear
    FROM known_social_insurance CROSS JOIN reference
    WHERE "month" >= $window_start AND "month" < $recent_start
        AND amount_paid >= $si_paid_share * amount_due
        AND enterprise_key IN (
            SELECT enterprise_key FROM chosen WHERE unpaid = 1 AND clear IS NULL
        )
    GROUP BY enterprise_key
),
changes AS (
    SELECT
        chosen.*,
        earlier_clear.earlier_clear,
        registry.industry,
        CASE WHEN trailing_average >= $min_trailing_headcount AND headcount IS NOT NULL
            THEN 1.0 - headcount / trailing_average END AS trailing_change,
        CASE WHEN previous_headcount >= $min_trailing_headcount AND headcount IS NOT NULL
            THEN 1.0 - headcount / previous_headcount END AS month_change
    FROM chosen
    LEFT JOIN earlier_clear ON earlier_clear.enterprise_key = chosen.enterprise_key
    LEFT JOIN registry ON registry.enterprise_key = chosen.enterprise_key
),
-- Seasonality learnt per industry: how the industry's typical enterprise moved this month
-- (tourism loses staff over the winter, sites over the Spring Festival); an enterprise's
-- drop counts only beyond its industry's.
seasonal AS (
    SELECT
        industry,
        greatest(0.0, median(trailing_change)) AS industry_trailing_drop,
        greatest(0.0, median(month_change)) AS industry_month_drop
    FROM changes
    GROUP BY industry
    HAVING count(month_change) >= $min_industry_enterprises
)
SELECT
    enterprise_key,
    -- months in a row whose bill was left (partly) unpaid, up to the data month
    CASE WHEN unpaid = 1
        THEN -back - coalesce(clear, earlier_clear, window_offset - 1)
        ELSE 0 END AS si_arrears_months,
    coalesce(arrears, 0) AS si_arrears_amount,
    -- the share of the data month's bill left unpaid: one month is enough to see it
    CASE WHEN due > 0 THEN greatest(0.0, least(1.0, 1.0 - paid / due)) ELSE 0.0 END
        AS si_unpaid_share,
    greatest(0.0, coalesce(trailing_change - coalesce(industry_trailing_drop, 0.0), 0.0))
        AS si_headcount_drop,
    headcount AS si_insured_headcount,
    -- both of the last two months below the months before them: a one-month dip is not
    CASE WHEN earlier_average >= $min_trailing_headcount AND headcount IS NOT NULL
            AND previous_headcount IS NOT NULL
        THEN greatest(0.0, 1.0 - greatest(headcount, previous_headcount) / earlier_average
            - coalesce(industry_trailing_drop, 0.0))
        ELSE 0.0 END AS si_headcount_sustained_drop,
    -- from one month to the next: a layoff, where a shrinkage by attrition is gradual
    greatest(0.0, coalesce(month_change - coalesce(industry_month_drop, 0.0), 0.0))
        AS si_headcount_month_drop,
    {data_month("back")} AS si_data_month
FROM changes
LEFT JOIN seasonal ON seasonal.industry = changes.industry
"""
