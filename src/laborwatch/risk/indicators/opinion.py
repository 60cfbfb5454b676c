"""Produces opinion_indicators.

Grain: one row per enterprise (key) with public-opinion events, or work orders that came from
opinion monitoring, in the 30 days ending $as_of.
"""

NAME = "opinion_indicators"
INDICATORS = ("opinion_heat_30d",)
DETAILS = ()
MISSING_IS_ZERO = True  # an event feed: no row, no event

SQL = """
WITH heat AS (
    SELECT enterprise_key, heat
    FROM known_opinion_events
    WHERE first_seen_on > $opinion_since AND first_seen_on <= $as_of
    UNION ALL
    SELECT enterprise_key, CAST($opinion_work_order_heat AS DOUBLE) AS heat
    FROM known_work_orders
    WHERE enterprise_key IS NOT NULL
        AND channel = 'public_opinion'
        AND received_at >= $opinion_since_timestamp
        AND received_at < $as_of_end_timestamp
)
SELECT enterprise_key, sum(heat) AS opinion_heat_30d
FROM heat
GROUP BY enterprise_key
"""
