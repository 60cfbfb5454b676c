"""A hotline push followed through the browser to the call-back, on a running clock.

The 12351 system pushes a case through the API; centre staff then accept, contact, give
feedback, handle, resolve and call back in the web pages, while the SLA light and the sweep
move with the clock.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine

from laborwatch.cases.models import Case, InboxItem
from laborwatch.cases.services import sla_sweep
from laborwatch.core.models import AuditEvent
from tests.cases.api_support import body, push
from tests.cases.views_support import fresh, post_action

SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 9, 30, 9, 55, tzinfo=SHANGHAI)


def test_from_api_push_to_call_back_in_the_browser(hotline, api_employer, centre_staff, client_for):
    with time_machine.travel(T0, tick=False):
        response = push(hotline, body(api_employer))
        assert response.status_code == 201
        case = Case.objects.get(number=response.json()["number"])
        assert response.json()["sla"]["light"] == "green"

    browser = client_for(centre_staff)
    # 45 minutes later nobody has accepted it: yellow, and the sweep urges the centre.
    with time_machine.travel(T0 + dt.timedelta(minutes=46), tick=False):
        page = browser.get(f"/cases/{case.number}/")
        assert page.context["case"].sla_light() == "yellow"
        assert sla_sweep().urged == 1
        assert InboxItem.objects.filter(user=centre_staff, kind="urge", case=case).count() == 1
        assert post_action(browser, case, "accept").status_code == 302

    steps = [
        (dt.timedelta(minutes=50), "contact", {"worker_reached": "on", "employer_reached": "on"}),
        (dt.timedelta(hours=3), "feedback", {"note": "已告知职工受理情况"}),
        (dt.timedelta(hours=4), "handle", {"method": "mediation"}),
        (
            dt.timedelta(days=9),
            "resolve",
            {
                "wages_recovered": "18600.00",
                "workers_covered": "1",
                "method": "mediation",
                "union_role": "led",
                "note": "调解成功，工资到账",
            },
        ),
        (dt.timedelta(days=10), "call_back", {"satisfaction": "5", "note": "职工满意"}),
    ]
    for offset, action, data in steps:
        with time_machine.travel(T0 + offset, tick=False):
            response = post_action(browser, fresh(case), action, **data)
            assert response.status_code == 302, (action, response.content.decode()[:500])

    done = fresh(case)
    assert (done.status, done.wages_recovered, done.satisfaction) == ("called_back", 18600, 5)
    assert done.breached_stages == []
    assert done.days_to_resolution == 9
    actions = list(
        AuditEvent.objects.filter(target_type="cases.case", target_id=str(case.pk))
        .order_by("pk")
        .values_list("action", "actor_label")
    )
    assert actions[0] == ("case.create", hotline.client.name)
    assert [a for a, _ in actions[1:]] == [
        "case.urge", "case.accept", "case.contact", "case.feedback", "case.handle",
        "case.resolve", "case.call_back",
    ]  # fmt: skip
    timeline = browser.get(f"/cases/{case.number}/").content.decode()
    assert "已回访" in timeline
