"""The monthly report's figures from literal rows: volume and mix, month-on-month and
year-on-year, SLA rates, the significance test of emerging issues, and the suggestions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from laborwatch.reports.monthly.emerging import significant_rises, terms
from laborwatch.reports.monthly.report import SHANGHAI, CaseRow, Sla, monthly_report
from laborwatch.reports.monthly.sections import Heading, Table, Text, monthly_blocks

OCTOBER = dt.date(2026, 10, 1)
GENERATED = dt.datetime(2026, 11, 3, 9, 0, tzinfo=SHANGHAI)


def at(month: int, day: int = 10, hour: int = 10, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def row(number: str, received_at: dt.datetime, **values: object) -> CaseRow:
    defaults: dict[str, object] = {
        "request_type": "求助",
        "channel": "12351热线",
        "category": "WAGE.ARREARS.MIGRANT",
        "district": "市南区",
    }
    defaults.update(values)
    return CaseRow(number=number, received_at=received_at, **defaults)  # type: ignore[arg-type]


NO_SLA = Sla(0, 0, 0, 0, Decimal("0"), 0)


def report_of(rows: list[CaseRow], sla: Sla = NO_SLA, district_on_time=None):
    return monthly_report(
        rows,
        month=OCTOBER,
        scope="全市",
        sla=sla,
        previous_sla=NO_SLA,
        district_on_time=district_on_time,
        generated_at=GENERATED,
        request_types=["求助", "咨询", "投诉", "建议"],
        channels=["12351热线", "上级督办", "舆情监测", "来访", "网上", "其他部门转来"],
    )


def test_volume_and_mix_with_month_on_month_and_year_on_year() -> None:
    october = [
        row("A1", at(10), request_type="咨询"),
        row("A2", at(10), request_type="咨询", channel="网上"),
        row("A3", at(10), request_type="求助"),
        row("A4", at(10), request_type="建议", channel="来访"),
        # 1 October 00:30 in Shanghai is still 30 September in UTC: it counts for October.
        row("A5", dt.datetime(2026, 9, 30, 16, 30, tzinfo=dt.UTC)),
    ]
    september = [row(f"S{i}", at(9)) for i in range(4)]
    last_october = [row(f"Y{i}", at(10, year=2025)) for i in range(10)]
    report = report_of(october + september + last_october)
    assert (report.total, report.previous_total, report.last_year_total) == (5, 4, 10)
    assert report.month_on_month == pytest.approx(0.25)
    assert report.year_on_year == pytest.approx(-0.5)
    assert [(c.label, c.count) for c in report.request_types] == [
        ("求助", 2),
        ("咨询", 2),
        ("建议", 1),
    ]
    assert report.request_types[0].share == pytest.approx(0.4)
    assert [(c.label, c.count) for c in report.channels] == [
        ("12351热线", 3),
        ("来访", 1),
        ("网上", 1),
    ]
    assert report.trend[-1] == (OCTOBER, 5)
    assert report.trend[0] == (dt.date(2025, 10, 1), 10)


def test_categories_month_on_month_and_year_on_year_at_second_level() -> None:
    rows = [
        row("A1", at(10), category="WAGE.ARREARS.MIGRANT"),
        row("A2", at(10), category="WAGE.ARREARS.STAFF"),
        row("A3", at(10), category="WAGE.ARREARS"),
        row("A4", at(10), category="INSURANCE.PENSION"),
        row("S1", at(9), category="WAGE.ARREARS.MIGRANT"),
        row("S2", at(9), category="WAGE.ARREARS.MIGRANT"),
        row("Y1", at(10, year=2025), category="INSURANCE.PENSION"),
        row("Y2", at(10, year=2025), category="INSURANCE.PENSION"),
    ]
    report = report_of(rows)
    figures = [
        (c.label, c.count, c.previous, c.last_year, c.month_on_month, c.year_on_year)
        for c in report.categories
    ]
    assert figures == [
        ("工资报酬 / 拖欠工资", 3, 2, 0, 0.5, None),
        ("社会保险 / 职工养老保险", 1, 0, 2, None, -0.5),
    ]


def test_timeliness_figures_are_the_callers_and_the_median_the_rows() -> None:
    """The counts come from the shared figure definitions (tests/reports/test_monthly_sla.py);
    the median time to resolution is read from the month's resolved rows."""
    rows = [
        row("S1", at(9, 20), resolved_at=at(10, 5), resolve_due=at(10, 6)),
        row("S2", at(9, 20), resolved_at=at(10, 9), resolve_due=at(10, 6)),
        # Resolved in September: not October's.
        row("S3", at(9, 1), resolved_at=at(9, 30), resolve_due=at(10, 1)),
    ]
    given = Sla(4, 2, 2, 1, Decimal("19600.50"), 4)
    sla = report_of(rows, given).sla
    assert (sla.received, sla.feedback_in_24h, sla.resolved, sla.resolved_on_time) == (4, 2, 2, 1)
    assert (sla.feedback_rate, sla.on_time_rate) == (0.5, 0.5)
    assert (sla.wages_recovered, sla.workers_covered) == (Decimal("19600.50"), 4)
    assert sla.median_days_to_resolve == pytest.approx((15 + 19) / 2)


def test_significance_flags_a_real_rise() -> None:
    # Six baseline months of 100 demands with 5 on the key each; this month 25 of 100.
    rises = significant_rises(
        {"WAGE.ARREARS": 25, "CONTRACT.UNSIGNED": 10},
        {"WAGE.ARREARS": 30, "CONTRACT.UNSIGNED": 60},
        total_now=100,
        total_baseline=600,
        min_count=3,
    )
    assert [rise.key for rise in rises] == ["WAGE.ARREARS"]
    (rise,) = rises
    assert (rise.count, rise.baseline_count) == (25, 30)
    assert rise.share == 0.25 and rise.baseline_share == 0.05
    assert rise.ratio == pytest.approx(5.0)
    assert rise.p_value < 1e-6
    assert rise.q_value >= rise.p_value


def test_significance_ignores_noise_and_a_busier_month() -> None:
    # 8% against a 5% baseline on these counts is within chance (one-sided p ≈ 0.17).
    assert (
        significant_rises({"X": 8}, {"X": 30}, total_now=100, total_baseline=600, min_count=3) == []
    )
    # Twice the usual volume, same share: not a rise of the key.
    assert (
        significant_rises({"X": 20}, {"X": 60}, total_now=200, total_baseline=600, min_count=3)
        == []
    )
    # Below the minimum count nothing is tested.
    assert significant_rises({"X": 2}, {}, total_now=10, total_baseline=600, min_count=3) == []


def test_terms_leave_out_employer_names_numbers_and_stopwords() -> None:
    words = terms(
        "本人在青岛鑫瑞泰建筑工程有限公司做外卖骑手，公司拖欠3个月工资共18600元。",
        names=["青岛鑫瑞泰建筑工程有限公司"],
    )
    assert "外卖" in words and "骑手" in words and "拖欠" in words
    assert not words & {"公司", "本人", "18600", "鑫瑞泰"}


def _month_rows(month: int, total: int, riders: int, prefix: str) -> list[CaseRow]:
    return [
        row(
            f"{prefix}{i}",
            at(month, 1 + i % 27),
            category="WAGE.DISPUTE" if i < riders else "CONTRACT.UNSIGNED",
            description="外卖骑手平台扣减工资" if i < riders else "单位不签订劳动合同",
        )
        for i in range(total)
    ]


def test_emerging_terms_and_categories_against_the_trailing_baseline() -> None:
    rows = [row for m in range(4, 10) for row in _month_rows(m, 40, 1, f"B{m}-")]
    rows += _month_rows(10, 40, 12, "A")
    report = report_of(rows)
    assert report.baseline_months == [dt.date(2026, m, 1) for m in range(4, 10)]
    assert [item.label for item in report.emerging_categories] == ["工资报酬 / 工资争议"]
    assert {"外卖", "骑手"} <= {item.label for item in report.emerging_terms}
    assert any("工资争议" in line and "专项研判" in line for line in report.suggestions)


def test_no_rise_is_claimed_without_a_baseline() -> None:
    report = report_of(_month_rows(10, 40, 12, "A") + _month_rows(9, 40, 1, "S"))
    assert report.baseline_months == [dt.date(2026, 9, 1)]
    assert not report.has_baseline
    assert report.emerging_categories == [] and report.emerging_terms == []


def test_suggestions_name_enterprises_groups_and_falling_rates() -> None:
    # Three callers speaking for the same twelve workers: the group counts them once.
    rows = [
        row(
            f"A{i}", at(10), employer="青岛鑫瑞泰建筑工程有限公司", group="QT1", workers_involved=12
        )
        for i in range(3)
    ]
    rows += [row("A9", at(10), employer="青岛海岸电子有限公司")]
    # 市南区 resolved 5 of 5 on time in September, 3 of 5 in October (counted by the caller).
    report = report_of(rows, district_on_time={"市南区": (0.6, 1.0)})
    assert report.suggestions[0] == (
        "青岛鑫瑞泰建筑工程有限公司（市南区）本月诉求3件、涉及职工12人，含群体性案件1起，"
        "以工资报酬 / 拖欠工资为主，建议属地工会上门排查，纳入重点企业监测。"
    )
    assert report.suggestions[1].startswith("本月群体性案件1起、涉及职工12人")
    assert "市南区按时办结率由上月100.0%降至60.0%，建议加强督办。" in report.suggestions
    assert [(g.number, g.cases, g.workers) for g in report.groups] == [("QT1", 3, 12)]


def test_a_month_without_cases_says_so() -> None:
    report = report_of([row("S1", at(9))])
    assert report.total == 0 and report.suggestions == []
    blocks = monthly_blocks(report)
    headings = [block.text for block in blocks if isinstance(block, Heading)]
    assert headings == ["一、总体情况", "二、办理时效与成效"]
    texts = [block.text for block in blocks if isinstance(block, Text)]
    assert "2026年10月全市未受理职工诉求，本月无统计数据。" in texts


def test_leaders_read_the_mediation_rate_and_a_comment_on_large_changes() -> None:
    """调处率 beside the other rates; a month 30% or more off the last is commented on, naming
    the demand that moved most; groups under ten workers are not group cases."""
    october = [row(f"A{i}", at(10), group="QT9", workers_involved=2) for i in range(4)]
    october += [row(f"B{i}", at(10), category="INSURANCE.PENSION") for i in range(4)]
    september = [row(f"S{i}", at(9)) for i in range(4)]
    report = report_of(october + september, Sla(8, 6, 4, 3, Decimal("0"), 0, None, 3))
    blocks = monthly_blocks(report)
    texts = [block.text for block in blocks if isinstance(block, Text)]
    assert "工会牵头或参与调处率75.0%" in texts[0]
    assert texts[1] == (
        "本月诉求量较上月增加100%，变化较大，其中“社会保险 / 职工养老保险”增加最多"
        "（本月4件，上月0件），建议关注其成因。"
    )
    assert report.groups == []  # 4 cases of 2 workers: 8 workers, under the threshold
    assert "本月无群体性案件（同一用人单位涉及职工10人及以上）。" in texts
    sla_table = next(
        block for block in blocks if isinstance(block, Table) and block.headers[0] == "指标"
    )
    assert ["工会牵头或参与调处率", "75.0%", "—"] in sla_table.rows
