"""The declared schema of every data feed: columns, types, rules, key and partition.

A feed file is checked against its schema row by row (vectorised, in `validate`): the
credit code's check character, dates that parse and are not in the future, amounts and
counts that are numbers and not negative, allowed values, and duplicate keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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


@dataclass(frozen=True)
class Column:
    name: str
    kind: ColumnKind
    label: str  # Chinese name, used in messages and accepted as a header
    required: bool = True
    allowed: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feed:
    name: str
    label: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    partition_column: str | None  # month partitions by this date column; None: one snapshot

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    @property
    def stored_columns(self) -> tuple[str, ...]:
        """The columns of a store partition: the declared ones and the enterprise key."""
        names = tuple(column.name for column in self.columns)
        return (*names, ENTERPRISE_KEY) if "credit_code" in names else names

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.required)


def _code(required: bool = True) -> Column:
    return Column(
        "credit_code", "code", "统一社会信用代码", required, aliases=("信用代码", "社会信用代码")
    )


def _month() -> Column:
    return Column("month", "month", "月份", aliases=("所属期", "年月"))


FEEDS: dict[str, Feed] = {
    feed.name: feed
    for feed in (
        Feed(
            "registry",
            "企业登记",
            (
                _code(),
                Column("name", "string", "企业名称", aliases=("名称",)),
                Column("district", "string", "所属区市", required=False, aliases=("区市",)),
                Column("industry", "string", "行业门类", required=False, aliases=("行业",)),
                Column("size_band", "string", "企业规模", required=False),
                Column("status", "string", "登记状态", required=False),
                Column("employee_count", "count", "从业人数", required=False),
                Column("registered_capital", "amount", "注册资本", required=False),
                Column("established_on", "date", "成立日期", required=False),
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
                Column("arrears", "amount", "欠缴金额"),
            ),
            key=("credit_code", "month"),
            partition_column="month",
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
                Column("plaintiffs", "count", "申请人数"),
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
                Column("complaint_id", "string", "工单编号", aliases=("work_order_id",)),
                Column("received_at", "timestamp", "受理时间"),
                Column("worker_key", "string", "职工标识"),
                _code(required=False),
                Column("project_code", "string", "项目编号", required=False),
                Column("channel", "string", "来源渠道", required=False),
                Column("category", "string", "诉求类别", required=False),
                Column("workers_involved", "count", "涉及人数", required=False),
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
                _code(),
                Column("heat", "amount", "热度"),
                Column("posts", "count", "帖文数", required=False),
            ),
            key=("event_id",),
            partition_column="first_seen_on",
        ),
    )
}

# File names written by `laborwatch synth` that are feeds, beside feeds/<feed>/*.parquet.
SYNTH_FILES = {"enterprises.parquet": "registry", "complaints.parquet": "work_orders"}
