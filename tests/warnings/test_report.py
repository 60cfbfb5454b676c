"""`laborwatch report daily`: the HTML and Word files and their figures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import pytest
import time_machine

from laborwatch.cli import main
from laborwatch.reports.daily.report import daily_report, summary
from tests.factories import make_enterprise
from tests.warnings.support import DAY0, T0, signal, sync

pytestmark = pytest.mark.django_db
DAY1 = DAY0 + dt.timedelta(days=1)


@pytest.fixture
def two_days(registry, org_units, settings) -> None:
    """Day 0: three warnings. Day 1: one escalated, one de-escalated, one resolved, one new."""
    settings.LABORWATCH_WARNINGS = {"clean_days": 1}
    builder = make_enterprise(org_units["shinan"], name="青岛建工集团", industry="E")
    shipyard = registry.huangdao_enterprise
    with time_machine.travel(T0, tick=False):
        sync(
            DAY0,
            signal(registry.shinan_enterprise, "yellow", "si_arrears"),
            signal(shipyard, "red", "layoff_size", risk_type="mass_layoff"),
            signal(builder, "orange", "wage_account_unpaid"),
        )
        sync(
            DAY1,
            signal(registry.shinan_enterprise, "red", "si_arrears", "labor_cases"),
            signal(shipyard, "orange", "layoff_size", risk_type="mass_layoff"),
            signal(shipyard, "blue", "collective_complaints", risk_type="collective_dispute"),
        )


def test_daily_figures(two_days) -> None:
    with time_machine.travel(T0, tick=False):
        report = daily_report(DAY1)
    assert report.change_rows() == [
        ("新发", [0, 0, 0, 1], 1),
        ("升级", [1, 0, 0, 0], 1),
        ("降级", [0, 1, 0, 0], 1),
        ("自动解除", [0, 1, 0, 0], 1),
    ]
    assert report.active == {"red": 1, "orange": 1, "yellow": 0, "blue": 1}
    rows = dict(report.district_rows())
    assert rows["市南区"] == [0, 1, 0, 1, 1, 0, 0, 0]
    assert rows["黄岛区"] == [1, 0, 1, 0, 0, 1, 0, 1]
    assert [t.enterprise for t in report.top] == ["青岛海岸电子有限公司", "青岛西海岸造船有限公司"]
    assert report.top[0].evidence[0].startswith("社保连续欠缴月数：2 月（人社）")


def test_figures_after_a_gap_say_the_days_they_cover(registry, settings) -> None:
    """Score days a month apart: a warning silent on one resolves on the next, with every
    other that fell silent in between, and the report says its figures are the month's."""
    settings.LABORWATCH_WARNINGS = {"clean_days": 7}
    day30, day60 = DAY0 + dt.timedelta(days=30), DAY0 + dt.timedelta(days=60)
    shipyard = signal(registry.huangdao_enterprise, "blue")
    with time_machine.travel(T0, tick=False):
        sync(DAY0, signal(registry.shinan_enterprise, "yellow"))
        sync(day30, shipyard)  # 市南区's signal stops: one clean day so far
        sync(day60, shipyard)  # 30 days later: 30 days without a signal
        report = daily_report(day60)
    assert report.previous_day == day30
    assert report.change_rows()[3] == ("自动解除", [0, 0, 1, 0], 1)
    assert (
        "自动解除 1 条。自动解除指连续 7 天无预警信号的预警。"
        "上一评分日为 2025年04月04日，以上为其后 30 天的累计变化。"
    ) in summary(report)


def test_report_files(two_days, tmp_path: Path, capsys) -> None:
    html_path, docx_path = tmp_path / "daily.html", tmp_path / "daily.docx"
    with time_machine.travel(T0, tick=False):
        assert main(["report", "daily", "--date", "2025-03-06", "--out", str(html_path)]) == 0
        assert main(["report", "daily", "--out", str(docx_path)]) == 0  # latest day by default
    out = capsys.readouterr().out
    assert (
        "2025年03月06日，全市新发预警 1 条，升级 1 条，降级 1 条，自动解除 1 条。"
        "自动解除指连续 1 天无预警信号的预警。截至当日在办预警 3 条"
    ) in out

    html = html_path.read_text(encoding="utf-8")
    assert "<title>企业风险预警日报（2025年03月06日）</title>" in html
    assert '<table id="changes">' in html and '<table id="districts">' in html
    assert "<td>市南区</td>" in html and "青岛海岸电子有限公司" in html
    assert "<link" not in html and "<script" not in html  # no external assets

    document = docx.Document(str(docx_path))
    headings = [
        p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))
    ]
    assert headings[:4] == [
        "企业风险预警日报（2025年03月06日）",
        "一、总体情况",
        "二、分区市情况",
        "三、重点企业",
    ]
    assert headings[4] == "1. 青岛海岸电子有限公司（红色预警 · 欠薪风险）"
    changes, districts = document.tables
    assert [c.text for c in changes.rows[0].cells] == [
        "变化",
        "红色",
        "橙色",
        "黄色",
        "蓝色",
        "合计",
    ]
    assert [c.text for c in changes.rows[1].cells] == ["新发", "0", "0", "0", "1", "1"]
    assert [c.text for c in changes.rows[5].cells] == ["在办", "1", "1", "0", "1", "3"]
    shinan = next(r for r in districts.rows if r.cells[0].text == "市南区")
    assert [c.text for c in shinan.cells] == ["市南区", "0", "1", "0", "1", "1", "0", "0", "0"]


def test_report_refuses_unknown_format(two_days, tmp_path: Path) -> None:
    assert main(["report", "daily", "--out", str(tmp_path / "daily.pdf")]) == 2


def test_report_without_warnings(org_units, tmp_path: Path, capsys) -> None:
    assert main(["report", "daily", "--out", str(tmp_path / "x.html")]) == 1
    assert "尚无预警数据" in capsys.readouterr().err
