"""Produces wage_sign_indicators: workers calling about unpaid wages, relative to the staff.

Grain: one row per enterprise (key) named by a work order about wages in the 30 days ending
$as_of (work_order_indicators), with its insured staff of the social-insurance data month
(social_insurance_indicators; missing counts as none).

Most wage arrears are at small employers, and outside construction what shows within the
30 days after the missed payday is a few of their workers calling: the social-insurance bill
left unpaid comes for about a third only after that (the employer stops paying it with the
wages or later), and it reaches the store six weeks after the month. Two workers calling
about wages in a month is any month's news at an employer of hundreds; at one of a dozen it
is most of the staff. `wage_complainants_per_100_30d` counts the distinct workers calling
(work_orders.py: one caller speaking for a group is one report) per hundred insured staff, at
least twenty counted: two callers at a firm of twenty or fewer make ten, as do five at a
firm of fifty. Twenty, not the hundred of the layoff callers: a wage arrears
calls fewer workers to the phone than a layoff (one to a few, where those let go call
together), and the firms where it happens are smaller.
"""

NAME = "wage_sign_indicators"
INDICATORS = ("wage_complainants_per_100_30d",)
DETAILS = ()
MISSING_IS_ZERO = True  # nobody called about wages: no sign

SQL = """
SELECT
    work_order_indicators.enterprise_key,
    work_order_indicators.wage_complainants_30d * 100.0
        / greatest(coalesce(social_insurance_indicators.si_insured_headcount, 0), 20)
        AS wage_complainants_per_100_30d
FROM work_order_indicators
LEFT JOIN social_insurance_indicators
    ON social_insurance_indicators.enterprise_key = work_order_indicators.enterprise_key
WHERE work_order_indicators.wage_complainants_30d > 0
"""
