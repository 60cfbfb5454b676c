"""Every scoring definition as SQL text, in run order: the engine-independent core.

`scoring_definitions(config, as_of)` renders (view name, SELECT) pairs in DuckDB's dialect
over the feed views (one per feed, named as the feed). DuckDB runs them as they are; for
Spark, `spark.to_spark` transpiles each with sqlglot. Pure: no I/O, no connection.

Point in time: the first definitions are `known_<feed>`, each feed's rows that had arrived by
the scoring day (feeds.ARRIVED_ON; a row without an arrival day, loaded before they were
recorded, is known). Then each monthly feed's slice (`<feed>_months`, indicators/data_month.py):
its known rows of the months read, computed once. The indicator families read only these.
Which definitions an engine keeps rather than inlines: `materialised`. `point_in_time=False` reads
every stored row whenever it arrived ("all files up front", for comparison in the backtest).
"""

from __future__ import annotations

import datetime as dt
from string import Template

from laborwatch.risk.feeds import ARRIVED_ON, FEEDS
from laborwatch.risk.indicators import FAMILIES
from laborwatch.risk.indicators.data_month import month_slice_definitions
from laborwatch.risk.rules import GRADE_LEVEL, GRADES, NO_GRADE, Rule, RulesConfig

KNOWN_PREFIX = "known_"
INDICATOR_VALUES = "indicator_values"
RULE_LEVELS = "rule_levels"
RISK_SCORES = "risk_scores"


def _date(day: dt.date) -> str:
    return f"DATE '{day.isoformat()}'"


def _timestamp(day: dt.date) -> str:
    return f"TIMESTAMP '{day.isoformat()} 00:00:00'"


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _months_back(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 - count
    return dt.date(index // 12, index % 12 + 1, 1)


def latest_complete_month(as_of: dt.date) -> dt.date:
    """The month of monthly feeds known on `as_of`: the last one that ended by that day."""
    return _months_back((as_of + dt.timedelta(days=1)).replace(day=1), 1)


def _month_label(day: dt.date) -> str:
    return day.strftime("%Y-%m")


def months_read(config: RulesConfig, as_of: dt.date) -> dict[str, tuple[str, str]]:
    """(first, last) YYYY-MM of the month partitions each feed's definitions read on `as_of`.

    Only these partition files are opened: the monthly feeds back to their window, the event
    feeds back to their longest day window, none after the month of `as_of`.
    """
    windows = config.windows
    latest = latest_complete_month(as_of)
    lookback = _months_back(latest, int(windows["lookback_months"]))
    trailing = _months_back(latest, int(windows["trailing_months"]))

    def days_back(*keys: str) -> dt.date:
        return as_of - dt.timedelta(days=max(int(windows[key]) for key in keys))

    first = {
        "social_insurance": lookback,
        "tax": trailing,
        "utilities": trailing,
        "wage_account": lookback,
        "court_filings": days_back("court_days", "enforcement_days"),
        "abnormal_listings": days_back("abnormal_days"),
        "layoff_filings": days_back("layoff_days"),
        "work_orders": days_back("work_order_days", "opinion_days"),
        "opinion_events": days_back("opinion_days"),
    }
    last = _month_label(as_of)
    return {feed: (_month_label(day), last) for feed, day in first.items()}


def parameters(
    config: RulesConfig, as_of: dt.date, *, point_in_time: bool = True
) -> dict[str, str]:
    windows = config.windows
    latest = latest_complete_month(as_of)
    window_start = _months_back(latest, int(windows["lookback_months"]))
    trailing_start = _months_back(latest, int(windows["trailing_months"]))
    trailing_months = int(windows["trailing_months"])
    oldest_data_month = _months_back(latest, int(windows["max_data_age_months"]))
    recent_start = max(window_start, _months_back(latest, trailing_months + 3))

    def since(days_key: str) -> dt.date:
        return as_of - dt.timedelta(days=int(windows[days_key]))

    def index(month: dt.date) -> str:
        return str(month.year * 12 + month.month - 1)

    return {
        "as_of": _date(as_of),
        "known_on": _date(as_of if point_in_time else dt.date.max),
        "oldest_data_month": _date(oldest_data_month),
        "trailing_months": str(trailing_months),
        # the months grouped for every enterprise: the trailing window of the month before
        # the reference month, which an enterprise missing in it is read as of
        "recent_months": str(trailing_months + 1),
        "as_of_end_timestamp": _timestamp(as_of + dt.timedelta(days=1)),
        "latest_month": _date(latest),
        "latest_index": index(latest),
        "window_start": _date(window_start),
        "window_start_index": index(window_start),
        "trailing_start": _date(trailing_start),
        "trailing_start_index": index(trailing_start),
        # The months every enterprise's rows are grouped over (older ones only for streaks):
        # the trailing window of a data month up to two months before the latest month.
        "recent_start": _date(recent_start),
        # a monthly feed's slice (data_month.py): the recent months and those its reference
        # month may be (the same months unless max_data_age_months is the longer)
        "recent_or_reference_start": _date(min(recent_start, oldest_data_month)),
        "min_trailing_headcount": str(float(windows["min_trailing_headcount"])),
        "si_paid_share": str(float(windows["si_paid_share"])),
        "min_industry_enterprises": str(int(windows["min_industry_enterprises"])),
        "min_trailing_revenue": str(float(windows["min_trailing_revenue"])),
        "min_trailing_kwh": str(float(windows["min_trailing_kwh"])),
        "court_since": _date(since("court_days")),
        "enforcement_since": _date(since("enforcement_days")),
        "earliest_court_since": _date(min(since("court_days"), since("enforcement_days"))),
        "abnormal_since": _date(since("abnormal_days")),
        "layoff_since": _date(since("layoff_days")),
        "opinion_since": _date(since("opinion_days")),
        "opinion_since_timestamp": _timestamp(since("opinion_days") + dt.timedelta(days=1)),
        "work_order_since_timestamp": _timestamp(since("work_order_days") + dt.timedelta(days=1)),
        "opinion_work_order_heat": str(float(windows["opinion_work_order_heat"])),
        "previous_month": _date(_months_back(latest, 1)),
        "wage_category": _category_condition(
            windows["wage_categories"], windows.get("wage_category_prefixes", [])
        ),
        "separation_category": _category_condition(
            windows["separation_categories"], windows.get("separation_category_prefixes", [])
        ),
        # what workers let go call about (a rules file without the list: the separations)
        "layoff_caller_category": _category_condition(
            windows.get("layoff_caller_categories", windows["separation_categories"]),
            windows.get(
                "layoff_caller_category_prefixes",
                windows.get("separation_category_prefixes", []),
            ),
        ),
    }


def _category_condition(categories: list[str], codes: list[str]) -> str:
    """SQL true for a category among the names, or a taxonomy code within one of the
    prefixes (WAGE.ARREARS and WAGE.ARREARS.MIGRANT, not WAGE.OVERTIME)."""
    names = ", ".join(_text(c) for c in categories)
    prefixes = " OR ".join(
        f"category = {_text(code)} OR category LIKE {_text(code + '.%')}" for code in codes
    )
    return f"(category IN ({names}){' OR ' + prefixes if prefixes else ''})"


def indicator_names() -> list[str]:
    return [name for family in FAMILIES for name in family.INDICATORS]


def _known_sql(feed: str) -> str:
    """Grain: one row per stored row of the feed that had arrived by $known_on."""
    return f"SELECT * FROM {feed} WHERE {ARRIVED_ON} IS NULL OR {ARRIVED_ON} <= $known_on"


def known_feeds() -> list[str]:
    """The feeds with an arrival day (all but the registry snapshot)."""
    return [name for name, feed in FEEDS.items() if ARRIVED_ON in feed.stored_columns]


def _indicator_values_sql() -> str:
    """Grain: one row per enterprise in the registry, every indicator: 0 for an event family
    without rows, NULL (missing) for a monthly family without the enterprise's data month.

    The families are joined on the integer enterprise key; the code comes from the registry.
    """
    columns = ["registry.credit_code", "registry.district", "registry.industry"]
    joins = []
    for family in FAMILIES:
        columns += [
            f"CAST(coalesce({family.NAME}.{name}, 0) AS DOUBLE) AS {name}"
            if family.MISSING_IS_ZERO
            else f"CAST({family.NAME}.{name} AS DOUBLE) AS {name}"
            for name in family.INDICATORS
        ]
        columns += [f"{family.NAME}.{name} AS {name}" for name in family.DETAILS]
        joins.append(
            f"LEFT JOIN {family.NAME} ON {family.NAME}.enterprise_key = registry.enterprise_key"
        )
    return f"SELECT {', '.join(columns)}\nFROM registry\n" + "\n".join(joins)


def _level_case(thresholds: dict[str, float], value: str) -> str:
    branches = " ".join(
        f"WHEN {value} >= {thresholds[grade]!r} THEN {GRADE_LEVEL[grade]}"
        for grade in reversed(GRADES)
        if grade in thresholds
    )
    return f"CASE {branches} ELSE 0 END"


def _rule_levels_sql(config: RulesConfig) -> str:
    """Grain: one row per enterprise that reaches a level in some rule (most reach none);
    the level (0-4) each rule reaches, one column per rule."""
    levels = [
        f"{_level_case(rule.thresholds, f'CAST({rule.indicator} AS DOUBLE)')} AS level_{rule.id}"
        for rule in config.rules
    ]
    reaches = " OR ".join(
        f"CAST({rule.indicator} AS DOUBLE) >= {min(rule.thresholds.values())!r}"
        for rule in config.rules
        if rule.thresholds
    )
    return f"SELECT *, {', '.join(levels)}\nFROM {INDICATOR_VALUES}\nWHERE {reaches or 'false'}"


def _grade_name(level: str) -> str:
    branches = " ".join(f"WHEN {GRADE_LEVEL[g]} THEN '{g}'" for g in GRADES)
    return f"CASE {level} {branches} ELSE '{NO_GRADE}' END"


def _points(rule: Rule, config: RulesConfig) -> str:
    earned = " ".join(
        f"WHEN {GRADE_LEVEL[g]} THEN {rule.weight * config.levels[g]!r}" for g in GRADES
    )
    return f"CASE level_{rule.id} {earned} ELSE 0.0 END"


def _risk_type_sql(config: RulesConfig, risk_type: str, as_of: dt.date) -> str:
    """Grain: one row per enterprise with points for one risk type: score, grade, evidence.

    A rule reaching a level always earns points, so an enterprise without points has score
    0 and grade none: it gets no row (most enterprises, most days).
    """
    rules = [rule for rule in config.rules if rule.risk_type == risk_type]
    seasonal = config.seasonal
    multiplier = "1.0"
    if seasonal.applies_on(as_of) and risk_type in seasonal.risk_types:
        industries = ", ".join(_text(i) for i in seasonal.industries)
        multiplier = (
            f"CASE WHEN industry IN ({industries}) THEN {seasonal.multiplier!r} ELSE 1.0 END"
        )
    points = " + ".join(_points(rule, config) for rule in rules) or "0.0"
    floors = [
        f"level_{rule.id}"
        if rule.floor_level <= 1
        else f"CASE WHEN level_{rule.id} >= {rule.floor_level} THEN level_{rule.id} ELSE 0 END"
        for rule in rules
        if rule.sets_grade
    ]
    floor = f"greatest({', '.join(floors)})" if len(floors) > 1 else (floors or ["0"])[0]
    items = ", ".join(
        f"struct_pack(rule := {_text(rule.id)}, indicator := {_text(rule.indicator)},"
        f" value := CAST({rule.indicator} AS DOUBLE), level := {_grade_name(f'level_{rule.id}')},"
        f" points := {_points(rule, config)}, department := {_text(rule.department)})"
        for rule in rules
    )
    score_level = " ".join(
        f"WHEN score >= {config.grades[g]!r} THEN {GRADE_LEVEL[g]}" for g in reversed(GRADES)
    )
    return f"""
SELECT
    credit_code,
    district,
    {_text(risk_type)} AS risk_type,
    score,
    {_grade_name(f"greatest(grade_floor, CASE {score_level} ELSE 0 END)")} AS grade,
    seasonal_multiplier,
    to_json(fired) AS evidence,
    to_json(list_sort(list_distinct(list_transform(fired, lambda item: item.department))))
        AS departments
FROM (
    SELECT
        *,
        CAST(least(100.0, round(raw_points * seasonal_multiplier, 1)) AS DOUBLE) AS score,
        list_filter([{items}], lambda item: item.points > 0) AS fired
    FROM (
        SELECT
            credit_code,
            district,
            {_indicator_columns(rules)},
            {", ".join(f"level_{rule.id}" for rule in rules)},
            CAST({points} AS DOUBLE) AS raw_points,
            CAST({floor} AS INTEGER) AS grade_floor,
            CAST({multiplier} AS DOUBLE) AS seasonal_multiplier
        FROM {RULE_LEVELS}
    ) AS summed
    WHERE raw_points > 0
) AS scored"""


def _indicator_columns(rules: list[Rule]) -> str:
    return ", ".join(dict.fromkeys(rule.indicator for rule in rules))


def _risk_scores_sql(config: RulesConfig, as_of: dt.date) -> str:
    """Grain: one row per enterprise and risk type with points: score, grade, evidence (JSON)."""
    selects = [_risk_type_sql(config, risk_type, as_of) for risk_type in config.risk_types]
    body = "\nUNION ALL\n".join(selects)
    return (
        f"SELECT *, {_date(as_of)} AS as_of, {_text(config.version)} AS config_version"
        f" FROM ({body}) AS by_type"
    )


def materialised() -> frozenset[str]:
    """The definitions each engine computes once and keeps (DuckDB: a temporary table; Spark:
    a cached view), because more than one later definition or output reads them: each
    monthly feed's slice (its reference month, its families, the work orders), every
    indicator family (layoff_sign_indicators reads three others, indicator_values all), the
    values (read by the levels and the indicators file) and the levels (by every risk type).
    The rest stay views, inlined where they are read: the known_<feed> views, so that each
    filter on them reaches the Parquet scan, and the scores, computed while they are written.
    """
    slices = [name for name, _ in month_slice_definitions()]
    return frozenset(
        [*slices, *(family.NAME for family in FAMILIES), INDICATOR_VALUES, RULE_LEVELS]
    )


def scoring_definitions(
    config: RulesConfig, as_of: dt.date, *, point_in_time: bool = True
) -> list[tuple[str, str]]:
    """(view name, SELECT) in run order: the feeds as known on the day, the monthly feeds'
    slices, indicator families, values, rule levels, scores."""
    values = parameters(config, as_of, point_in_time=point_in_time)
    definitions = [
        (f"{KNOWN_PREFIX}{feed}", Template(_known_sql(feed)).substitute(values))
        for feed in known_feeds()
    ]
    definitions += [
        (name, Template(sql).substitute(values)) for name, sql in month_slice_definitions()
    ]
    definitions += [(family.NAME, Template(family.SQL).substitute(values)) for family in FAMILIES]
    definitions.append((INDICATOR_VALUES, _indicator_values_sql()))
    definitions.append((RULE_LEVELS, _rule_levels_sql(config)))
    definitions.append((RISK_SCORES, _risk_scores_sql(config, as_of)))
    return definitions
