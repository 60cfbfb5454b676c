"""Warning pages: access per persona on every view, board filters and export, the loop forms,
opening a work order, the enterprise risk profile."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
import time_machine

from laborwatch.cases.models import Case
from laborwatch.core.models import AuditEvent
from laborwatch.warnings.models import Warning, WarningRouting, WarningStep
from tests.cases.views_support import read_xlsx
from tests.factories import make_enterprise
from tests.warnings.support import DAY0, T0, local, only_warning, signal, sync

pytestmark = pytest.mark.django_db


@pytest.fixture
def shinan_warning(registry) -> Warning:
    """An orange wage-arrears warning in 市南区, routed to 市南区 and labour inspection."""
    with time_machine.travel(T0, tick=False):
        sync(DAY0, signal(registry.shinan_enterprise, "orange", "si_arrears"), now=T0)
    return only_warning(enterprise=registry.shinan_enterprise)


def snapshot() -> dict[str, Any]:
    return {
        "warnings": list(Warning.objects.values()),
        "routings": list(WarningRouting.objects.values()),
        "steps": WarningStep.objects.count(),
        "cases": Case.objects.count(),
        "events": AuditEvent.objects.count(),
    }


def pages(warning: Warning) -> list[str]:
    return [
        f"/warnings/{warning.pk}/",
        f"/warnings/{warning.pk}/work-order/",
        f"/warnings/enterprises/{warning.enterprise.credit_code}/",
    ]


def posts(warning: Warning) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"/warnings/{warning.pk}/acknowledge/", {}),
        (
            f"/warnings/{warning.pk}/steps/",
            {"kind": "verification", "outcome": "confirmed", "note": "属实", "version": 1},
        ),
        (
            f"/warnings/{warning.pk}/work-order/",
            {
                "caller_name": "刘强",
                "caller_phone": "13912345670",
                "category": "WAGE.ARREARS",
                "description": "欠薪",
                "workers_involved": 3,
                "version": 1,
            },
        ),
    ]


def test_outsider_gets_404_everywhere_and_changes_nothing(
    shinan_warning, outsider, client_for
) -> None:
    client = client_for(outsider)
    before = snapshot()
    for url in pages(shinan_warning):
        assert client.get(url).status_code == 404, url
    for url, data in posts(shinan_warning):
        assert client.post(url, data).status_code == 404, url
    assert snapshot() == before
    board = client.get("/warnings/")
    assert board.status_code == 200
    assert str(shinan_warning) not in board.content.decode()


def test_missing_warning_is_404(shinan_warning, owner, client_for) -> None:
    client = client_for(owner)
    assert client.get("/warnings/999999/").status_code == 404
    assert client.post("/warnings/999999/acknowledge/").status_code == 404


def test_owner_and_colleague_see_and_act(shinan_warning, owner, colleague, client_for) -> None:
    assert client_for(owner).post(posts(shinan_warning)[0][0]).status_code == 302  # signed for
    for user in (owner, colleague):
        client = client_for(user)
        for url in pages(shinan_warning):
            assert client.get(url).status_code == 200, (user, url)
    page = client_for(owner).get(f"/warnings/{shinan_warning.pk}/").content.decode()
    assert "社保连续欠缴月数" in page  # the indicator's Chinese label from the rules file
    assert "2 月" in page
    assert "市南区" in page and "人社局劳动保障监察" in page
    assert "签收" in page


def test_liaison_sees_routed_warnings_only(registry, shinan_warning, liaison, client_for) -> None:
    with time_machine.travel(T0, tick=False):
        sync(
            DAY0,
            signal(registry.shinan_enterprise, "orange", "si_arrears"),
            signal(registry.huangdao_enterprise, "yellow", "revenue_drop_wages"),
        )
    not_routed = only_warning(enterprise=registry.huangdao_enterprise)
    client = client_for(liaison)
    board = client.get("/warnings/").content.decode()
    assert str(shinan_warning) in board and str(not_routed) not in board
    page = client.get(f"/warnings/{shinan_warning.pk}/")
    assert page.status_code == 200
    # Its department must sign for it: the page offers that and does not call it read-only.
    assert "签收" in page.content.decode() and "但不能办理" not in page.content.decode()
    assert client.get(f"/warnings/{not_routed.pk}/").status_code == 404
    # The enterprise registry stays closed to liaisons, and so does opening a work order.
    assert client.get(pages(shinan_warning)[2]).status_code == 404
    before = snapshot()
    assert client.post(*posts(shinan_warning)[2]).status_code == 403
    # A liaison verifies only once its department has signed for the warning.
    assert client.post(*posts(shinan_warning)[1]).status_code == 400
    assert snapshot() == before


def test_leader_reads_but_cannot_act(shinan_warning, leader, client_for) -> None:
    client = client_for(leader)
    assert client.get(f"/warnings/{shinan_warning.pk}/").status_code == 200
    before = snapshot()
    for url, data in posts(shinan_warning):
        assert client.post(url, data).status_code == 403, url
    assert snapshot() == before


def test_sign_for_from_the_page(shinan_warning, owner, client_for) -> None:
    with time_machine.travel(local(2025, 3, 5, 11, 0), tick=False):
        response = client_for(owner).post(f"/warnings/{shinan_warning.pk}/acknowledge/")
    assert response.status_code == 302
    routing = WarningRouting.objects.get(org_unit__code="shinan")
    assert (routing.acknowledged_by, routing.acknowledged_at) == (owner, local(2025, 3, 5, 11, 0))
    assert only_warning(pk=shinan_warning.pk).status == "verifying"


def test_loop_steps_from_the_page(shinan_warning, owner, client_for) -> None:
    client = client_for(owner)
    url = f"/warnings/{shinan_warning.pk}/steps/"
    verify = {"kind": "verification", "outcome": "confirmed", "note": "走访核实属实", "version": 1}
    before_signing = client.post(url, verify)
    assert before_signing.status_code == 400
    assert "请先签收该预警" in before_signing.content.decode()
    assert client.post(posts(shinan_warning)[0][0]).status_code == 302
    signed = only_warning(pk=shinan_warning.pk).version
    response = client.post(url, {**verify, "version": signed})
    assert response.status_code == 302
    stale = client.post(
        url, {"kind": "service", "outcome": "legal_aid", "note": "援助", "version": signed}
    )
    assert stale.status_code == 409
    assert "此预警已被修改" in stale.content.decode()
    now = signed + 1
    missing = client.post(url, {"kind": "service", "outcome": "", "note": "", "version": now})
    assert missing.status_code == 400
    ok = client.post(
        url, {"kind": "service", "outcome": "legal_aid", "note": "援助", "version": now}
    )
    assert ok.status_code == 302
    assert list(WarningStep.objects.values_list("kind", "outcome")) == [
        ("verification", "confirmed"),
        ("service", "legal_aid"),
    ]
    page = client.get(f"/warnings/{shinan_warning.pk}/").content.decode()
    assert "走访核实属实" in page and "法律援助" in page


def test_open_a_work_order_from_the_page(shinan_warning, owner, client_for) -> None:
    client = client_for(owner)
    unsigned = client.get(f"/warnings/{shinan_warning.pk}/work-order/", follow=True)
    assert unsigned.redirect_chain == [(f"/warnings/{shinan_warning.pk}/", 302)]
    assert "请先签收该预警" in unsigned.content.decode()
    assert client.post(posts(shinan_warning)[0][0]).status_code == 302  # signed for first
    form = client.get(f"/warnings/{shinan_warning.pk}/work-order/").content.decode()
    assert "社保连续欠缴月数 2 月" in form  # the description is prefilled from the evidence
    path, data = posts(shinan_warning)[2]
    version = only_warning(pk=shinan_warning.pk).version
    response = client.post(path, {**data, "version": version})
    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"] == f"/cases/{case.number}/"
    assert only_warning(pk=shinan_warning.pk).case == case
    assert (case.employer, case.workers_involved) == (shinan_warning.enterprise, 3)
    assert client.get(f"/warnings/{shinan_warning.pk}/work-order/").status_code == 404


def test_board_filters(registry, org_units, centre_staff, client_for) -> None:
    builder = make_enterprise(org_units["shinan"], name="青岛建工集团", industry="E")
    with time_machine.travel(T0, tick=False):
        sync(
            DAY0,
            signal(registry.shinan_enterprise, "red", "si_arrears"),
            signal(registry.huangdao_enterprise, "yellow", "layoff_size", risk_type="mass_layoff"),
            signal(builder, "orange", "wage_account_unpaid"),
        )
    client = client_for(centre_staff)

    def listed(**query: str) -> set[str]:
        content = client.get("/warnings/", query).content.decode()
        return {w.enterprise.name for w in Warning.objects.all() if str(w) in content}

    everyone = {"青岛海岸电子有限公司", "青岛西海岸造船有限公司", "青岛建工集团"}
    assert listed() == everyone
    assert listed(grade="red") == {"青岛海岸电子有限公司"}
    assert listed(district="huangdao") == {"青岛西海岸造船有限公司"}
    assert listed(industry="E") == {"青岛建工集团"}
    assert listed(risk_type="mass_layoff") == {"青岛西海岸造船有限公司"}
    assert listed(status="closed") == set()
    assert listed(q="建工") == {"青岛建工集团"}
    with time_machine.travel(local(2025, 3, 5, 13, 0), tick=False):  # red is 2 h: now overdue
        assert listed(overdue="on") == {"青岛海岸电子有限公司"}


def test_board_export(shinan_warning, owner, client_for) -> None:
    response = client_for(owner).get("/warnings/", {"format": "xlsx"})
    assert response.status_code == 200
    rows = read_xlsx(response.content)
    assert rows[0][:4] == ["编号", "预警等级", "风险类型", "企业"]
    assert rows[1][:4] == [str(shinan_warning), "橙色", "欠薪风险", "青岛海岸电子有限公司"]
    assert AuditEvent.objects.filter(action="warning.export").count() == 1


def test_profile_shows_indicator_history(
    shinan_warning, owner, client_for, settings, tmp_path
) -> None:
    import datetime as dt

    from laborwatch.risk import store
    from laborwatch.risk.scoring import feed_frame

    settings.DATA_DIR = tmp_path
    code = shinan_warning.enterprise.credit_code
    for day, months in ((dt.date(2025, 1, 31), 1.0), (dt.date(2025, 2, 28), 2.0)):
        import pyarrow as pa

        table = pa.table(
            {
                "credit_code": [code],
                "si_arrears_months": [months],
                # missing (no project): shown as missing, never as zero
                "wage_account_unpaid_months": pa.array([None], pa.float64()),
                "as_of": pa.array([day], pa.date32()),
            }
        )
        store.write_table(table, tmp_path / "scores" / day.isoformat() / "indicators.parquet")
    assert feed_frame  # the engine's helpers stay importable without Django
    page = client_for(owner).get(f"/warnings/enterprises/{code}/").content.decode()
    assert "2025-02" in page and "2025-01" in page
    assert "社保连续欠缴月数" in page
    assert str(shinan_warning) in page
    # The history as lines: one chart per indicator with a value, oldest month first.
    charts = client_for(owner).get(f"/warnings/enterprises/{code}/").context["charts"]
    assert list(charts) == ["si_arrears_months"]
    line = charts["si_arrears_months"]
    assert line["xAxis"]["data"] == ["2025-01", "2025-02"]
    assert line["series"][0]["data"] == [1.0, 2.0]
    assert "/static/vendor/echarts/echarts.min.js" in page
    row = page.split("工资专户连续未发放月数")[1].split("</tr>")[0]
    assert row.count(">—</td>") == 2 and ">0" not in row
    assert "数据尚未送达" in page  # the note on missing values


def test_enterprise_page_links_to_the_profile(shinan_warning, owner, client_for) -> None:
    code = shinan_warning.enterprise.credit_code
    page = client_for(owner).get(f"/enterprises/{code}/").content.decode()
    assert f"/warnings/enterprises/{code}/" in page


@pytest.mark.parametrize("persona", ["owner", "colleague", "centre_staff", "leader"])
def test_enterprise_page_shows_its_warnings_and_work_orders(
    request, shinan_warning, client_for, persona
) -> None:
    from tests.cases.views_support import make_case

    case = make_case(shinan_warning.enterprise)
    response = client_for(request.getfixturevalue(persona)).get(
        f"/enterprises/{shinan_warning.enterprise.credit_code}/"
    )
    assert [w.pk for w in response.context["active_warnings"]] == [shinan_warning.pk]
    assert [c.number for c in response.context["cases"]] == [case.number]
    assert f"/warnings/{shinan_warning.pk}/" in response.content.decode()


def test_navigation_enables_warnings(owner, client_for) -> None:
    page = client_for(owner).get("/warnings/").content.decode()
    assert '<a href="/warnings/" class="active">' in page


OVERDUE = '<span class="light light-red">逾期</span>'


def test_inbox_lists_warnings_my_unit_must_sign_for(
    shinan_warning, owner, colleague, outsider, liaison, centre_staff, client_for
) -> None:
    def inbox(user, at: dt.datetime | None = None) -> str:
        with time_machine.travel(at or local(2025, 3, 7, 9, 0), tick=False):  # orange: 24 h
            return client_for(user).get("/cases/inbox/").content.decode()

    for user in (owner, liaison):  # the district and the department it was routed to
        page = inbox(user)
        assert str(shinan_warning) in page and OVERDUE in page
        assert page.count(f"<code>{shinan_warning}</code>") == 1  # one row, not in <title>
        assert "<title>我的待办 ·" in page
        page = inbox(user, at=local(2025, 3, 5, 11, 0))
        assert str(shinan_warning) in page and OVERDUE not in page
    assert str(shinan_warning) not in inbox(outsider)
    assert "未按时签收的预警" in inbox(centre_staff)  # the centre follows escalations up
    assert 'href="/warnings/?overdue=1">1</a>' in inbox(centre_staff)
    with time_machine.travel(local(2025, 3, 7, 9, 30), tick=False):
        client_for(colleague).post(f"/warnings/{shinan_warning.pk}/acknowledge/")
    assert str(shinan_warning) not in inbox(owner)  # a colleague signed for the unit
    assert str(shinan_warning) in inbox(liaison)  # the department has not


# --- words that explain the numbers -------------------------------------------------------


def test_a_red_warning_scoring_40_says_which_rule_set_its_grade(
    registry, client_for, owner
) -> None:
    firm = registry.shinan_enterprise
    sync(DAY0, signal(firm, "red", "wage_account_unpaid", score=40.0))
    page = client_for(owner).get(f"/warnings/{only_warning(enterprise=firm).pk}/").content.decode()
    assert "仅按分数 40 为黄色；“工资专户未发放”达到红色档，该规则不论分数直接定级为红色。" in page


def test_an_orange_warning_on_points_says_the_line_it_reached(registry, client_for, owner) -> None:
    firm = registry.shinan_enterprise
    sync(DAY0, signal(firm, "orange", "si_arrears", score=62.5))
    page = client_for(owner).get(f"/warnings/{only_warning(enterprise=firm).pk}/").content.decode()
    assert "分数 62.5 达到橙色线（60 分）。" in page


def test_a_blue_warning_on_one_yellow_rule_explains_rule_levels(
    registry, client_for, owner
) -> None:
    firm = registry.shinan_enterprise
    evidence = signal(firm, "yellow", "revenue_drop_wages")
    blue = signal(firm, "blue", score=25.0)
    sync(DAY0, dataclasses.replace(blue, evidence=evidence.evidence))
    page = client_for(owner).get(f"/warnings/{only_warning(enterprise=firm).pk}/").content.decode()
    assert "<th>单项档位</th>" in page
    assert "因此单项为黄档的预警可能只是蓝色预警" in page
    assert "<td>应税收入下降（欠薪）</td>" in page
    assert "revenue_drop_wages" not in page
    assert "分数 25 达到蓝色线（20 分）。" in page


def test_signal_days_are_counted_in_all_not_as_consecutive(registry, client_for, owner) -> None:
    firm = registry.shinan_enterprise
    for offset in (0, 31, 61):
        sync(DAY0 + dt.timedelta(days=offset), signal(firm, "orange"))
    page = client_for(owner).get(f"/warnings/{only_warning(enterprise=firm).pk}/").content.decode()
    assert "累计 3 个评分日有信号" in page
    assert "连续预警" not in page
    board = client_for(owner).get("/warnings/").content.decode()
    assert '<th class="num">有信号评分日</th>' in board
    assert "预警等级取分数对应的等级（红色 80、橙色 60、黄色 40、蓝色 20 分起）" in board
