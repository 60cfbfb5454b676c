"""The issue's "done when", as a new user would go: ingest a week's vendor export, see the
events ranked by heat, verify one, open a work order from it, record the public response,
close it, export the list — with the owner, the colleague and the outsider along the way."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
import time_machine

from laborwatch.cases.models import Case
from laborwatch.cli import main
from laborwatch.opinion.models import Event, ResponseKind
from tests.opinion.support import local
from tests.opinion.test_intake import HEADER, INCIDENT

pytestmark = pytest.mark.django_db

# A week of posts: the 市南 wage protest told three times, a 黄岛 shipyard dispute told twice,
# and the noise a monitoring vendor also collects.
WEEK = [
    *INCIDENT,
    "今日头条,6601,,船厂工友,2025-03-03 09:00,,"
    "青岛西海岸造船有限公司拖欠工资，黄岛区数十名工人讨薪无果,5,2,20,800,山东",
    "微博,4890100,,热心市民,2025-03-03 11:00,,"
    "转发：青岛西海岸造船有限公司拖欠工资，黄岛区数十名工人讨薪无果,1,0,3,90,山东",
    "论坛,,https://bbs.example.cn/t/9,团购君,2025-03-02 06:00,,"
    "周末特惠！市南区万达广场新店开业，全场五折，欢迎光临,0,1,2,100,山东",
    "微信,wx-77,,本地美食,2025-03-04 12:00,探店,"
    "李沧区新开一家火锅店，味道不错，人均八十,2,3,40,900,山东",
]  # fmt: skip
MONDAY_NEXT = local(2025, 3, 5, 10, 0)


def test_done_when(tmp_path, registry, shinan, centre_staff, owner, colleague, outsider, client_for,
                   capsys):  # fmt: skip
    path = tmp_path / "舆情周报导出.csv"
    path.write_text("\n".join([HEADER, *WEEK]) + "\n", encoding="gbk")

    # 1. Ingest a week of posts.
    with time_machine.travel(MONDAY_NEXT, tick=False):
        assert main(["opinion", "ingest", str(path), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("读取 7 行：新增帖文 7 条")

    # 2. The events, hottest first: the two labour incidents are on the list, the noise not.
    centre = client_for(centre_staff)
    listed = list(centre.get("/opinion/").context["page"])
    assert len(listed) == 2
    assert [e.heat for e in listed] == sorted((e.heat for e in listed), reverse=True)
    incident = Event.objects.get(enterprise=registry.shinan_enterprise)
    assert (incident.post_count, incident.district) == (3, shinan)
    assert Event.objects.filter(on_list=False).count() == 2
    # The outsider (黄岛) sees only the shipyard; the 市南 staff only the protest.
    assert [e.title for e in client_for(outsider).get("/opinion/").context["page"]] == [
        listed[1].title if listed[0] == incident else listed[0].title
    ]
    assert [e.pk for e in client_for(owner).get("/opinion/").context["page"]] == [incident.pk]

    def act(client, action: str, **data):
        data.setdefault("version", Event.objects.get(pk=incident.pk).version)
        with time_machine.travel(MONDAY_NEXT + dt.timedelta(hours=1), tick=False):
            return client.post(f"/opinion/{incident.pk}/act/{action}/", data)

    # 3. Verify it: the centre assigns it to 市南区, whose staff sign for it and verify it.
    assert (
        act(centre, "assign", org_unit=shinan.pk, request="请核实欠薪人数和金额").status_code == 302
    )
    assert act(client_for(outsider), "acknowledge").status_code == 404
    assert act(client_for(owner), "acknowledge").status_code == 302
    assert act(client_for(colleague), "verify", result="true",
               checks=["enterprise_contacted", "site_visit"],
               note="实地走访：企业拖欠216名工人三个月工资").status_code == 302  # fmt: skip

    # 4. Open a work order from it.
    response = act(centre, "open_case", caller_name="王建国", caller_phone="13912345670",
                   description="舆情反映青岛海岸电子有限公司拖欠工资", category="",
                   workers_involved="216")  # fmt: skip
    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.channel, case.employer, case.workers_involved) == (
        "public_opinion",
        registry.shinan_enterprise,
        216,
    )

    # 5. Record the public response and close it.
    responded = act(
        centre,
        "respond",
        kind=ResponseKind.PUBLISHED,
        text="市总工会已介入，督促企业限期支付",
        channel="青岛工会官方微博",
        published_at="2025-03-05T10:30",
    )
    assert responded.status_code == 302
    assert act(client_for(owner), "close").status_code == 403
    assert act(centre, "close", note="工资已支付，办结").status_code == 302
    closed = Event.objects.get(pk=incident.pk)
    assert (closed.status, closed.responded_on_time) == ("closed", True)

    # 6. Export the list.
    sheet = openpyxl.load_workbook(io.BytesIO(centre.get("/opinion/?format=xlsx").content)).active
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    row = rows[closed.title]
    assert row[2:] == (
        "微博",
        "2025-03-05 07:00",
        "青岛海岸电子有限公司",
        "市南区",
        200,
        {"general": "一般", "major": "较大", "grave": "重大"}[closed.grade],
        "属实",
        f"生成工单 {case.number}",
        "青岛工会官方微博，2025-03-05 10:30（按时）",
        "2025-03-05 11:00",
        "市南区",
    )
