"""My notifications: a referral tells the receiving unit's members, each sees it in their own
list with the unread badge, marks it read, and cannot touch another's; notifications of a
red light reach the case's people and the unit's channel at once."""

from __future__ import annotations

import pytest

from laborwatch.notifications.models import Notice, Notification
from laborwatch.notifications.services import notifications_deliver, notify
from tests.cases.views_support import local
from tests.personas import ALL_PERSONAS

NOW = local(2025, 3, 5, 10)


@pytest.fixture
def told(org_units, owner, colleague, outsider) -> Notification:
    notify(
        kind=Notification.Kind.REFERRAL,
        message="工单 GD20250305000001 转办至市南区总工会，请签收。",
        key="referral:1",
        url="/cases/GD20250305000001/",
        org_units=[org_units["shinan"]],
        now=NOW,
    )
    # The same thing told again is not told twice.
    notify(
        kind=Notification.Kind.REFERRAL,
        message="重复",
        key="referral:1",
        org_units=[org_units["shinan"]],
        now=NOW,
    )
    assert notifications_deliver(now=NOW) == 1
    assert notifications_deliver(now=NOW) == 0  # claimed once
    return Notification.objects.get()


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_each_persona_sees_its_own_notices(request, told, client_for, persona) -> None:
    response = client_for(request.getfixturevalue(persona)).get("/notifications/")
    assert response.status_code == 200
    shown = [notice.notification.message for notice in response.context["page"]]
    expected = ["工单 GD20250305000001 转办至市南区总工会，请签收。"]
    assert shown == (expected if persona in ("owner", "colleague") else [])
    assert response.context["unread_notices"] == len(shown)


def test_marking_read_touches_only_ones_own(told, client_for, owner, colleague) -> None:
    mine = Notice.objects.get(user=owner)
    theirs = Notice.objects.get(user=colleague)
    response = client_for(colleague).post("/notifications/read/", {"notice": mine.pk})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is None  # the colleague cannot mark the owner's notice
    client_for(owner).post("/notifications/read/", {"notice": mine.pk})
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None
    page = client_for(owner).get("/").content.decode()
    assert "badge-count" not in page
    assert 'class="badge-count">1<' in client_for(colleague).get("/").content.decode()


def test_signed_out_visitors_see_no_notices(client) -> None:
    assert client.get("/notifications/").status_code == 302
    assert client.post("/notifications/read/", {"all": "1"}).status_code == 302
