"""The list and the event page as a user meets them: filters and ranking, text from outside
escaped and kept as text in the export, personal data masked and revealed with an audit, the
engagement curve, the inbox and its notices."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest
import time_machine

from laborwatch.core.masking import mask_personal_data_in_text
from laborwatch.core.models import AuditEvent
from laborwatch.opinion.models import OpinionNotice, PostEngagement, ResponseKind
from laborwatch.opinion.services import event_respond
from tests.opinion.support import (
    T0,
    assigned,
    disposed,
    make_event,
    make_post,
    verified,
)

pytestmark = pytest.mark.django_db
HOUR = dt.timedelta(hours=1)


class TestList:
    def test_filters(self, org_units, client_for, centre_staff, setup_actor, desk_user):
        grave = make_event(district=org_units["shinan"], grade="grave", heat=300, title="堵路讨薪")
        major = make_event(district=org_units["huangdao"], grade="major", heat=80, title="船厂欠薪")
        general = make_event(district=org_units["shinan"], heat=3, title="食堂伙食差")
        make_post(general, platform="douyin", district=org_units["shinan"])
        assigned(grave, setup_actor, org_units["shinan"])
        client = client_for(centre_staff)

        def listed(query: str) -> list[int]:
            return [event.pk for event in client.get(f"/opinion/?{query}").context["page"]]

        assert listed("") == [grave.pk, major.pk, general.pk]
        assert listed("grade=major") == [major.pk]
        assert listed("district=shinan") == [grave.pk, general.pk]
        assert listed("platform=douyin") == [general.pk]
        assert listed("status=verifying") == [grave.pk]
        assert listed("status=pending") == [major.pk, general.pk]
        assert listed("q=船厂") == [major.pk]
        assert listed(f"q=YQ{general.pk:07d}") == [general.pk]
        assert listed("seen_from=2025-03-05&seen_to=2025-03-05") == [grave.pk, major.pk, general.pk]
        assert listed("seen_from=2025-03-06") == []
        assert listed("category=WAGE") == [grave.pk, major.pk, general.pk]

    def test_export_in_list_layout_with_outside_text_as_text(
        self, org_units, registry, client_for, centre_staff, setup_actor, desk_user
    ):
        event = make_event(
            district=org_units["shinan"],
            enterprise=registry.shinan_enterprise,
            title='=HYPERLINK("http://evil.example","点我")',
        )
        event.workers_involved = 30
        event.save()
        with time_machine.travel(T0, tick=False):
            event = disposed(event, setup_actor, desk_user)
            event_respond(
                event=event,
                actor=setup_actor,
                kind=ResponseKind.PUBLISHED,
                text="已介入",
                channel="@青岛工会",
                published_at=T0,
                now=T0,
            )
        response = client_for(centre_staff).get("/opinion/?format=xlsx")
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0] == (
            "序号", "舆情标题", "首发平台", "首发时间", "涉及企业", "属地", "涉及人数",
            "热度等级", "核实结果", "处置措施", "回应情况", "办结时间", "责任单位",
        )  # fmt: skip
        case_number = event.disposals.get().case.number
        assert rows[1] == (
            1,
            '=HYPERLINK("http://evil.example","点我")',
            "微博",
            "2025-03-05 08:00",
            "青岛海岸电子有限公司",
            "市南区",
            30,
            "一般",
            "属实",
            f"生成工单 {case_number}",
            "@青岛工会，2025-03-05 10:00（按时）",
            None,
            "市南区",
        )
        # Stored as text, not as a formula.
        title_cell = sheet.cell(row=2, column=2)
        assert title_cell.data_type == "s"
        assert sheet.cell(row=2, column=11).data_type == "s"


@pytest.fixture
def desk_user(make_user):
    return make_user("desk", "district_staff", "shinan")


class TestEventPage:
    def test_html_in_posts_and_titles_is_escaped(self, org_units, client_for, centre_staff):
        event = make_event(district=org_units["shinan"], title="<script>alert(1)</script>")
        make_post(event, title="<b>标题</b>", text='<img src=x onerror="alert(2)">工资')
        page = client_for(centre_staff).get(f"/opinion/{event.pk}/").content.decode()
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert '<img src=x onerror="alert(2)">' not in page
        assert "&lt;b&gt;标题&lt;/b&gt;" in page

    def test_the_engagement_curve_is_an_inline_svg(self, org_units, client_for, centre_staff):
        event = make_event(district=org_units["shinan"], posts=1)
        post = event.posts.get()
        for hours, value in ((1, 40.0), (3, 25000.0)):
            PostEngagement.objects.create(post=post, at=T0 + hours * HOUR, engagement=value)
        page = client_for(centre_staff).get(f"/opinion/{event.pk}/").content.decode()
        assert '<svg class="chart" viewBox="0 0 720 220" role="img"' in page
        assert "<title>舆情事件互动量变化</title>" in page
        assert "2.5万" in page  # the top of the value axis
        curve = page.split("<svg")[1].split("</svg>")[0]
        assert "<script" not in curve and "http" not in curve

    def test_personal_data_is_masked_and_revealed_with_an_audit(
        self, org_units, client_for, centre_staff, auditor
    ):
        clear = "我是工人，身份证370202199001011237，电话13812345678，老板欠薪"
        masked = mask_personal_data_in_text(clear)
        assert masked == "我是工人，身份证370202********1237，电话138****5678，老板欠薪"
        event = make_event(district=org_units["shinan"], posts=0)
        post = make_post(event, text=masked, sealed=json.dumps({"title": "", "text": clear}))
        for user in (centre_staff, auditor):
            page = client_for(user).get(f"/opinion/{event.pk}/").content.decode()
            assert "370202199001011237" not in page and "13812345678" not in page
            assert "370202********1237" in page
        # The auditor may not reveal: no button, and a forged request is refused.
        url = f"/opinion/{event.pk}/posts/{post.pk}/reveal/"
        assert (
            "查看个人信息明文（记入审计）"
            not in client_for(auditor).get(f"/opinion/{event.pk}/").content.decode()
        )
        assert client_for(auditor).post(url, {"reason": "核查"}).status_code == 403
        assert not AuditEvent.objects.filter(action="opinion_post.reveal").exists()
        shown = client_for(centre_staff).post(url, {"reason": "联系发帖人核实"})
        assert shown.status_code == 200
        assert shown["Cache-Control"] == "no-store"
        assert "370202199001011237" in shown.content.decode()
        reveal = AuditEvent.objects.get(action="opinion_post.reveal")
        assert (reveal.actor, reveal.reason, reveal.target_id) == (
            centre_staff,
            "联系发帖人核实",
            str(post.pk),
        )

    def test_a_reveal_needs_a_reason(self, org_units, client_for, centre_staff):
        event = make_event(district=org_units["shinan"], posts=0)
        post = make_post(event, sealed=json.dumps({"title": "", "text": "x"}))
        response = client_for(centre_staff).post(f"/opinion/{event.pk}/posts/{post.pk}/reveal/")
        assert response.status_code == 400
        assert "查看明文须填写理由。" in response.content.decode()
        assert not AuditEvent.objects.filter(action="opinion_post.reveal").exists()

    def test_a_post_of_another_event_is_404(self, org_units, client_for, centre_staff):
        event = make_event(district=org_units["shinan"], posts=1)
        other = make_event(district=org_units["shinan"], posts=1)
        post = other.posts.get()
        response = client_for(centre_staff).post(
            f"/opinion/{event.pk}/posts/{post.pk}/reveal/", {"reason": "x"}
        )
        assert response.status_code == 404


class TestInbox:
    def test_the_unit_sees_what_it_must_verify_and_its_notices(
        self, event, setup_actor, shinan, owner, client_for, centre_staff
    ):
        with time_machine.travel(T0, tick=False):
            assigned(event, setup_actor, shinan)
        page = client_for(owner).get("/cases/inbox/")
        sections = page.context["sections"]
        assert [a.event for a in sections["opinion_verify"].page] == [event]
        assert [n.event for n in sections["opinion_notices"].page] == [event]
        assert "opinion_assign" not in sections
        html = page.content.decode()
        assert "本单位待核实的舆情事件" in html and "待签收" in html
        read = client_for(owner).post("/opinion/notices/read/", {"all": "1"})
        assert read.status_code == 302
        assert not OpinionNotice.objects.filter(user=owner, read_at=None).exists()
        # The centre sees what nobody verifies yet: nothing, this one is assigned.
        centre_page = client_for(centre_staff).get("/cases/inbox/")
        assert list(centre_page.context["sections"]["opinion_assign"].page) == []

    def test_only_ones_own_notices_are_marked_read(
        self, event, setup_actor, shinan, owner, colleague, client_for
    ):
        assigned(event, setup_actor, shinan)
        theirs = OpinionNotice.objects.get(user=colleague)
        client_for(owner).post("/opinion/notices/read/", {"notice": str(theirs.pk)})
        theirs.refresh_from_db()
        assert theirs.read_at is None

    def test_the_nav_item_is_real(self, client_for, owner):
        page = client_for(owner).get("/opinion/").content.decode()
        assert '<a href="/opinion/" class="active">舆情</a>' in page


def test_verified_then_declined_shows_its_reason(org_units, setup_actor, desk_user, client_for):
    event = make_event(district=org_units["shinan"])
    with time_machine.travel(T0, tick=False):
        event = verified(event, setup_actor, desk_user, result="untrue")
        event_respond(
            event=event,
            actor=setup_actor,
            kind=ResponseKind.DECLINED,
            reason="帖文已删除",
            now=T0 + HOUR,
        )
    page = client_for(setup_actor).get(f"/opinion/{event.pk}/").content.decode()
    assert "不予回应：帖文已删除" in page
