"""Issuing a report: render it once, number it, store its files, audit it.

The daily report of a score day and the monthly report of a closed month are issued by the
schedule (reports/schedule) or by the centre on demand; the stored files are what every later
reader opens. Issuing a period again is a correction (更正): it needs a reason, points at the
report it corrects and has its own number.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laborwatch.cases.numbering import take_sequence
from laborwatch.core.audit import record_event
from laborwatch.core.models import OrgUnit, User
from laborwatch.core.roles import Role
from laborwatch.notifications.models import Notification
from laborwatch.notifications.services import centre_users, notify
from laborwatch.reports.access import may_issue
from laborwatch.reports.daily.output import write_report
from laborwatch.reports.daily.report import daily_report, summary
from laborwatch.reports.daily.report import title as daily_title
from laborwatch.reports.models import NUMBER_PREFIX, IssuedReport, ReportKind
from laborwatch.reports.monthly.output import write_monthly_report
from laborwatch.reports.monthly.report import add_months
from laborwatch.reports.monthly.selectors import city_monthly_report
from laborwatch.reports.render.issue import IssueMark

NUMBER_WORDS = {ReportKind.DAILY: "预警日报", ReportKind.MONTHLY: "热线月报"}


def issuing_unit() -> str:
    """The centre that issues the reports (the federation when no centre is set up)."""
    for kind in (OrgUnit.Kind.CENTRE, OrgUnit.Kind.FEDERATION):
        unit = OrgUnit.objects.filter(kind=kind, is_active=True).order_by("sort_order").first()
        if unit is not None:
            return unit.name
    return ""


def closed_note(kind: str, period_start: dt.date, now: dt.datetime) -> str:
    issued = f"{timezone.localtime(now):%Y-%m-%d %H:%M}"
    if kind == ReportKind.MONTHLY:
        end = add_months(period_start, 1) - dt.timedelta(days=1)
        return (
            f"统计期 {period_start:%Y年%m月%d日} 至 {end:%Y年%m月%d日}，已截止；数据截至签发时"
            f"（{issued}），签发后本报告不再变动，如有更正另行发布更正报告。"
        )
    return (
        f"统计日 {period_start:%Y年%m月%d日}，已截止；数据截至签发时（{issued}），签发后本报告"
        "不再变动，如有更正另行发布更正报告。"
    )


def _check_period(kind: str, period_start: dt.date, now: dt.datetime) -> None:
    today = timezone.localtime(now).date()
    if kind == ReportKind.MONTHLY:
        if period_start.day != 1 or period_start >= today.replace(day=1):
            raise ValidationError(
                {"period": [_("A monthly report is issued once its month is over.")]}
            )
    elif period_start > today:
        raise ValidationError({"period": [_("A daily report cannot be issued for a future day.")]})


def _render(
    kind: str, period_start: dt.date, district: OrgUnit | None, mark: IssueMark, now: dt.datetime
) -> tuple[str, str, str, bytes, bytes | None]:
    """(title, summary, html, docx, pdf) of the report as issued."""
    with tempfile.TemporaryDirectory(prefix="lw-report-") as folder:
        files = Path(folder)
        if kind == ReportKind.DAILY:
            daily = daily_report(period_start, district=district, now=now)
            write_report(daily, files / "report.html", mark)
            write_report(daily, files / "report.docx", mark)
            title, text, pdf = daily_title(daily), summary(daily), None
        else:
            monthly = city_monthly_report(month=period_start, district=district)
            for file_format in ("html", "docx", "pdf"):
                write_monthly_report(monthly, files / f"report.{file_format}", file_format, mark)
            title = monthly.title
            text = _("%(total)d demands, %(suggestions)d suggestions") % {
                "total": monthly.total,
                "suggestions": len(monthly.suggestions),
            }
            pdf = (files / "report.pdf").read_bytes()
        html = (files / "report.html").read_text(encoding="utf-8")
        return title, text, html, (files / "report.docx").read_bytes(), pdf


def _notify_readers(report: IssuedReport, now: dt.datetime) -> None:
    """A district's report to its district union; the city's to the centre and the leaders."""
    message = _("Report issued: %(title)s (%(number)s).") % {
        "title": report.title,
        "number": report.number,
    }
    units: list[OrgUnit] = []
    users: list[User] = []
    if report.district is not None:
        units = [report.district]
    else:
        users = [*centre_users(), *User.objects.filter(is_active=True, role=Role.LEADER)]
    notify(
        kind=Notification.Kind.REPORT,
        message=message,
        key=f"report:{report.pk}",
        url=f"/reports/{report.pk}/",
        org_units=units,
        users=users,
        now=now,
    )


@transaction.atomic
def _take_number(kind: str, now: dt.datetime) -> str:
    local = timezone.localtime(now)
    sequence = take_sequence(NUMBER_PREFIX[ReportKind(kind)], local.year)
    # A document number, part of the Chinese document like its other marks.
    return f"{NUMBER_WORDS[ReportKind(kind)]}〔{local.year}〕{sequence}号"


def report_issue(
    *,
    kind: str,
    period_start: dt.date,
    district: OrgUnit | None = None,
    actor: User | None,
    correction_note: str = "",
    now: dt.datetime | None = None,
) -> IssuedReport:
    """Issue the report of a period (`actor` None: the schedule). A period already issued
    takes a correction with its reason; without one the call is refused.

    Rendering a monthly report with its charts takes seconds, so it runs between two short
    transactions, not inside one: the number is taken first (a report that then fails to
    render leaves a gap in the numbers), and the report, its notifications and its audit event
    are written together at the end. On SQLite a long write transaction would hold every other
    writer (a sign-in, an intake) for its whole length."""
    now = now or timezone.now()
    if actor is not None and not may_issue(actor):
        raise PermissionDenied
    if kind not in ReportKind.values:
        raise ValidationError({"kind": [_("Unknown report kind.")]})
    _check_period(kind, period_start, now)
    scope_code = district.code if district is not None else "city"
    original = IssuedReport.objects.filter(
        kind=kind, period_start=period_start, scope_code=scope_code, corrects=None
    ).first()
    correction_note = correction_note.strip()
    if original is not None and not correction_note:
        raise _already_issued(original)
    number = _take_number(kind, now)
    if original is not None:
        number += "（更正）"
    mark = IssueMark(
        unit=issuing_unit(),
        number=number,
        issued_at=timezone.localtime(now),
        closed_note=closed_note(kind, period_start, now),
        correction=(
            f"本报告更正{original.number}：{correction_note}" if original is not None else ""
        ),
    )
    title, text, html, docx, pdf = _render(kind, period_start, district, mark, now)
    try:
        with transaction.atomic():
            report = IssuedReport.objects.create(
                kind=kind,
                period_start=period_start,
                district=district,
                scope_code=scope_code,
                number=number,
                issuing_unit=mark.unit,
                title=title,
                summary=text,
                issued_at=now,
                issued_by=actor,
                corrects=original,
                correction_note=correction_note if original is not None else "",
                html=html,
                docx=docx,
                pdf=pdf,
            )
            _notify_readers(report, now)
            record_event(
                actor=actor,
                action="report.correct" if original is not None else "report.issue",
                target=report,
                org_unit=district,
                actor_label="" if actor is not None else "schedule",
                after={"kind": kind, "period": report.period_label, "number": number},
                reason=correction_note,
                at=now,
            )
    except IntegrityError as error:
        # Someone issued the period's original while this one rendered.
        raced = IssuedReport.objects.filter(
            kind=kind, period_start=period_start, scope_code=scope_code, corrects=None
        ).first()
        if raced is None:
            raise
        raise _already_issued(raced) from error
    return report


def _already_issued(original: IssuedReport) -> ValidationError:
    return ValidationError(
        {
            "correction_note": [
                _(
                    "%(number)s already reports this period: say what a correction "
                    "changes to issue one."
                )
                % {"number": original.number}
            ]
        }
    )
