"""Produces work_order_indicators.

Grain: one row per credit_code named in work orders received in the 30 days ending $as_of.
A group work order counts its workers: the complaining workers are the larger of the
distinct callers and the largest group reported.
"""

NAME = "work_order_indicators"
INDICATORS = ("work_orders_30d", "wage_work_orders_30d", "complaining_workers_30d")
DETAILS = ()

SQL = """
SELECT
    credit_code,
    count(*) AS work_orders_30d,
    sum(CASE WHEN category IN ($wage_categories) THEN 1 ELSE 0 END) AS wage_work_orders_30d,
    greatest(count(DISTINCT worker_key), coalesce(max(workers_involved), 0))
        AS complaining_workers_30d
FROM work_orders
WHERE credit_code IS NOT NULL
    AND received_at >= $work_order_since_timestamp
    AND received_at < $as_of_end_timestamp
GROUP BY credit_code
"""
