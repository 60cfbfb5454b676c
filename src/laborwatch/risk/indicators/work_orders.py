"""Produces work_order_indicators.

Grain: one row per credit_code named in work orders received in the 30 days ending $as_of.
A work order that names no employer but a construction project is the project's
contractor's (the contractor of the project in the wage-account feed). A group work order
counts its workers: the complaining workers are the larger of the distinct callers and the
largest group reported, for the enterprise and for its worst project (the provincial rule
counts workers "of one enterprise or one project").
"""

NAME = "work_order_indicators"
INDICATORS = (
    "work_orders_30d",
    "wage_work_orders_30d",
    "complaining_workers_30d",
    "project_complaining_workers_30d",
)
DETAILS = ("complaint_project",)

SQL = """
WITH contractors AS (
    SELECT project_code, max(credit_code) AS contractor
    FROM wage_account
    GROUP BY project_code
),
recent AS (
    SELECT
        coalesce(orders.credit_code, contractors.contractor) AS credit_code,
        orders.project_code,
        orders.worker_key,
        orders.workers_involved,
        CASE WHEN $wage_category THEN 1 ELSE 0 END AS is_wage
    FROM work_orders AS orders
    LEFT JOIN contractors ON contractors.project_code = orders.project_code
    WHERE orders.received_at >= $work_order_since_timestamp
        AND orders.received_at < $as_of_end_timestamp
        AND (orders.credit_code IS NOT NULL OR orders.project_code IS NOT NULL)
),
per_project AS (
    SELECT
        credit_code,
        project_code,
        greatest(count(DISTINCT worker_key), coalesce(max(workers_involved), 0)) AS workers
    FROM recent
    WHERE project_code IS NOT NULL
    GROUP BY credit_code, project_code
),
worst_project AS (
    SELECT credit_code, max(workers) AS workers, arg_max(project_code, workers) AS project_code
    FROM per_project
    GROUP BY credit_code
),
per_enterprise AS (
    SELECT
        credit_code,
        count(*) AS work_orders_30d,
        sum(is_wage) AS wage_work_orders_30d,
        greatest(count(DISTINCT worker_key), coalesce(max(workers_involved), 0))
            AS complaining_workers_30d
    FROM recent
    WHERE credit_code IS NOT NULL
    GROUP BY credit_code
)
SELECT
    per_enterprise.*,
    coalesce(worst_project.workers, 0) AS project_complaining_workers_30d,
    worst_project.project_code AS complaint_project
FROM per_enterprise
LEFT JOIN worst_project ON worst_project.credit_code = per_enterprise.credit_code
"""
