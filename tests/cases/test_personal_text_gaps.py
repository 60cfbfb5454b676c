"""Issue 15, the gaps of free-text masking: milestone titles and inbox messages are stored
masked (the original encrypted) and shown masked to every role; text stored before masking
existed is masked by `laborwatch mask-text`, which keeps the originals and changes
nothing when run again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from laborwatch.cases.models import Case, InboxItem, Milestone
from laborwatch.cases.services import plan_create
from laborwatch.cases.services.inbox import inbox_notify
from laborwatch.cases.services.sweep import sla_sweep
from laborwatch.core.models import AuditEvent, PersonalTextOriginal
from tests.cases.views_support import make_case

pytestmark = pytest.mark.django_db

ID_NUMBER = "370202199001011237"
PHONE = "13912345678"
TITLE = f"联系职工{PHONE}核对工资"
MASKED_TITLE = "联系职工139****5678核对工资"
DESCRIPTION = f"身份证{ID_NUMBER}，公司拖欠工资。"
MASKED_DESCRIPTION = "身份证370202********1237，公司拖欠工资。"


def _raw(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")
        return [row[0] for row in cursor.fetchall()]


def _planned(case: Case, owner, *, deadline: dt.date) -> Milestone:
    plan_create(
        case=case, actor=owner, goal="追回工资", deadline=deadline, steps=[(TITLE, owner, 1)]
    )
    return Milestone.objects.get(plan__case=case)


def test_a_milestone_title_is_stored_masked_the_original_encrypted(registry, owner):
    case = make_case(registry.shinan_enterprise)
    milestone = _planned(case, owner, deadline=timezone.localdate() + dt.timedelta(days=30))
    assert milestone.title == MASKED_TITLE
    assert PHONE not in " ".join(
        _raw("cases_milestone", "title") + _raw("core_personaltextoriginal", "text")
    )
    original = PersonalTextOriginal.objects.get(target_type="cases.milestone")
    assert (original.target_id, original.field, original.text) == (
        str(milestone.pk),
        "title",
        TITLE,
    )


@pytest.mark.parametrize("persona", ["auditor", "leader", "owner", "centre_staff"])
def test_every_role_sees_the_milestone_title_masked(request, registry, owner, client_for, persona):
    case = make_case(registry.shinan_enterprise)
    _planned(case, owner, deadline=timezone.localdate() + dt.timedelta(days=30))
    page = client_for(request.getfixturevalue(persona)).get(f"/cases/{case.number}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert MASKED_TITLE in text and PHONE not in text


def test_the_overdue_notice_in_the_inbox_is_masked(registry, owner, client_for):
    case = make_case(registry.shinan_enterprise)
    milestone = _planned(case, owner, deadline=timezone.localdate() + dt.timedelta(days=30))
    Milestone.objects.filter(pk=milestone.pk).update(due_on=timezone.localdate() - dt.timedelta(1))
    sla_sweep(now=timezone.now())
    item = InboxItem.objects.get(kind=InboxItem.Kind.MILESTONE)
    assert item.message == f"工单 {case.number} 节点逾期：{MASKED_TITLE}"
    page = client_for(owner).get("/cases/inbox/").content.decode()
    assert MASKED_TITLE in page and PHONE not in page


def test_a_notice_quoting_typed_text_is_stored_masked(registry, owner, centre_staff):
    case = make_case(registry.shinan_enterprise)
    inbox_notify(
        users=[owner, centre_staff], case=case, kind=InboxItem.Kind.URGE,
        message=f"请尽快联系职工，电话{PHONE}", now=timezone.now(),
    )  # fmt: skip
    assert (
        sorted(InboxItem.objects.values_list("message", flat=True))
        == ["请尽快联系职工，电话139****5678"] * 2
    )
    assert PersonalTextOriginal.objects.filter(target_type="cases.inboxitem").count() == 2
    assert PHONE not in " ".join(_raw("cases_inboxitem", "message"))


def _stored_before_masking(case: Case, milestone: Milestone) -> AuditEvent:
    """Rows as an earlier version left them: personal data in clear, no original kept
    (`update` skips the masking that `save` does)."""
    Case.objects.filter(pk=case.pk).update(description=DESCRIPTION)
    Milestone.objects.filter(pk=milestone.pk).update(title=TITLE)
    event = AuditEvent.objects.filter(target_id=str(case.pk)).earliest("pk")
    AuditEvent.objects.filter(pk=event.pk).update(reason=f"职工电话{PHONE}")
    PersonalTextOriginal.objects.all().delete()
    return event


def test_the_command_masks_text_stored_before_masking_once(registry, owner, client_for, auditor):
    case = make_case(registry.shinan_enterprise)
    milestone = _planned(case, owner, deadline=timezone.localdate() + dt.timedelta(days=30))
    event = _stored_before_masking(case, milestone)
    assert ID_NUMBER in client_for(auditor).get(f"/cases/{case.number}/").content.decode()

    call_command("mask_text", quiet=True)

    assert Case.objects.get(pk=case.pk).description == MASKED_DESCRIPTION
    assert Milestone.objects.get(pk=milestone.pk).title == MASKED_TITLE
    assert AuditEvent.objects.get(pk=event.pk).reason == "职工电话139****5678"
    originals = {(o.target_type, o.field): o.text for o in PersonalTextOriginal.objects.all()}
    assert originals == {
        ("cases.case", "description"): DESCRIPTION,
        ("cases.milestone", "title"): TITLE,
        ("core.auditevent", "reason"): f"职工电话{PHONE}",
    }
    stored = " ".join(
        _raw("cases_case", "description")
        + _raw("cases_milestone", "title")
        + _raw("core_auditevent", "reason")
        + _raw("core_personaltextoriginal", "text")
    )
    assert ID_NUMBER not in stored and PHONE not in stored
    run = AuditEvent.objects.get(action="personal_text.mask_existing")
    assert run.after == {"cases.case": 1, "cases.milestone": 1, "core.auditevent": 1}
    page = client_for(auditor).get(f"/cases/{case.number}/").content.decode()
    assert MASKED_DESCRIPTION in page and ID_NUMBER not in page and PHONE not in page

    # Again: nothing to mask, the originals untouched, no second audit row.
    call_command("mask_text", quiet=True)
    assert {
        (o.target_type, o.field): o.text for o in PersonalTextOriginal.objects.all()
    } == originals
    assert AuditEvent.objects.filter(action="personal_text.mask_existing").count() == 1


def test_a_role_that_may_reveal_reads_the_milestone_title_as_typed(
    registry, owner, centre_staff, client_for
):
    case = make_case(registry.shinan_enterprise)
    _planned(case, owner, deadline=timezone.localdate() + dt.timedelta(days=30))
    response = client_for(centre_staff).post(
        f"/cases/{case.number}/reveal-text/", {"reason": "联系职工核实"}
    )
    assert response.status_code == 200
    assert ("节点", TITLE) in [(str(o.label), o.text) for o in response.context["originals"]]
