"""Produces layoff_sign_indicators: a worker let go calling while the business falls, or while
a group of workers takes the employer to arbitration.

Grain: one row per enterprise (key) named by a dismissal or layoff work order in the 30 days
ending $as_of (work_order_indicators), with its revenue and electricity drops (tax_indicators,
utility_indicators, their data months; missing counts as no drop) and the most applicants of
one labour arbitration or lawsuit filed in the court window (court_indicators, the filings
known by then; none counts as no applicant).

Most layoffs are neither reported nor called in by many: the insured head count shows them
six weeks late at best. What shows within days is one or two of the workers let go calling,
and, for most, the business falling in the months before; within weeks, those let go apply
together for their compensation (a case of several applicants, where a firm's own disputes
are one worker's). Each alone is any month's news at some employer; together they are a
layoff's sign.
"""

NAME = "layoff_sign_indicators"
INDICATORS = ("dismissal_amid_decline_30d", "dismissal_group_case_90d")
DETAILS = ()
MISSING_IS_ZERO = True  # no dismissal called in: no sign

SQL = """
SELECT
    work_order_indicators.enterprise_key,
    -- the larger of the revenue and the electricity drop, given a worker let go calling
    greatest(
        coalesce(tax_indicators.tax_revenue_drop, 0.0),
        coalesce(utility_indicators.utility_drop, 0.0)
    ) AS dismissal_amid_decline_30d,
    -- the most applicants of one labour case, given a worker let go calling
    coalesce(court_indicators.labor_plaintiffs_90d, 0) AS dismissal_group_case_90d
FROM work_order_indicators
LEFT JOIN tax_indicators ON tax_indicators.enterprise_key = work_order_indicators.enterprise_key
LEFT JOIN utility_indicators
    ON utility_indicators.enterprise_key = work_order_indicators.enterprise_key
LEFT JOIN court_indicators
    ON court_indicators.enterprise_key = work_order_indicators.enterprise_key
WHERE work_order_indicators.separated_workers_30d > 0
"""
