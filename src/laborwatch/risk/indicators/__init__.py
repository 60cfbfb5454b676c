"""Indicator families: one module per feed family, each one SQL definition (DuckDB dialect,
transpiled per engine) producing one row per enterprise as of a date, keyed by the integer
enterprise_key the feed store carries beside each credit code (grouping on it is several
times faster than on the code; the registry maps it back to the code).

Every module has NAME (the view it produces), INDICATORS (numeric columns, larger is
riskier), DETAILS (other columns kept as evidence), MISSING_IS_ZERO (an event feed: an
enterprise without rows had no event, its indicators are 0; a monthly feed: without its
data month the indicators are missing, NULL, and reach no level) and SQL, a
`string.Template` whose $parameters come from `definitions.parameters`. Families read the
`known_<feed>` views, only what had arrived by $known_on, or for a monthly feed its slice
(`<feed>_months`, data_month.py: read from the store once for every family that needs it).
"""

from __future__ import annotations

from types import ModuleType

from laborwatch.risk.indicators import (
    abnormal_listings,
    court_filings,
    layoff_filings,
    layoff_signs,
    opinion,
    social_insurance,
    tax,
    utilities,
    wage_account,
    wage_signs,
    work_orders,
)

FAMILIES: tuple[ModuleType, ...] = (
    social_insurance,
    tax,
    utilities,
    wage_account,
    court_filings,
    abnormal_listings,
    layoff_filings,
    work_orders,
    opinion,
    layoff_signs,  # reads the tax, utility and work-order indicators
    wage_signs,  # reads the work-order and social-insurance indicators
)
