"""The monthly report's 舆情 section: the public-opinion events first seen in the month, what
verification found, whether they were answered in public in time, and what they were about.

Pure: no Django. `opinion_section(rows, month=…)` takes `OpinionRow`s (labels already in
Chinese; reports.monthly.selectors gathers them) and returns an `OpinionSection`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from laborwatch.reports.monthly.report import month_start

TOP_TOPICS = 5
NOT_VERIFIED = "未核实"
# The grades high first, and the findings in the order the section lists them.
GRADES = ("重大", "较大", "一般")
FINDINGS = ("属实", "部分属实", "不属实", "无法核实", NOT_VERIFIED)


@dataclass(frozen=True)
class OpinionRow:
    number: str
    first_seen_at: dt.datetime
    title: str
    grade: str  # 重大 / 较大 / 一般
    district: str = ""
    topic: str = ""  # the category's Chinese label, "" when none
    status: str = ""  # Chinese label
    finding: str = ""  # 属实 / 部分属实 / 不属实 / 无法核实, "" before verification
    response_due: dt.datetime | None = None
    responded_at: dt.datetime | None = None
    declined: bool = False  # a recorded decision not to respond


@dataclass(frozen=True)
class OpinionSection:
    events: int
    by_grade: list[tuple[str, int]]
    findings: list[tuple[str, int]]
    # Of the month's events whose response was due by the end of the month or given in it.
    responses_due: int
    responded_on_time: int
    responded_late: int
    declined: int
    unanswered_overdue: int
    topics: list[tuple[str, int]]
    grave: list[OpinionRow]

    @property
    def on_time_rate(self) -> float | None:
        """Responses given on time among the responses that were due (a decision not to
        respond is no response)."""
        return self.responded_on_time / self.responses_due if self.responses_due else None


def _answered_by(row: OpinionRow, moment: dt.datetime) -> bool:
    return row.responded_at is not None and row.responded_at < moment


def opinion_section(
    rows: Iterable[OpinionRow], *, month: dt.date, month_end: dt.datetime
) -> OpinionSection:
    """The section of `month` (events first seen in it), as things stood at `month_end`."""
    this = [row for row in rows if month_start(row.first_seen_at) == month]
    grades = Counter(row.grade for row in this)
    findings = Counter(row.finding or NOT_VERIFIED for row in this)
    answered = [row for row in this if _answered_by(row, month_end)]
    on_time = sum(
        1
        for row in answered
        if not row.declined
        and row.response_due is not None
        and row.responded_at is not None
        and row.responded_at <= row.response_due
    )
    declined = sum(1 for row in answered if row.declined)
    late = len(answered) - on_time - declined
    overdue = sum(
        1
        for row in this
        if not _answered_by(row, month_end)
        and row.response_due is not None
        and row.response_due < month_end
    )
    topics = Counter(row.topic or "未分类" for row in this)
    return OpinionSection(
        events=len(this),
        by_grade=[(grade, grades[grade]) for grade in GRADES],
        findings=[(finding, findings[finding]) for finding in FINDINGS if findings[finding]],
        responses_due=on_time + late + overdue,
        responded_on_time=on_time,
        responded_late=late,
        declined=declined,
        unanswered_overdue=overdue,
        topics=sorted(topics.items(), key=lambda item: (-item[1], item[0]))[:TOP_TOPICS],
        grave=sorted(
            (row for row in this if row.grade == "重大"), key=lambda row: row.first_seen_at
        ),
    )
