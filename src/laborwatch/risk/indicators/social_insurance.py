"""Produces social_insurance_indicators.

Grain: one row per enterprise (key) with social-insurance rows in the recent months, as of
$as_of (the latest month counted is the last one that ended by then).
"""

NAME = "social_insurance_indicators"
INDICATORS = (
    "si_arrears_months",
    "si_arrears_amount",
    "si_headcount_drop",
    "si_headcount_sustained_drop",
)
DETAILS = ("si_insured_headcount",)

SQL = """
WITH recent AS (
    SELECT
        enterprise_key,
        max(CASE WHEN "month" = $latest_month THEN arrears END) AS latest_arrears,
        max(CASE WHEN arrears <= 0 THEN "month" END) AS recent_clear_month,
        max(CASE WHEN "month" = $latest_month THEN insured_headcount END) AS latest_headcount,
        max(CASE WHEN "month" = $previous_month THEN insured_headcount END) AS previous_headcount,
        avg(CASE WHEN "month" < $previous_month AND "month" >= $trailing_start
            THEN insured_headcount END) AS earlier_headcount,
        avg(CASE WHEN "month" < $latest_month AND "month" >= $trailing_start
            THEN insured_headcount END) AS trailing_headcount
    FROM social_insurance
    WHERE "month" >= $recent_start AND "month" <= $latest_month
    GROUP BY enterprise_key
),
-- Only a streak of arrears through all the recent months looks further back (a few
-- thousand enterprises): the older months are not grouped for everyone.
earlier_clear AS (
    SELECT enterprise_key, max("month") AS earlier_clear_month
    FROM social_insurance
    WHERE "month" >= $window_start AND "month" < $recent_start AND arrears <= 0
        AND enterprise_key IN (
            SELECT enterprise_key FROM recent
            WHERE latest_arrears > 0 AND recent_clear_month IS NULL
        )
    GROUP BY enterprise_key
),
per_enterprise AS (
    SELECT
        recent.*,
        coalesce(recent_clear_month, earlier_clear_month) AS last_clear_month
    FROM recent
    LEFT JOIN earlier_clear ON earlier_clear.enterprise_key = recent.enterprise_key
)
SELECT
    enterprise_key,
    -- months in a row with arrears, up to the latest month (month arithmetic after grouping)
    CASE WHEN latest_arrears > 0
        THEN $latest_index - coalesce(
            year(last_clear_month) * 12 + month(last_clear_month) - 1, $window_start_index - 1)
        ELSE 0 END AS si_arrears_months,
    coalesce(latest_arrears, 0) AS si_arrears_amount,
    CASE WHEN trailing_headcount >= $min_trailing_headcount AND latest_headcount IS NOT NULL
        THEN greatest(0.0, 1.0 - latest_headcount / trailing_headcount)
        ELSE 0.0 END AS si_headcount_drop,
    latest_headcount AS si_insured_headcount,
    -- both of the last two months below the months before them: a one-month dip is not
    CASE WHEN earlier_headcount >= $min_trailing_headcount AND latest_headcount IS NOT NULL
            AND previous_headcount IS NOT NULL
        THEN greatest(0.0, 1.0 - greatest(latest_headcount, previous_headcount) / earlier_headcount)
        ELSE 0.0 END AS si_headcount_sustained_drop
FROM per_enterprise
"""
