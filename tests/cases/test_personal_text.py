"""Personal data typed into free text: an ID number and a phone inside a description, a note or
a reply are stored masked (the original encrypted) and shown masked to every role; a role that
may reveal reads the texts as typed through an audited reveal. The probe found them in clear on
the case page of the auditor."""

from __future__ import annotations

import pytest
from django.db import connection

from laborwatch.cases.models import Case, Referral
from laborwatch.core.masking import find_personal_data, mask_personal_data_in_text
from laborwatch.core.models import AuditEvent, PersonalTextOriginal
from tests.cases.views_support import make_case, post_action

pytestmark = pytest.mark.django_db

ID_NUMBER = "370202199001011237"
PHONE = "13912345678"
DESCRIPTION = f"我叫王强，身份证{ID_NUMBER}，电话139-1234-5678，公司拖欠三个月工资。"
MASKED = "我叫王强，身份证370202********1237，电话139****5678，公司拖欠三个月工资。"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (DESCRIPTION, MASKED),
        (f"手机 +86 {PHONE} 座机 0532-88886666", "手机 139****5678 座机 053*****6666"),
        # A wrong check digit is not an ID number (an order number, say), nor are amounts.
        ("订单号370202199001011230，金额18600元，日期20260101", None),
        (
            f"身份证 370202 19900101 1237 或 {ID_NUMBER.lower()}",
            "身份证 370202********1237 或 370202********1237",
        ),
        ("工号A13912345678B", None),
    ],
)
def test_finds_checked_id_numbers_and_phones(text, masked) -> None:
    assert mask_personal_data_in_text(text) == (masked or text)
    assert bool(find_personal_data(text)) == (masked is not None)


def _raw(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")
        return [row[0] for row in cursor.fetchall()]


def test_a_description_is_stored_masked_and_the_original_encrypted(registry):
    case = make_case(registry.shinan_enterprise, description=DESCRIPTION)
    assert Case.objects.get(pk=case.pk).description == MASKED
    stored = " ".join(_raw("cases_case", "description") + _raw("core_personaltextoriginal", "text"))
    assert ID_NUMBER not in stored and "139-1234-5678" not in stored
    assert PersonalTextOriginal.objects.get().text == DESCRIPTION


@pytest.mark.parametrize("persona", ["auditor", "leader", "liaison", "owner", "centre_staff"])
def test_every_role_sees_the_description_masked(request, registry, client_for, persona):
    case = make_case(registry.shinan_enterprise, description=DESCRIPTION)
    if persona == "liaison":
        from laborwatch.cases.services import referral_create

        centre = request.getfixturevalue("centre_staff")
        referral_create(
            actor=centre, case=case, to_unit=request.getfixturevalue("liaison").org_unit,
            request=f"请核实，职工电话{PHONE}",
        )  # fmt: skip
    page = client_for(request.getfixturevalue(persona)).get(f"/cases/{case.number}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert MASKED in text
    assert ID_NUMBER not in text and PHONE not in text and "139-1234-5678" not in text
    may_reveal = persona in ("owner", "centre_staff")
    assert (page.context["text_reveal_form"] is not None) == may_reveal


def test_notes_and_replies_are_masked_too(registry, owner, centre_staff, liaison, client_for):
    case = make_case(registry.shinan_enterprise)
    post_action(client_for(owner), case, "note", note=f"职工新电话{PHONE}")
    note = AuditEvent.objects.get(action="case.note")
    assert note.reason == "职工新电话139****5678"
    from laborwatch.cases.services import referral_create

    referral = referral_create(
        actor=centre_staff, case=case, to_unit=liaison.org_unit, request=f"身份证{ID_NUMBER}"
    )
    assert Referral.objects.get(pk=referral.pk).request == "身份证370202********1237"
    page = client_for(centre_staff).get(f"/cases/{case.number}/").content.decode()
    assert "职工新电话139****5678" in page and PHONE not in page and ID_NUMBER not in page


def test_a_role_that_may_reveal_reads_the_texts_as_typed_audited(
    registry, owner, centre_staff, client_for
):
    case = make_case(registry.shinan_enterprise, description=DESCRIPTION)
    post_action(client_for(owner), case, "note", note=f"职工新电话{PHONE}")
    client = client_for(centre_staff)
    refused = client.post(f"/cases/{case.number}/reveal-text/", {"reason": ""})
    assert refused.status_code == 400
    assert not AuditEvent.objects.filter(action="case.text_reveal").exists()
    response = client.post(f"/cases/{case.number}/reveal-text/", {"reason": "联系职工核实"})
    assert response.status_code == 200
    originals = [(str(o.label), o.text) for o in response.context["originals"]]
    assert originals[0] == ("诉求内容", DESCRIPTION)
    assert originals[1][1] == f"职工新电话{PHONE}"
    assert originals[1][0].startswith("备注 · ")
    assert DESCRIPTION in response.content.decode()
    event = AuditEvent.objects.get(action="case.text_reveal")
    assert (event.actor, event.reason, event.after) == (centre_staff, "联系职工核实", {"texts": 2})


@pytest.mark.parametrize("persona", ["auditor", "leader", "outsider"])
def test_others_cannot_reveal(request, registry, client_for, persona):
    case = make_case(registry.shinan_enterprise, description=DESCRIPTION)
    client = client_for(request.getfixturevalue(persona))
    response = client.post(f"/cases/{case.number}/reveal-text/", {"reason": "看看"})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="case.text_reveal").exists()
