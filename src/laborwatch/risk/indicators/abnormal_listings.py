"""Produces abnormal_listing_indicators.

Grain: one row per enterprise (key) listed as abnormal (经营异常) in the year ending $as_of.
"""

NAME = "abnormal_listing_indicators"
INDICATORS = ("abnormal_listings_365d",)
DETAILS = ()
MISSING_IS_ZERO = True  # an event feed: no row, no event

SQL = """
SELECT enterprise_key, count(*) AS abnormal_listings_365d
FROM known_abnormal_listings
WHERE listed_on > $abnormal_since AND listed_on <= $as_of
GROUP BY enterprise_key
"""
