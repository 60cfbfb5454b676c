"""Who may see and act on the verification list's pages, persona by persona, action by action;
a refused request (404, 403, stale version, service error) changes nothing at all.

The event is 市南区's. The owner and the colleague are 市南区 union staff: they read it, and
once it is assigned to their union they sign for it, verify it and add notes. The outsider
(黄岛区) and the liaison (a department it was not assigned to) do not see it. The centre's staff
and the administrator do everything else; the leader and the auditor read.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
import time_machine

from laborwatch.core.models import AuditEvent
from laborwatch.opinion.models import Event, ResponseKind
from tests.cases.views_support import make_case
from tests.opinion.support import (
    STALE_MESSAGE,
    T0,
    assigned,
    disposed,
    fresh,
    make_event,
    make_warning,
    post_action,
    responded,
    signed,
    snapshot,
    verified,
)
from tests.personas import ALL_PERSONAS

pytestmark = pytest.mark.django_db

CENTRE = {"centre_staff", "admin_user"}
ASSIGNEE = {"owner", "colleague"}
UNSEEN = {"outsider", "liaison"}


@pytest.fixture
def desk(make_user):
    """The 市南区 staff member who signs for what the tests need signed."""
    return make_user("desk", "district_staff", "shinan")


Prepare = Callable[[Event, Any, Any], Event]
STATES: dict[str, Prepare] = {
    "pending": lambda e, centre, desk: e,
    "verifying": lambda e, centre, desk: assigned(e, centre, desk.org_unit),
    "signed": lambda e, centre, desk: signed(e, centre, desk),
    "true": lambda e, centre, desk: verified(e, centre, desk),
    "disposed": lambda e, centre, desk: disposed(e, centre, desk),
    "responded": lambda e, centre, desk: responded(e, centre, desk),
}

# action → (state it needs, form data that makes it succeed, who may take it)
ACTIONS: dict[str, tuple[str, dict[str, Any], set[str]]] = {
    "assign": ("pending", {"org_unit": "{shinan}", "request": "请核实"}, CENTRE),
    "acknowledge": ("verifying", {}, ASSIGNEE),
    "verify": ("signed", {"result": "true", "checks": ["site_visit"], "note": "属实"},
               CENTRE | ASSIGNEE),
    "open_case": ("true", {"caller_name": "李强", "caller_phone": "13912340002",
                           "description": "舆情反映欠薪", "category": "", "workers_involved": "30"},
                  CENTRE),
    "join_case": ("true", {"case": "{case}", "note": "同一事件"}, CENTRE),
    "attach_warning": ("true", {"warning": "{warning}"}, CENTRE),
    "respond": ("disposed", {"kind": ResponseKind.PUBLISHED, "text": "已介入",
                             "channel": "官方微博", "published_at": "2025-03-05T10:00"}, CENTRE),
    "close": ("responded", {"note": "办结"}, CENTRE),
    "link_enterprise": ("pending", {"credit_code": "{credit_code}"}, CENTRE),
    "merge": ("pending", {"target": "{other}", "reason": "同一事件"}, CENTRE),
    "split": ("pending", {"posts": "{first_post}", "reason": "另一件事"}, CENTRE),
    "note": ("verifying", {"note": "补充情况"}, CENTRE | ASSIGNEE),
}  # fmt: skip


def prepare(action, registry, org_units, centre, desk) -> tuple[Event, dict[str, Any]]:
    state, data, _ = ACTIONS[action]
    enterprise = registry.shinan_enterprise
    event = make_event(district=org_units["shinan"], enterprise=enterprise)
    event = STATES[state](event, centre, desk)
    values = {
        "shinan": org_units["shinan"].pk,
        "credit_code": registry.huangdao_enterprise.credit_code,
        "case": make_case(enterprise).number if action == "join_case" else "",
        "warning": make_warning(enterprise).pk if action == "attach_warning" else "",
        "other": make_event(district=org_units["shinan"]).number if action == "merge" else "",
        "first_post": event.posts.order_by("pk").first().pk,
    }
    filled = {
        key: value if isinstance(value, list) else str(value).format(**values)
        for key, value in data.items()
    }
    return fresh(event), filled


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("persona", ALL_PERSONAS)
@time_machine.travel(T0, tick=False)
def test_every_action_by_every_persona(
    request, registry, org_units, setup_actor, desk, client_for, persona, action
):
    event, data = prepare(action, registry, org_units, setup_actor, desk)
    client = client_for(request.getfixturevalue(persona))
    before = snapshot(event)
    response = post_action(client, event, action, **data)
    if persona in ACTIONS[action][2]:
        assert response.status_code == 302, response.content.decode()[-3000:]
        assert response["Location"].startswith("/opinion/")
        assert AuditEvent.objects.count() > before["events"]
        assert snapshot(event) != before
    else:
        assert response.status_code == (404 if persona in UNSEEN else 403)
        assert snapshot(event) == before


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_event_page_by_persona(request, event, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    events = AuditEvent.objects.count()
    response = client.get(f"/opinion/{event.pk}/")
    if persona in UNSEEN:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        forms = response.context["forms"]
        if persona in CENTRE:
            assert set(forms) == {"assign", "link_enterprise", "merge", "split", "note"}
        else:
            assert forms == {}
            assert "您可以查看本舆情事件，但不能办理。" in response.content.decode()
    assert AuditEvent.objects.count() == events


def test_the_assigned_unit_sees_its_forms_and_no_more(
    event, setup_actor, shinan, client_for, owner
):
    event = assigned(event, setup_actor, shinan)
    page = client_for(owner).get(f"/opinion/{event.pk}/")
    assert set(page.context["forms"]) == {"acknowledge", "note"}
    assert "您可以查看" not in page.content.decode()


@pytest.mark.parametrize("persona", ["liaison", "owner", "outsider"])
def test_a_department_assigned_acts_the_district_only_reads(
    request, event, setup_actor, org_units, client_for, persona
):
    event = assigned(event, setup_actor, org_units["hrss-inspection"])
    client = client_for(request.getfixturevalue(persona))
    before = snapshot(event)
    response = post_action(client, event, "acknowledge")
    expected = {"liaison": 302, "owner": 403, "outsider": 404}[persona]
    assert response.status_code == expected
    if expected != 302:
        assert snapshot(event) == before


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_list_and_export_show_only_the_scope(request, registry, org_units, client_for, persona):
    shinan = make_event(district=org_units["shinan"], title="市南工地讨薪", heat=5)
    huangdao = make_event(district=org_units["huangdao"], title="黄岛船厂欠薪", heat=9)
    make_event(district=org_units["shinan"], title="广告推广", on_list=False)
    client = client_for(request.getfixturevalue(persona))
    page = client.get("/opinion/")
    assert page.status_code == 200
    listed = [event.pk for event in page.context["page"]]
    expected = {
        "owner": [shinan.pk],
        "colleague": [shinan.pk],
        "outsider": [huangdao.pk],
        "liaison": [],
    }.get(persona, [huangdao.pk, shinan.pk])  # the city: hottest first
    assert listed == expected
    export = client.get("/opinion/?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    titles = {
        pk: title for pk, title in ((shinan.pk, "市南工地讨薪"), (huangdao.pk, "黄岛船厂欠薪"))
    }
    assert [row[1] for row in rows[1:]] == [titles[pk] for pk in expected]
    audit = AuditEvent.objects.get(action="opinion_event.export")
    assert audit.after["rows"] == len(expected)


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_missing_event_is_404(request, event, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get("/opinion/9999999/").status_code == 404
    assert client.post("/opinion/9999999/act/assign/", {"version": 1}).status_code == 404
    assert client.post(f"/opinion/{event.pk}/act/fly/", {"version": 1}).status_code == 404


@time_machine.travel(T0, tick=False)
def test_a_stale_page_is_told_to_reload_and_nothing_changes(
    event, setup_actor, owner, client_for, shinan
):
    event = assigned(event, setup_actor, shinan)
    client = client_for(setup_actor)
    seen = event.version
    client.post(f"/opinion/{event.pk}/act/note/", {"version": seen, "note": "先看一下"})
    # Meanwhile the unit signs for it; the centre's page still shows the version before.
    signed_event = fresh(event)
    from laborwatch.opinion.services import event_acknowledge

    event_acknowledge(event=signed_event, actor=owner)
    before = snapshot(event)
    response = post_action(client, event, "verify", version=seen, result="true",
                           checks=["site_visit"], note="属实")  # fmt: skip
    assert response.status_code == 409
    assert STALE_MESSAGE in response.content.decode()
    assert snapshot(event) == before


@time_machine.travel(T0, tick=False)
def test_a_service_refusal_shows_next_to_its_field(event, setup_actor, desk, client_for):
    event = signed(event, setup_actor, desk)
    client = client_for(setup_actor)
    before = snapshot(event)
    response = post_action(client, event, "verify", result="true", note="")
    assert response.status_code == 400
    page = response.content.decode()
    assert "请说明核实方式：至少选择一种。" in page
    assert "请说明核实情况。" in page
    assert snapshot(event) == before
