"""The verification list in the two reports: the monthly 舆情 section and the daily report's new
重大 events."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from laborwatch.opinion.models import ResponseKind
from laborwatch.opinion.services import event_respond
from laborwatch.reports.daily.report import daily_report, render_html
from laborwatch.reports.monthly.opinion import OpinionRow, opinion_section
from laborwatch.reports.monthly.report import month_bounds
from laborwatch.reports.monthly.sections import Heading, Table, Text, monthly_blocks
from laborwatch.reports.monthly.selectors import city_monthly_report
from tests.opinion.support import local, make_event, verified

MONTH = dt.date(2026, 10, 1)
_, MONTH_END = month_bounds(MONTH)


def row(number: str, day: int, grade: str = "一般", **extra) -> OpinionRow:
    return OpinionRow(number=number, first_seen_at=local(2026, 10, day, 9), title=f"事件{number}",
                      grade=grade, **extra)  # fmt: skip


def test_the_section_counts_grades_findings_responses_and_topics() -> None:
    due = local(2026, 10, 5, 9)
    rows = [
        row("1", 3, "重大", finding="属实", topic="拖欠工资", response_due=due,
            responded_at=due - dt.timedelta(hours=1)),
        row("2", 3, "较大", finding="不属实", topic="拖欠工资", response_due=due,
            responded_at=due + dt.timedelta(hours=2)),
        row("3", 4, finding="无法核实", topic="社会保险", response_due=due, responded_at=due,
            declined=True),
        row("4", 30, topic="拖欠工资", response_due=local(2026, 11, 1, 9)),  # due next month
        row("5", 6, response_due=due),  # never answered
        row("6", 12, "重大", response_due=due),
        OpinionRow(number="7", first_seen_at=local(2026, 9, 30, 9), title="上月", grade="一般"),
    ]  # fmt: skip
    section = opinion_section(rows, month=MONTH, month_end=MONTH_END)
    assert section.events == 6
    assert section.by_grade == [("重大", 2), ("较大", 1), ("一般", 3)]
    assert section.findings == [("属实", 1), ("不属实", 1), ("无法核实", 1), ("未核实", 3)]
    assert (
        section.responded_on_time,
        section.responded_late,
        section.declined,
        section.unanswered_overdue,
        section.responses_due,
    ) == (1, 1, 1, 2, 4)
    assert section.on_time_rate == 0.25
    assert section.topics == [("拖欠工资", 3), ("未分类", 2), ("社会保险", 1)]
    assert [r.number for r in section.grave] == ["1", "6"]


@pytest.mark.django_db
def test_the_monthly_report_has_the_section(org_units, setup_actor, make_user):
    shinan = org_units["shinan"]
    with time_machine.travel(local(2026, 10, 20, 9), tick=False):
        grave = make_event(district=shinan, grade="grave", title="工人堵路讨薪",
                           now=local(2026, 10, 10, 9))  # fmt: skip
        event = verified(grave, setup_actor, make_user("desk", "district_staff", "shinan"),
                         now=local(2026, 10, 10, 10))  # fmt: skip
        event_respond(event=event, actor=setup_actor, kind=ResponseKind.PUBLISHED, text="已介入",
                      channel="官方微博", published_at=local(2026, 10, 10, 12),
                      now=local(2026, 10, 10, 12))  # fmt: skip
        make_event(district=shinan, on_list=False, now=local(2026, 10, 11, 9))
        make_event(district=org_units["huangdao"], now=local(2026, 10, 12, 9))
        report = city_monthly_report(month=MONTH)
        district_report = city_monthly_report(month=MONTH, district=shinan)
    assert report.opinion is not None and district_report.opinion is not None
    assert (report.opinion.events, district_report.opinion.events) == (2, 1)
    assert report.opinion.findings == [("属实", 1), ("未核实", 1)]
    assert (report.opinion.responded_on_time, report.opinion.unanswered_overdue) == (1, 1)
    blocks = monthly_blocks(report)
    heading = next(i for i, b in enumerate(blocks) if isinstance(b, Heading) and "舆情" in b.text)
    assert blocks[heading].text.endswith("、舆情核实")
    text = blocks[heading + 1]
    assert isinstance(text, Text)
    assert text.text == (
        "本月新发现涉及劳动关系的舆情事件2起，其中重大1起、较大0起、一般1起。"
        "核实结果：属实1起、未核实1起。应回应2起，按时回应1起，超时回应0起，逾期未回应1起，"
        "按时回应率50.0%；经研判决定不予回应0起。"
    )
    grave_table = blocks[heading + 4]
    assert isinstance(grave_table, Table)
    assert grave_table.rows == [
        [grave.number, "工人堵路讨薪", "市南区", "10-10 07:00", "属实", "已回应"]
    ]


@pytest.mark.django_db
def test_the_daily_report_lists_the_new_grave_events(org_units):
    day = dt.date(2025, 3, 5)
    grave = make_event(district=org_units["shinan"], grade="grave", heat=250.0, title="跳楼讨薪")
    make_event(district=org_units["shinan"], grade="major", title="较大")
    yesterday = make_event(district=org_units["shinan"], grade="grave", now=local(2025, 3, 4, 9))
    assert yesterday.graded_at.date() == dt.date(2025, 3, 4)
    report = daily_report(day)
    assert [(e.number, e.title, e.district, e.heat, e.status) for e in report.grave_events] == [
        (grave.number, "跳楼讨薪", "市南区", 250.0, "待核实")
    ]
    html = render_html(report)
    assert "四、新发重大舆情" in html and "跳楼讨薪" in html
