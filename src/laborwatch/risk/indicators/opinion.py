"""Produces opinion_indicators.

Grain: one row per credit_code with public-opinion events, or work orders that came from
opinion monitoring, in the 30 days ending $as_of.
"""

NAME = "opinion_indicators"
INDICATORS = ("opinion_heat_30d",)
DETAILS = ()

SQL = """
WITH heat AS (
    SELECT credit_code, heat
    FROM opinion_events
    WHERE first_seen_on > $opinion_since AND first_seen_on <= $as_of
    UNION ALL
    SELECT credit_code, CAST($opinion_work_order_heat AS DOUBLE) AS heat
    FROM work_orders
    WHERE credit_code IS NOT NULL
        AND channel = 'public_opinion'
        AND received_at >= $opinion_since_timestamp
        AND received_at < $as_of_end_timestamp
)
SELECT credit_code, sum(heat) AS opinion_heat_30d
FROM heat
GROUP BY credit_code
"""
