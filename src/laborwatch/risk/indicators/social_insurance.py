"""Produces social_insurance_indicators.

Grain: one row per credit_code with social-insurance rows in the lookback window, as of
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
WITH per_enterprise AS (
    SELECT
        credit_code,
        max(CASE WHEN "month" = $latest_month THEN arrears END) AS latest_arrears,
        max(CASE WHEN arrears <= 0 THEN "month" END) AS last_clear_month,
        max(CASE WHEN "month" = $latest_month THEN insured_headcount END) AS latest_headcount,
        max(CASE WHEN "month" = $previous_month THEN insured_headcount END) AS previous_headcount,
        avg(CASE WHEN "month" < $previous_month AND "month" >= $trailing_start
            THEN insured_headcount END) AS earlier_headcount,
        avg(CASE WHEN "month" < $latest_month AND "month" >= $trailing_start
            THEN insured_headcount END) AS trailing_headcount
    FROM social_insurance
    WHERE "month" >= $window_start AND "month" <= $latest_month
    GROUP BY credit_code
)
SELECT
    credit_code,
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
