"""Reports in the browser: the list by date and district in each persona's scope, a report
opened as HTML and downloaded as Word or PDF, the centre issuing and correcting, the running
month refused, the on-demand preview."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
import time_machine

from laborwatch.core.models import AuditEvent
from laborwatch.reports.models import IssuedReport
from laborwatch.reports.services import report_issue
from tests.cases.views_support import local, make_case
from tests.factories import make_enterprise
from tests.personas import ALL_PERSONAS
from tests.warnings.support import signal, sync

NOW = local(2025, 4, 2, 9, 0)
DAY = dt.date(2025, 4, 1)
MARCH = dt.date(2025, 3, 1)


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def issued(org_units, at_now) -> dict[str, IssuedReport]:
    shinan, huangdao = org_units["shinan"], org_units["huangdao"]
    firm = make_enterprise(shinan, name="青岛海岸电子有限公司", employee_count=120)
    other = make_enterprise(huangdao, name="青岛西海岸造船有限公司", employee_count=30)
    make_case(firm, received_at=local(2025, 3, 5, 10), now=local(2025, 3, 5, 10))
    sync(DAY, signal(firm, "red"), signal(other, "yellow"))
    return {
        "daily_city": report_issue(kind="daily", period_start=DAY, actor=None, now=NOW),
        "daily_shinan": report_issue(
            kind="daily", period_start=DAY, district=shinan, actor=None, now=NOW
        ),
        "monthly_city": report_issue(kind="monthly", period_start=MARCH, actor=None, now=NOW),
        "monthly_shinan": report_issue(
            kind="monthly", period_start=MARCH, district=shinan, actor=None, now=NOW
        ),
    }


LISTED = {
    "owner": {"daily_shinan", "monthly_shinan"},
    "colleague": {"daily_shinan", "monthly_shinan"},
    "outsider": set(),
}


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_the_list_shows_each_persona_its_scope(request, issued, client_for, persona) -> None:
    response = client_for(request.getfixturevalue(persona)).get("/reports/")
    if persona == "liaison":
        assert response.status_code == 404
        return
    assert response.status_code == 200
    shown = {report.pk for report in response.context["page"]}
    expected = LISTED.get(persona, set(issued))
    assert shown == {issued[name].pk for name in expected}


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_opening_and_downloading_follow_the_scope(request, issued, client_for, persona) -> None:
    client = client_for(request.getfixturevalue(persona))
    for name, report in issued.items():
        may = persona != "liaison" and name in LISTED.get(persona, set(issued))
        opened = client.get(f"/reports/{report.pk}/")
        word = client.get(f"/reports/{report.pk}/docx/")
        assert (opened.status_code, word.status_code) == ((200, 200) if may else (404, 404))
        if may:
            assert opened["Content-Security-Policy"].startswith("default-src 'none'")
            assert report.number in opened.content.decode()
            assert word.content[:2] == b"PK"


def test_the_issued_files_carry_the_marks(issued, client_for, leader) -> None:
    client = client_for(leader)
    monthly = issued["monthly_city"]
    assert monthly.number == "热线月报〔2025〕1号"
    assert issued["daily_city"].number == "预警日报〔2025〕1号"
    assert issued["daily_shinan"].number == "预警日报〔2025〕2号"
    html = client.get(f"/reports/{monthly.pk}/").content.decode()
    assert "发文单位：青岛市总工会职工服务中心" in html
    assert "统计期 2025年03月01日 至 2025年03月31日，已截止" in html
    assert "counter(page)" in html
    word = docx.Document(io.BytesIO(client.get(f"/reports/{monthly.pk}/docx/").content))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "文号：热线月报〔2025〕1号" in text
    footer = word.sections[0].footer.paragraphs[0]._p.xml
    assert 'w:instr="PAGE"' in footer
    pdf = client.get(f"/reports/{monthly.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
    assert "attachment; filename*=UTF-8''" in pdf["Content-Disposition"]
    # A daily report has no PDF.
    assert client.get(f"/reports/{issued['daily_city'].pk}/pdf/").status_code == 404
    daily = client.get(f"/reports/{issued['daily_shinan'].pk}/").content.decode()
    assert "市南区企业风险预警日报" in daily
    assert "青岛西海岸造船有限公司" not in daily  # 黄岛区's enterprise is not in 市南区's


def test_the_centre_issues_and_corrects(issued, client_for, centre_staff, at_now) -> None:
    client = client_for(centre_staff)
    again = client.post("/reports/issue/", {"kind": "monthly", "month": "2025-03"})
    assert again.status_code == 400
    assert "已报告该统计期" in again.content.decode()
    assert IssuedReport.objects.count() == 4
    corrected = client.post(
        "/reports/issue/",
        {"kind": "monthly", "month": "2025-03", "correction_note": "补录3月31日受理的工单"},
    )
    assert corrected.status_code == 302
    correction = IssuedReport.objects.get(corrects=issued["monthly_city"])
    assert correction.number == "热线月报〔2025〕3号（更正）"
    assert correction.issued_by == centre_staff
    assert "本报告更正热线月报〔2025〕1号：补录3月31日受理的工单" in correction.html
    # The original stays as it was issued.
    original = IssuedReport.objects.get(pk=issued["monthly_city"].pk)
    assert original.html == issued["monthly_city"].html
    assert AuditEvent.objects.filter(action="report.correct", actor=centre_staff).count() == 1
    listed = client.get("/reports/").content.decode()
    assert "更正" in listed and "补录3月31日受理的工单" in listed


def test_the_running_month_is_not_issued(issued, client_for, centre_staff, at_now) -> None:
    response = client_for(centre_staff).post(
        "/reports/issue/", {"kind": "monthly", "month": "2025-04"}
    )
    assert response.status_code == 400
    assert "月份结束后" in response.content.decode()
    assert IssuedReport.objects.count() == 4


@pytest.mark.parametrize("persona", ["leader", "auditor", "owner", "liaison"])
def test_only_the_centre_issues(request, issued, client_for, persona) -> None:
    response = client_for(request.getfixturevalue(persona)).post(
        "/reports/issue/", {"kind": "daily", "day": "2025-04-01", "correction_note": "x"}
    )
    assert response.status_code == 404
    assert IssuedReport.objects.count() == 4


def test_preview_is_generated_on_demand_in_scope(issued, client_for, owner, leader) -> None:
    own = client_for(owner).get("/reports/preview/?kind=daily&day=2025-04-01")
    assert own.status_code == 200
    assert "市南区企业风险预警日报" in own.content.decode()
    city = client_for(leader).get("/reports/preview/?kind=monthly&month=2025-04")
    assert city.status_code == 200
    assert "全市12351职工服务热线2025年4月分析报告" in city.content.decode()
    assert client_for(leader).get("/reports/preview/?kind=monthly&month=2025-05").status_code == 404
    assert IssuedReport.objects.count() == 4
