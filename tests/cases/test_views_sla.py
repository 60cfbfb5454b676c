"""SLA lights on the pages as the clock runs; the sweep urges at yellow and escalates at red
exactly once per stage; the inbox orders by urgency and notices are marked read."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from laborwatch.cases.models import InboxItem
from laborwatch.cases.services import case_accept, case_assign, sla_sweep
from laborwatch.core.models import AuditEvent
from laborwatch.core.roles import Role
from tests.cases.views_support import T0, fresh, make_case

pytestmark = pytest.mark.django_db

MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def centre_head(make_user):
    head = make_user("head", Role.CENTRE_STAFF, "centre")
    head.is_unit_head = True
    head.save(update_fields=["is_unit_head"])
    return head


def listed(client, **params) -> list[str]:
    response = client.get("/cases/", params)
    assert response.status_code == 200
    return [case.number for case in response.context["page"]]


def test_lights_follow_the_clock_and_the_sweep_acts_once(
    registry, centre_staff, centre_head, client_for
):
    client = client_for(centre_staff)
    head_client = client_for(centre_head)
    with time_machine.travel(T0, tick=False) as clock:
        # Hotline defaults: accept within 60 minutes, yellow once 75% (45 minutes) has passed.
        case = make_case(registry.shinan_enterprise)
        assert case.next_due_at == T0 + 60 * MINUTE

        clock.move_to(T0 + 44 * MINUTE)
        assert client.get(f"/cases/{case.number}/").context["light"] == "green"
        assert listed(client, light="green") == [case.number]
        assert listed(client, light="yellow") == listed(client, light="red") == []
        assert sla_sweep().urged == 0

        clock.move_to(T0 + 45 * MINUTE)
        page = client.get(f"/cases/{case.number}/")
        assert page.context["light"] == "yellow"
        assert "light-yellow" in page.content.decode()
        assert listed(client, light="yellow") == [case.number]
        first = sla_sweep()
        assert (first.urged, first.escalated) == (1, 0)
        again = sla_sweep()
        assert (again.urged, again.escalated) == (0, 0)
        # Unassigned, so the centre staff are urged; the head is not told yet.
        urges = InboxItem.objects.filter(kind="urge")
        assert sorted(urges.values_list("user__username", flat=True)) == ["centre", "head"]
        assert InboxItem.objects.filter(kind="escalation").count() == 0

        clock.move_to(T0 + 60 * MINUTE + dt.timedelta(seconds=1))
        assert client.get(f"/cases/{case.number}/").context["light"] == "red"
        assert listed(client, light="red") == [case.number]
        red = sla_sweep()
        assert (red.urged, red.escalated) == (0, 1)
        assert (sla_sweep().urged, sla_sweep().escalated) == (0, 0)
        escalations = InboxItem.objects.filter(kind="escalation")
        assert list(escalations.values_list("user__username", flat=True)) == ["head"]
        sweeps = AuditEvent.objects.filter(action__in=["case.urge", "case.escalate"])
        assert list(sweeps.order_by("pk").values_list("action", flat=True)) == [
            "case.urge", "case.escalate"
        ]  # fmt: skip

        # The head sees the escalation in the inbox, in Chinese, and marks it read.
        inbox = head_client.get("/cases/inbox/")
        text = inbox.content.decode()
        assert f"超时：工单 {case.number} 已超过受理时限。" in text
        assert f"催办：工单 {case.number} 的受理时限为 03-05 11:00。" in text
        escalation = escalations.get()
        response = head_client.post("/cases/inbox/read/", {"item": escalation.pk})
        assert response.status_code == 302
        escalation.refresh_from_db()
        assert escalation.read_at == T0 + 60 * MINUTE + dt.timedelta(seconds=1)
        inbox = head_client.get("/cases/inbox/")
        assert [item.kind for item in inbox.context["inbox"].items] == ["urge"]

        # Accepted late: the contact clock (also due at +60 min) is already red; the sweep urges
        # and escalates its stage once more, to the handler and the head.
        clock.move_to(T0 + 70 * MINUTE)
        case = case_accept(case=fresh(case), actor=centre_staff)
        assert case.breached_stages == ["accept"]
        assert client.get(f"/cases/{case.number}/").context["light"] == "red"
        contact = sla_sweep()
        assert (contact.urged, contact.escalated) == (1, 1)
        assert (sla_sweep().urged, sla_sweep().escalated) == (0, 0)
        assert InboxItem.objects.filter(kind="urge", user=centre_staff).count() == 2
        assert InboxItem.objects.filter(kind="escalation", user=centre_head).count() == 2


def test_detail_shows_each_deadline_with_its_state(registry, centre_staff, client_for):
    client = client_for(centre_staff)
    with time_machine.travel(T0, tick=False) as clock:
        case = make_case(registry.shinan_enterprise)
        clock.move_to(T0 + 70 * MINUTE)
        case_accept(case=case, actor=centre_staff)
        rows = client.get(f"/cases/{case.number}/").context["sla_rows"]
    assert [(str(r.label), r.state, r.light) for r in rows] == [
        ("受理", "late", ""),
        ("首次联系", "running", "red"),
        ("向职工反馈", "pending", ""),
        ("办结", "pending", ""),
    ]
    assert [r.due for r in rows] == [
        T0 + 60 * MINUTE,
        T0 + 60 * MINUTE,
        T0 + dt.timedelta(hours=24),
        dt.datetime(2025, 3, 26, 23, 59, 59, tzinfo=T0.tzinfo),  # 15 working days on
    ]


def test_inbox_orders_my_cases_by_urgency(registry, owner, colleague, client_for):
    with time_machine.travel(T0, tick=False) as clock:
        later = make_case(registry.shinan_enterprise, caller_phone="13912340101")
        clock.move_to(T0 - dt.timedelta(hours=3))
        earlier = make_case(registry.shinan_enterprise, caller_phone="13912340102")
        other = make_case(registry.shinan_enterprise, caller_phone="13912340103")
        clock.move_to(T0 + MINUTE)
        for case in (later, earlier):
            case_accept(case=case_assign(case=case, actor=owner, handler=owner), actor=owner)
        case_accept(case=case_assign(case=other, actor=owner, handler=colleague), actor=colleague)
        inbox = client_for(owner).get("/cases/inbox/")
        assert [c.number for c in inbox.context["inbox"].cases] == [earlier.number, later.number]
        text = inbox.content.decode()
        assert text.index(earlier.number) < text.index(later.number)
        assert other.number not in text
        assert "light-red" in text and "light-green" in text


def test_mark_read_touches_only_my_notices(registry, owner, outsider, client_for, org_units):
    case = make_case(registry.shinan_enterprise)
    mine = InboxItem.objects.create(user=owner, case=case, kind="urge", message="催办")
    also_mine = InboxItem.objects.create(user=owner, case=case, kind="urge", message="催办2")
    response = client_for(outsider).post("/cases/inbox/read/", {"item": mine.pk})
    assert response.status_code == 302
    assert InboxItem.objects.filter(read_at=None).count() == 2
    assert client_for(outsider).post("/cases/inbox/read/", {"all": "1"}).status_code == 302
    assert InboxItem.objects.filter(read_at=None).count() == 2
    client = client_for(owner)
    client.post("/cases/inbox/read/", {"item": mine.pk})
    assert list(InboxItem.objects.filter(read_at=None)) == [also_mine]
    client.post("/cases/inbox/read/", {"all": "1"})
    assert InboxItem.objects.filter(read_at=None).count() == 0
    assert client.get("/cases/inbox/read/").status_code == 405


def test_home_page_leads_handlers_to_the_inbox(registry, owner, client_for):
    with time_machine.travel(T0, tick=False):
        case = make_case(registry.shinan_enterprise)
        case_accept(case=case, actor=owner)
        home = client_for(owner).get("/")
    text = home.content.decode()
    assert 'href="/cases/inbox/"' in text
    assert "我的在办工单" in text
    nav = {item["key"]: item["url"] for item in home.context["nav_items"]}
    assert (nav["cases"], nav["ledger"]) == ("/cases/", "/cases/ledger/")
