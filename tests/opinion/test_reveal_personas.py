"""Who may read the personal data typed into a post in clear, persona by persona: the event is
市南区's and on the list, one of its posts names a worker's ID number and phone (stored masked,
the original sealed). Every reveal writes its own audit row; a refused one writes none and
shows nothing; the outsider and the liaison (not assigned) do not see the event at all (404).
"""

from __future__ import annotations

import json

import pytest

from laborwatch.core.masking import mask_personal_data_in_text
from laborwatch.core.models import AuditEvent
from tests.opinion.support import make_event, make_post
from tests.personas import ALL_PERSONAS

pytestmark = pytest.mark.django_db

CLEAR = "我是海岸电子的工人，身份证370202199001011237，电话13812345678，老板欠薪三个月"
ID_NUMBER, PHONE = "370202199001011237", "13812345678"
BUTTON = "查看个人信息明文（记入审计）"
# persona → (event page status, may reveal)
EXPECTED = {
    "owner": (200, True),
    "colleague": (200, True),
    "outsider": (404, False),
    "liaison": (404, False),
    "centre_staff": (200, True),
    "leader": (200, False),
    "auditor": (200, False),
    "admin_user": (200, True),
}


@pytest.fixture
def sealed_post(org_units):
    event = make_event(district=org_units["shinan"], posts=0)
    post = make_post(
        event,
        text=mask_personal_data_in_text(CLEAR),
        sealed=json.dumps({"title": "", "text": CLEAR}, ensure_ascii=False),
    )
    return event, post


def test_the_matrix_covers_every_persona():
    assert set(EXPECTED) == set(ALL_PERSONAS)


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_who_may_reveal_a_post_in_clear(request, sealed_post, client_for, persona):
    event, post = sealed_post
    user = request.getfixturevalue(persona)
    client = client_for(user)
    page_status, may_reveal = EXPECTED[persona]
    page = client.get(f"/opinion/{event.pk}/")
    assert page.status_code == page_status
    content = page.content.decode()
    assert ID_NUMBER not in content and PHONE not in content
    if page_status == 200:
        assert "370202********1237" in content and "138****5678" in content
        assert (BUTTON in content) is may_reveal
    url = f"/opinion/{event.pk}/posts/{post.pk}/reveal/"
    for attempt, reason in enumerate(("联系发帖人核实", "再次核对身份"), start=1):
        shown = client.post(url, {"reason": reason})
        reveals = AuditEvent.objects.filter(action="opinion_post.reveal")
        if not may_reveal:
            assert shown.status_code == (404 if page_status == 404 else 403)
            assert ID_NUMBER not in shown.content.decode()
            assert not reveals.exists()
            continue
        assert shown.status_code == 200
        assert shown["Cache-Control"] == "no-store"
        assert ID_NUMBER in shown.content.decode() and PHONE in shown.content.decode()
        # One row per reveal, naming who, why and which post.
        assert reveals.count() == attempt
        latest = reveals.order_by("-pk").first()
        assert (latest.actor, latest.reason, latest.target_id, latest.after) == (
            user,
            reason,
            str(post.pk),
            {"event": event.number},
        )
    # Whatever happened, the next page shows the post masked again.
    if page_status == 200:
        again = client.get(f"/opinion/{event.pk}/").content.decode()
        assert ID_NUMBER not in again and PHONE not in again
