"""Produces social_insurance_indicators.

Grain: one row per enterprise (key) with a social-insurance row in its data month: the
reference month (the latest month delivered by $known_on and ended by $as_of) or the month
before (data_month.py); an enterprise without one has no row, and its indicators are missing.

Staff moved within one legal person (a branch and its head office, the registry's
parent_credit_code) is a transfer, not a layoff: an enterprise's head-count drop is net of
what its affiliates (its head office, its branches, the head office's other branches) gained
over the same months, and `si_affiliate_transfers` shows the workers netted.
"""

from laborwatch.risk.indicators.data_month import (
    data_month,
    data_month_ctes,
    month_offset,
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
DETAILS = ("si_insured_headcount", "si_data_month", "si_affiliate_transfers")
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
# The recent months (the trailing window of the oldest candidate) are grouped for every
# enterprise (from the feed's slice, data_month.py); older months only for a streak of
# arrears through all of them (earlier_clear), read from the store for those enterprises alone.
_RECENT_ROWS = f"""
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
FROM social_insurance_months CROSS JOIN reference
WHERE "month" >= $recent_start AND "month" <= $latest_month
"""
_CHOSEN = data_month_ctes(
    "chosen",
    rows=_RECENT_ROWS,
    keys=("enterprise_key",),
    per_month=_PER_MONTH,
    backs=BACKS,
    where="month_offset >= -$recent_months AND month_offset <= 0",
    also={"window_offset": "max(window_offset)", "reference_index": "max(reference_index)"},
)

SQL = f"""
WITH {reference_cte("social_insurance")},
{_CHOSEN},
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
-- Each branch and each head office with branches, and its group: the head office's key.
affiliation AS (
    SELECT branch.enterprise_key, head.enterprise_key AS group_key
    FROM registry AS branch
    JOIN registry AS head ON head.credit_code = branch.parent_credit_code
    WHERE branch.parent_credit_code IS NOT NULL
),
groups AS (
    SELECT enterprise_key, group_key FROM affiliation
    UNION
    SELECT group_key AS enterprise_key, group_key FROM affiliation
),
-- Each grouped enterprise's gain over the months its drops compare (0 for a loss).
gains AS (
    SELECT
        groups.enterprise_key,
        groups.group_key,
        greatest(0.0, headcount - previous_headcount) AS month_gain,
        greatest(0.0, headcount - trailing_average) AS trailing_gain,
        greatest(0.0, least(headcount, previous_headcount) - earlier_average) AS sustained_gain
    FROM chosen
    JOIN groups ON groups.enterprise_key = chosen.enterprise_key
),
-- What the enterprise's affiliates gained: the group's gain less its own.
transfers AS (
    SELECT
        gains.enterprise_key,
        group_gains.month_gain - gains.month_gain AS month_in,
        group_gains.trailing_gain - gains.trailing_gain AS trailing_in,
        group_gains.sustained_gain - gains.sustained_gain AS sustained_in
    FROM gains
    JOIN (
        SELECT
            group_key,
            sum(month_gain) AS month_gain,
            sum(trailing_gain) AS trailing_gain,
            sum(sustained_gain) AS sustained_gain
        FROM gains
        GROUP BY group_key
        HAVING count(*) > 1
    ) AS group_gains ON group_gains.group_key = gains.group_key
),
netted AS (
    -- the staff an enterprise lost to its affiliates, at most what they gained (least()
    -- skips NULLs: an enterprise outside any group moved none)
    SELECT
        chosen.*,
        coalesce(least(coalesce(month_in, 0.0), greatest(0.0, previous_headcount - headcount)),
            0.0) AS month_moved,
        coalesce(least(coalesce(trailing_in, 0.0), greatest(0.0, trailing_average - headcount)),
            0.0) AS trailing_moved,
        coalesce(least(coalesce(sustained_in, 0.0),
            greatest(0.0, earlier_average - greatest(headcount, previous_headcount))), 0.0)
            AS sustained_moved
    FROM chosen
    LEFT JOIN transfers ON transfers.enterprise_key = chosen.enterprise_key
),
changes AS (
    SELECT
        netted.*,
        earlier_clear.earlier_clear,
        registry.industry,
        CASE WHEN trailing_average >= $min_trailing_headcount AND headcount IS NOT NULL
            THEN 1.0 - (headcount + trailing_moved) / trailing_average END AS trailing_change,
        CASE WHEN previous_headcount >= $min_trailing_headcount AND headcount IS NOT NULL
            THEN 1.0 - (headcount + month_moved) / previous_headcount END AS month_change
    FROM netted
    LEFT JOIN earlier_clear ON earlier_clear.enterprise_key = netted.enterprise_key
    LEFT JOIN registry ON registry.enterprise_key = netted.enterprise_key
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
        THEN greatest(0.0, 1.0
            - (greatest(headcount, previous_headcount) + sustained_moved) / earlier_average
            - coalesce(industry_trailing_drop, 0.0))
        ELSE 0.0 END AS si_headcount_sustained_drop,
    -- from one month to the next: a layoff, where a shrinkage by attrition is gradual
    greatest(0.0, coalesce(month_change - coalesce(industry_month_drop, 0.0), 0.0))
        AS si_headcount_month_drop,
    {data_month("back")} AS si_data_month,
    CAST(round(greatest(month_moved, trailing_moved)) AS BIGINT) AS si_affiliate_transfers
FROM changes
LEFT JOIN seasonal ON seasonal.industry = changes.industry
"""
