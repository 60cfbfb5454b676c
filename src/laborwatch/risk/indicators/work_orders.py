"""Produces work_order_indicators.

Grain: one row per enterprise (key) named in work orders received in the 30 days ending $as_of.
A work order that names no employer but a construction project is the project's
contractor's (its contractor in the latest month the wage-account feed has for it). A group
work order counts its workers: the complaining workers are the larger of the distinct callers
and the largest group reported, for the enterprise and for its worst project (the provincial
rule counts workers "of one enterprise or one project").

A layoff nobody reported shows first in the calls of the workers let go: several of one
employer calling in a month about what a layoff raises (the dismissal and its compensation,
the contract ended, the social insurance stopped: the rules' layoff_caller_categories; not
unpaid wages, which are the arrears' signal), at least one about the dismissal itself.
`layoff_callers_per_100_30d` counts them per hundred insured staff (the latest month known,
at least a hundred counted): two callers at a firm of forty is a layoff's sign, two at a
firm of a thousand is any month's.

`wage_complainants_30d` (evidence; wage_signs.py sets it against the staff) counts the
distinct workers calling about unpaid wages: each one a missed payday told separately. A
group one caller reports is one report here (the collective-dispute rules count its
workers): a tenth of ordinary calls speak for a few co-workers, at healthy firms too.
"""

NAME = "work_order_indicators"
INDICATORS = (
    "work_orders_30d",
    "wage_work_orders_30d",
    "complaining_workers_30d",
    "project_complaining_workers_30d",
    "separated_workers_30d",
    "layoff_callers_per_100_30d",
)
DETAILS = ("complaint_project", "wage_complainants_30d")
MISSING_IS_ZERO = True  # an event feed: no row, no event

SQL = """
WITH contractors AS (
    -- the project's contractor of its latest month (one wage-account row per month)
    SELECT project_code, arg_max(enterprise_key, "month") AS contractor
    FROM wage_account_months
    GROUP BY project_code
),
recent AS (
    SELECT
        coalesce(orders.enterprise_key, contractors.contractor) AS enterprise_key,
        orders.project_code,
        orders.worker_key,
        orders.workers_involved,
        CASE WHEN $wage_category THEN 1 ELSE 0 END AS is_wage,
        CASE WHEN $separation_category THEN 1 ELSE 0 END AS is_separation,
        CASE WHEN $layoff_caller_category THEN 1 ELSE 0 END AS is_layoff_topic
    FROM known_work_orders AS orders
    LEFT JOIN contractors ON contractors.project_code = orders.project_code
    WHERE orders.received_at >= $work_order_since_timestamp
        AND orders.received_at < $as_of_end_timestamp
        AND (orders.enterprise_key IS NOT NULL OR orders.project_code IS NOT NULL)
),
per_project AS (
    SELECT
        enterprise_key,
        project_code,
        greatest(count(DISTINCT worker_key), coalesce(max(workers_involved), 0)) AS workers
    FROM recent
    WHERE project_code IS NOT NULL
    GROUP BY enterprise_key, project_code
),
worst_project AS (
    -- the project with most workers; of equal ones the lowest code, so reruns name the same
    SELECT enterprise_key, workers, project_code
    FROM (
        SELECT
            *,
            row_number() OVER (
                PARTITION BY enterprise_key ORDER BY workers DESC, project_code
            ) AS rank_in_enterprise
        FROM per_project
    ) AS ranked
    WHERE rank_in_enterprise = 1
),
per_enterprise AS (
    SELECT
        enterprise_key,
        count(*) AS work_orders_30d,
        sum(is_wage) AS wage_work_orders_30d,
        greatest(count(DISTINCT worker_key), coalesce(max(workers_involved), 0))
            AS complaining_workers_30d,
        -- dismissed or laid-off workers complaining: a layoff no report announced
        greatest(
            count(DISTINCT CASE WHEN is_separation = 1 THEN worker_key END),
            coalesce(max(CASE WHEN is_separation = 1 THEN workers_involved END), 0)
        ) AS separated_workers_30d,
        count(DISTINCT CASE WHEN is_layoff_topic = 1 THEN worker_key END) AS layoff_callers,
        count(DISTINCT CASE WHEN is_wage = 1 THEN worker_key END) AS wage_complainants_30d,
        max(is_separation) AS any_separation
    FROM recent
    WHERE enterprise_key IS NOT NULL
    GROUP BY enterprise_key
),
insured AS (
    -- the insured staff of the latest month known, for the employers dismissed workers call
    SELECT enterprise_key, arg_max(insured_headcount, "month") AS insured_headcount
    FROM social_insurance_months
    WHERE "month" >= $oldest_data_month AND "month" <= $latest_month
        AND enterprise_key IN (
            SELECT enterprise_key FROM per_enterprise WHERE any_separation = 1
        )
    GROUP BY enterprise_key
)
SELECT
    per_enterprise.enterprise_key,
    per_enterprise.work_orders_30d,
    per_enterprise.wage_work_orders_30d,
    per_enterprise.complaining_workers_30d,
    per_enterprise.separated_workers_30d,
    coalesce(worst_project.workers, 0) AS project_complaining_workers_30d,
    worst_project.project_code AS complaint_project,
    per_enterprise.wage_complainants_30d,
    CASE WHEN any_separation = 1
        THEN layoff_callers * 100.0 / greatest(coalesce(insured.insured_headcount, 0), 100)
        ELSE 0.0 END AS layoff_callers_per_100_30d
FROM per_enterprise
LEFT JOIN worst_project ON worst_project.enterprise_key = per_enterprise.enterprise_key
LEFT JOIN insured ON insured.enterprise_key = per_enterprise.enterprise_key
"""
