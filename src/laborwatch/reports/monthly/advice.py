"""Early-warning suggestions (预警建议) of the monthly report, each one read off the month's
figures: an enterprise with many demands, a group case, a significant rise, a district whose
on-time rate fell, a lower 24-hour feedback rate. No sentence is written without its figure."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from laborwatch.reports.monthly.report import MonthlyReport

# An enterprise with this many demands in one month is named for a visit (排查).
ENTERPRISE_DEMANDS = 3
# A district's on-time rate falling by this much (with enough cases to tell) is named.
ON_TIME_DROP = 0.10
MIN_RESOLVED_FOR_RATE = 5
MAX_PER_KIND = 5


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _enterprises(report: MonthlyReport) -> list[str]:
    return [
        f"{row.name}（{row.district}）本月诉求{row.cases}件、涉及职工{row.workers}人"
        f"{f'，含群体性案件{row.group_cases}起' if row.group_cases else ''}，"
        f"以{row.top_category}为主，建议属地工会上门排查，纳入重点企业监测。"
        for row in report.enterprises
        if row.cases >= ENTERPRISE_DEMANDS
    ][:MAX_PER_KIND]


def _groups(report: MonthlyReport) -> list[str]:
    if not report.groups:
        return []
    workers = sum(group.workers for group in report.groups)
    largest = report.groups[0]
    return [
        f"本月群体性案件{len(report.groups)}起、涉及职工{workers}人，其中{largest.employer}"
        f"（{largest.district}）{largest.workers}人，建议落实一案一策、倒排工期，防止矛盾升级。"
    ]


def _rises(report: MonthlyReport) -> list[str]:
    lines = [
        f"“{item.label}”类诉求本月{item.rise.count}件，占比{percent(item.rise.share)}，"
        f"高于前{len(report.baseline_months)}个月的{percent(item.rise.baseline_share)}"
        f"（q={item.rise.q_value:.3g}），建议开展专项研判。"
        for item in report.emerging_categories[:MAX_PER_KIND]
    ]
    if report.emerging_terms:
        words = "、".join(f"“{item.label}”" for item in report.emerging_terms[:MAX_PER_KIND])
        lines.append(f"诉求描述中{words}等词显著增多，建议核查是否有新的苗头性问题。")
    return lines


def _districts(report: MonthlyReport) -> list[str]:
    lines = []
    for row in report.districts:
        now, before = row.on_time_rate, row.previous_on_time_rate
        if now is None or before is None or before - now < ON_TIME_DROP:
            continue
        lines.append(
            f"{row.label}按时办结率由上月{percent(before)}降至{percent(now)}，建议加强督办。"
        )
    return lines[:MAX_PER_KIND]


def _feedback(report: MonthlyReport) -> list[str]:
    now, before = report.sla.feedback_rate, report.previous_sla.feedback_rate
    if now is None or before is None or now >= before:
        return []
    return [
        f"24小时反馈率由上月{percent(before)}降至{percent(now)}，建议核查受理后未及时反馈的工单。"
    ]


def suggestions(report: MonthlyReport) -> list[str]:
    return [
        *_enterprises(report),
        *_groups(report),
        *_rises(report),
        *_districts(report),
        *_feedback(report),
    ]
