"""Produces court_indicators.

Grain: one row per enterprise (key) with labour arbitration, lawsuit or enforcement filings in
the window ending $as_of.
"""

NAME = "court_indicators"
INDICATORS = ("labor_cases_90d", "labor_plaintiffs_90d", "enforcement_180d")
DETAILS = ()
MISSING_IS_ZERO = True  # an event feed: no row, no event

SQL = """
SELECT
    enterprise_key,
    sum(CASE WHEN kind IN ('labor_arbitration', 'labor_lawsuit') AND filed_on > $court_since
        THEN 1 ELSE 0 END) AS labor_cases_90d,
    coalesce(max(CASE WHEN kind IN ('labor_arbitration', 'labor_lawsuit')
        AND filed_on > $court_since THEN plaintiffs END), 0) AS labor_plaintiffs_90d,
    sum(CASE WHEN kind = 'enforcement' AND filed_on > $enforcement_since
        THEN 1 ELSE 0 END) AS enforcement_180d
FROM known_court_filings
WHERE filed_on > $earliest_court_since AND filed_on <= $as_of
GROUP BY enterprise_key
"""
