"""Produces layoff_indicators.

Grain: one row per enterprise (key) with layoff filings (裁员报告) in the window ending $as_of.
"""

NAME = "layoff_indicators"
INDICATORS = ("layoff_count_90d", "layoff_share_90d")
DETAILS = ()
MISSING_IS_ZERO = True  # an event feed: no row, no event

SQL = """
SELECT
    enterprise_key,
    sum(layoff_count) AS layoff_count_90d,
    max(CASE WHEN staff_count > 0 THEN CAST(layoff_count AS DOUBLE) / staff_count ELSE 0.0 END)
        AS layoff_share_90d
FROM known_layoff_filings
WHERE filed_on > $layoff_since AND filed_on <= $as_of
GROUP BY enterprise_key
"""
