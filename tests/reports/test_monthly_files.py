"""`laborwatch report monthly` end to end: cases taken in through the intake service and moved
through their loop in September and October, then the Word, HTML and PDF files of October."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import docx
import pytest
import time_machine

from laborwatch.cases.services import (
    case_accept,
    case_contact,
    case_give_feedback,
    case_intake,
    case_resolve,
    case_start_handling,
)
from laborwatch.cli import main
from laborwatch.reports.render.font import FONT_NAME
from tests.factories import make_enterprise, valid_mobile

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
REPORT_DAY = dt.datetime(2026, 11, 5, 9, 0, tzinfo=SHANGHAI)


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def take_case(
    actor,
    received_at: dt.datetime,
    *,
    employer=None,
    district=None,
    feedback_after_hours: int = 2,
    resolve_after_days: int | None = None,
    request_type: str = "help",
):
    with time_machine.travel(received_at, tick=False):
        case = case_intake(
            actor=None,
            channel="hotline_12351",
            caller_name="王五",
            caller_phone=valid_mobile(),
            description="公司拖欠我两个月工资共12000元，老板一直推脱。",
            category="WAGE.ARREARS.MIGRANT",
            employer_credit_code=employer.credit_code if employer else "",
            employer_name="" if employer else "某物流公司",
            request_type=request_type,
            district=district,
        ).case
        case = case_accept(case=case, actor=actor)
        case = case_contact(case=case, actor=actor, worker_reached=True, employer_reached=True)
    with time_machine.travel(received_at + dt.timedelta(hours=feedback_after_hours), tick=False):
        case = case_give_feedback(case=case, actor=actor, note="已告知处理进度")
        case = case_start_handling(case=case, actor=actor, method="mediation")
    if resolve_after_days is not None:
        with time_machine.travel(received_at + dt.timedelta(days=resolve_after_days), tick=False):
            case = case_resolve(
                case=case,
                actor=actor,
                wages_recovered=Decimal("12000"),
                workers_covered=1,
                method="mediation",
                union_role="led",
                note="调解后企业支付工资",
            )
    return case


@pytest.fixture
def two_months(org_units, centre_staff) -> None:
    shinan, huangdao = org_units["shinan"], org_units["huangdao"]
    builder = make_enterprise(shinan, name="青岛鑫瑞泰建筑工程有限公司", industry="E")
    for day in (3, 10, 17):
        take_case(centre_staff, local(2026, 9, day, 10), district=huangdao, resolve_after_days=5)
    # October: three workers against one builder (a group case), two more; one late feedback.
    for day in (8, 9, 10):
        take_case(
            centre_staff,
            local(2026, 10, day, 10),
            employer=builder,
            district=shinan,
            resolve_after_days=3,
        )
    take_case(centre_staff, local(2026, 10, 20, 10), district=huangdao, feedback_after_hours=30)
    take_case(centre_staff, local(2026, 10, 21, 10), district=huangdao, request_type="consultation")


def run(*args: str) -> int:
    with time_machine.travel(REPORT_DAY, tick=False):
        return main(["report", "monthly", *args])


def table_with(document, first_header: str):
    return next(t for t in document.tables if t.rows[0].cells[0].text == first_header)


def test_docx_html_and_pdf(two_months, tmp_path: Path, capsys) -> None:
    paths = {kind: tmp_path / f"2026-10.{kind}" for kind in ("docx", "html", "pdf")}
    for kind, path in paths.items():
        assert run("--month", "2026-10", "--format", kind, "--out", str(path)) == 0
    out = capsys.readouterr().out
    assert "全市12351职工服务热线2026年10月分析报告：诉求 5 件" in out
    assert f"月度报告已写入：{paths['docx']}" in out

    document = docx.Document(str(paths["docx"]))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:4] == [
        "一、总体情况",
        "二、诉求类别",
        "三、区域与行业分布",
        "四、诉求集中的企业",
    ]
    assert headings[-2:] == ["八、舆情核实", "九、预警建议"]
    figures = {
        row.cells[0].text: [c.text for c in row.cells[1:]]
        for row in table_with(document, "指标").rows
    }
    assert figures["本月受理工单（件）"] == ["5", "3"]
    assert figures["24小时反馈率"] == ["80.0%", "100.0%"]
    assert figures["本月办结工单（件）"] == ["3", "3"]
    assert figures["追回工资（元）"] == ["36,000.00", "36,000.00"]
    types = {row.cells[0].text: row.cells[1].text for row in table_with(document, "诉求类型").rows}
    assert types == {"诉求类型": "件数", "求助": "4", "咨询": "1"}
    channels = {
        row.cells[0].text: row.cells[1].text for row in table_with(document, "受理渠道").rows
    }
    assert channels == {"受理渠道": "件数", "12351热线": "5"}  # the work order's own labels
    enterprise = table_with(document, "企业").rows[1].cells
    assert [c.text for c in enterprise[:5]] == [
        "青岛鑫瑞泰建筑工程有限公司",
        "市南区",
        "建筑业",
        "3",
        "3",
    ]
    assert len(document.inline_shapes) == 4
    styles = document.styles.element.xml
    assert 'w:eastAsia="宋体"' in styles

    html = paths["html"].read_text(encoding="utf-8")
    assert html.count('<img src="data:image/png;base64,') == 4
    assert "二、诉求类别" in html and "青岛鑫瑞泰建筑工程有限公司" in html

    pdf = paths["pdf"].read_bytes()
    assert pdf.startswith(b"%PDF")
    assert f"+{FONT_NAME}-Regular".encode() in pdf
    assert b"/FontFile2" in pdf  # the TrueType font program is embedded


def test_a_month_without_cases(org_units, tmp_path: Path) -> None:
    out = tmp_path / "empty.docx"
    assert run("--month", "2026-06", "--out", str(out)) == 0
    texts = [p.text for p in docx.Document(str(out)).paragraphs]
    assert "2026年6月全市未受理职工诉求，本月无统计数据。" in texts


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2026-13", "月份格式应为 YYYY-MM，例如 2026-10：2026-13"),
        ("202610", "月份格式应为 YYYY-MM，例如 2026-10：202610"),
        ("2026-12", "2026-12 尚未开始：请选择本月或之前的月份。"),
    ],
)
def test_bad_month(org_units, tmp_path: Path, capsys, month: str, message: str) -> None:
    out = tmp_path / "bad.docx"
    assert run("--month", month, "--out", str(out)) == 2
    assert capsys.readouterr().err.strip() == message
    assert not out.exists()


def test_unknown_format_and_district(org_units, tmp_path: Path, capsys) -> None:
    assert run("--month", "2026-10", "--out", str(tmp_path / "report.txt")) == 2
    assert "请用 --format 指定 docx、html 或 pdf" in capsys.readouterr().err
    args = ("--month", "2026-10", "--district", "nowhere", "--out", str(tmp_path / "r.docx"))
    assert run(*args) == 2
    assert capsys.readouterr().err.strip() == "没有代码为 nowhere 的区（市）工会。"
