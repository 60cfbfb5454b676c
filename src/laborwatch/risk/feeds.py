"""The declared schema of every data feed: columns, types, rules, key and partition.

A feed file is checked against its schema row by row (vectorised, in `validate`): the
credit code's check character, dates that parse and are not in the future, amounts and
counts that are numbers within their range, allowed values, and repeated keys.

The headers and written values departments use beside the declared ones come from the
mapping tables in data/ (`mappings`). What a repeated key means is declared per feed: rows
that repeat a key and are the same in every column the feed reads are duplicates (dropped,
each one reported); rows that repeat it with other values are added up by the feed's
`Rollup` where it has one (one row per 险种, one row per bank batch), and are otherwise a
conflict (every row of the key reported, none stored). Nothing is dropped without a line in
the row report.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from laborwatch.risk.mappings import EVERY_FEED, header_variants, value_codes

ColumnKind = Literal["string", "code", "count", "amount", "date", "month", "timestamp"]

# Storage type of each kind in the feed store (DuckDB / Spark SQL type names).
STORE_TYPES: dict[str, str] = {
    "string": "VARCHAR",
    "code": "VARCHAR",
    "count": "BIGINT",
    "amount": "DOUBLE",
    "date": "DATE",
    "month": "DATE",  # the first day of the month
    "timestamp": "TIMESTAMP",
}


# Derived at loading, beside credit_code in every feed that has one (codes.enterprise_keys):
# the integer the scoring groups and joins enterprises on.
ENTERPRISE_KEY = "enterprise_key"
# Set at loading on every row of a dated feed: the day the row reached the store (its batch's
# day, or the arrival calendar's day for a historical load; `arrivals`). Scoring on a day
# reads only the rows that had arrived by then.
ARRIVED_ON = "arrived_on"


# The largest value a number column takes unless it declares its own: beyond it a cell is
# a typing slip (1e23 yuan, 99999999999999999999999 plaintiffs), reported with its row.
UPPER_BOUNDS: dict[str, float] = {"count": 1_000_000, "amount": 1e12}


@dataclass(frozen=True)
class Column:
    name: str
    kind: ColumnKind
    label: str  # Chinese name, used in messages and accepted as a header
    required: bool = True
    allowed: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()  # other headers: data/headers.csv
    codes: tuple[tuple[str, str], ...] = ()  # (written value, allowed code): data/values.csv
    maximum: float | None = None  # counts and amounts: UPPER_BOUNDS by kind when None
    # An amount left out (no column, or an empty cell) that is the first of these amounts
    # less the second, never below zero: 欠缴金额 = 应缴金额 − 实缴金额.
    shortfall_of: tuple[str, str] | None = None

    @property
    def upper_bound(self) -> float:
        return self.maximum if self.maximum is not None else UPPER_BOUNDS[self.kind]


@dataclass(frozen=True)
class Rollup:
    """How the rows of a feed that share a key and differ are made its one stored row.

    `sums` are added up, `maxima` take the largest, and each (column, cap) in `capped` is
    added up but kept at most the cap column's combined value. Every other column must agree
    across the rows (a value beside an empty cell counts as agreeing), or the key is a
    conflict. With `across`, only rows that differ in that column are combined (one row per
    险种) and a file without that column has no rollup.
    """

    sums: tuple[str, ...]
    maxima: tuple[str, ...] = ()
    capped: tuple[tuple[str, str], ...] = ()
    across: str | None = None
    rule: str = ""  # the rule in Chinese, for the row report

    @property
    def combined(self) -> tuple[str, ...]:
        return (*self.sums, *self.maxima, *(column for column, _ in self.capped))


@dataclass(frozen=True)
class Feed:
    name: str
    label: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    partition_column: str | None  # month partitions by this date column; None: one snapshot
    rollup: Rollup | None = None
    # Columns read from files but not stored: a rollup's `across` column (险种).
    read_only_columns: tuple[Column, ...] = ()
    # The enterprise's name, where a row may come without a credit code: it is then linked
    # to the registry by name at ingest (`linking`).
    name_column: str | None = None

    def column(self, name: str) -> Column:
        return next(column for column in self.read_columns if column.name == name)

    @property
    def read_columns(self) -> tuple[Column, ...]:
        """The columns a file may bring: the stored ones and the read-only ones."""
        return (*self.columns, *self.read_only_columns)

    @property
    def stored_columns(self) -> tuple[str, ...]:
        """The columns of a store partition: the declared ones and the enterprise key."""
        names = tuple(column.name for column in self.columns)
        keyed = (*names, ENTERPRISE_KEY) if "credit_code" in names else names
        return (*keyed, ARRIVED_ON) if self.partition_column is not None else keyed

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.required)


def _code(required: bool = True) -> Column:
    return Column("credit_code", "code", "统一社会信用代码", required)


def _month() -> Column:
    return Column("month", "month", "月份")


def _with_mappings(feed: Feed) -> Feed:
    """The feed with the header variants and value codes of data/ on its columns."""

    def mapped(column: Column) -> Column:
        aliases = header_variants().get((EVERY_FEED, column.name), ()) + header_variants().get(
            (feed.name, column.name), ()
        )
        codes = value_codes().get((feed.name, column.name), {})
        unknown = set(codes.values()) - set(column.allowed)
        if unknown:
            raise ValueError(f"data/values.csv: {feed.name}.{column.name} has no code {unknown}")
        return dataclasses.replace(
            column,
            aliases=tuple(dict.fromkeys((*column.aliases, *aliases))),
            codes=tuple(codes.items()),
        )

    return dataclasses.replace(
        feed,
        columns=tuple(mapped(column) for column in feed.columns),
        read_only_columns=tuple(mapped(column) for column in feed.read_only_columns),
    )


INSURANCE_TYPES = ("pension", "medical", "unemployment", "work_injury", "maternity")

FEEDS: dict[str, Feed] = {
    feed.name: _with_mappings(feed)
    for feed in (
        Feed(
            "registry",
            "企业登记",
            (
                _code(),
                Column("name", "string", "企业名称"),
                Column("district", "string", "所属区市", required=False),
                Column("industry", "string", "行业门类", required=False),
                Column("size_band", "string", "企业规模", required=False),
                Column("status", "string", "登记状态", required=False),
                Column("employee_count", "count", "从业人数", required=False),
                Column("registered_capital", "amount", "注册资本", required=False, maximum=1e13),
                Column("established_on", "date", "成立日期", required=False),
                # a branch's head office (分公司 → 隶属企业): staff moved between them is a
                # transfer, not a layoff (social_insurance indicators)
                Column("parent_credit_code", "string", "隶属企业统一社会信用代码", required=False),
            ),
            key=("credit_code",),
            partition_column=None,
        ),
        Feed(
            "social_insurance",
            "社会保险缴费",
            (
                _month(),
                _code(),
                Column("insured_headcount", "count", "参保人数"),
                Column("amount_due", "amount", "应缴金额"),
                Column("amount_paid", "amount", "实缴金额"),
                Column(
                    "arrears",
                    "amount",
                    "欠缴金额",
                    required=False,
                    shortfall_of=("amount_due", "amount_paid"),
                ),
            ),
            key=("credit_code", "month"),
            partition_column="month",
            # One row per 险种 (养老, 医疗 …): the amounts are the enterprise's for the month
            # summed over its insurances; the headcount is the largest of any insurance, the
            # workers insured at all (the 养老 row may be absent, 工伤 alone covers some sites).
            rollup=Rollup(
                sums=("amount_due", "amount_paid", "arrears"),
                maxima=("insured_headcount",),
                across="insurance_type",
                rule="按险种合计：金额相加，参保人数取各险种最大值",
            ),
            read_only_columns=(
                Column("insurance_type", "string", "险种", required=False, allowed=INSURANCE_TYPES),
            ),
        ),
        Feed(
            "tax",
            "纳税申报",
            (
                _month(),
                _code(),
                Column("taxable_revenue", "amount", "应税收入"),
                Column("tax_paid", "amount", "实缴税额"),
            ),
            key=("credit_code", "month"),
            partition_column="month",
        ),
        Feed(
            "utilities",
            "水电用量",
            (
                _month(),
                _code(),
                Column("electricity_kwh", "amount", "用电量"),
                Column("water_m3", "amount", "用水量", required=False),
            ),
            key=("credit_code", "month"),
            partition_column="month",
            # One row per meter account (户号): the enterprise's use is their sum.
            rollup=Rollup(sums=("electricity_kwh", "water_m3"), rule="按用电户号合计：用量相加"),
        ),
        Feed(
            "wage_account",
            "农民工工资专用账户",
            (
                _month(),
                Column("project_code", "string", "项目编号"),
                Column("project_name", "string", "项目名称", required=False),
                _code(),
                Column("attending_headcount", "count", "考勤人数"),
                Column("paid_headcount", "count", "发放人数"),
                Column("amount_paid", "amount", "发放金额"),
            ),
            key=("project_code", "month"),
            partition_column="month",
            # One row per bank batch (a month's wages are often paid in two): the month is the
            # batches' sum; the attendance is the month's, the same in each batch (the largest
            # is kept); batches usually pay different teams, so the paid headcounts add up,
            # but never beyond the attendance (a worker paid in both batches is one worker).
            rollup=Rollup(
                sums=("amount_paid",),
                maxima=("attending_headcount",),
                capped=(("paid_headcount", "attending_headcount"),),
                rule="按发放批次合计：发放金额相加，发放人数相加（不超过考勤人数），考勤人数取最大值",
            ),
        ),
        Feed(
            "court_filings",
            "仲裁诉讼立案",
            (
                Column("filed_on", "date", "立案日期"),
                _code(),
                Column(
                    "kind",
                    "string",
                    "案件类型",
                    allowed=("labor_arbitration", "labor_lawsuit", "enforcement"),
                ),
                Column("plaintiffs", "count", "申请人数", maximum=100_000),
                Column("amount", "amount", "标的金额"),
            ),
            key=("credit_code", "filed_on", "kind", "plaintiffs", "amount"),
            partition_column="filed_on",
        ),
        Feed(
            "abnormal_listings",
            "经营异常名录",
            (
                Column("listed_on", "date", "列入日期"),
                _code(),
                Column("reason", "string", "列入原因", required=False),
            ),
            key=("credit_code", "listed_on"),
            partition_column="listed_on",
        ),
        Feed(
            "layoff_filings",
            "裁员报告",
            (
                Column("filed_on", "date", "报告日期"),
                _code(),
                Column("layoff_count", "count", "裁减人数"),
                Column("staff_count", "count", "职工总数"),
            ),
            key=("credit_code", "filed_on"),
            partition_column="filed_on",
        ),
        Feed(
            "work_orders",
            "维权工单",
            (
                Column("complaint_id", "string", "工单编号"),
                Column("received_at", "timestamp", "受理时间"),
                Column("worker_key", "string", "职工标识"),
                _code(required=False),
                Column("project_code", "string", "项目编号", required=False),
                Column("channel", "string", "来源渠道", required=False),
                Column("category", "string", "诉求类别", required=False),
                Column("workers_involved", "count", "涉及人数", required=False, maximum=100_000),
                Column("amount_claimed", "amount", "诉求金额", required=False),
            ),
            key=("complaint_id",),
            partition_column="received_at",
        ),
        Feed(
            "opinion_events",
            "舆情事件",
            (
                Column("event_id", "string", "事件编号"),
                Column("first_seen_on", "date", "首发日期"),
                _code(required=False),
                Column("heat", "amount", "热度", maximum=1e9),
                Column("posts", "count", "帖文数", required=False, maximum=1e9),
                Column("enterprise_name", "string", "企业名称", required=False),
            ),
            key=("event_id",),
            partition_column="first_seen_on",
            name_column="enterprise_name",
        ),
    )
}

# File names written by `laborwatch synth` that are feeds, beside feeds/<feed>/*.parquet.
SYNTH_FILES = {"enterprises.parquet": "registry", "complaints.parquet": "work_orders"}
