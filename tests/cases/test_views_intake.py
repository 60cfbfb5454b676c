"""Web intake forms: who may take in, which channels, errors in Chinese next to the fields,
the district of a case taken in by district staff, and candidates to confirm afterwards."""

from __future__ import annotations

import pytest
import time_machine

from laborwatch.cases.models import Case
from laborwatch.core.models import AuditEvent
from laborwatch.workers.models import Worker
from tests.cases.views_support import T0
from tests.personas import ALL_PERSONAS

pytestmark = pytest.mark.django_db

MAY_TAKE_IN = {"owner", "colleague", "outsider", "centre_staff", "admin_user"}

VALID = {
    "caller_name": "孙丽",
    "caller_phone": "13912340077",
    "employer_name": "青岛西海岸造船有限公司",
    "category": "WAGE.ARREARS.STAFF",
    "request_type": "help",
    "description": "拖欠两个月工资。",
    "amount_claimed": "8000",
    "workers_involved": "1",
}


def counts() -> tuple[int, int, int]:
    return Case.objects.count(), Worker.objects.count(), AuditEvent.objects.count()


@pytest.mark.parametrize("persona", ALL_PERSONAS)
@pytest.mark.parametrize("channel", ["walk_in", "online", "superior_assignment"])
def test_who_may_take_in(request, registry, client_for, persona, channel):
    client = client_for(request.getfixturevalue(persona))
    url = f"/cases/new/?channel={channel}"
    before = counts()
    data = VALID | {"assigned_by": "市委督查室", "superior_deadline": "2025-03-20T18:00"}
    with time_machine.travel(T0, tick=False):
        page = client.get(url)
        response = client.post(url, data)
    if persona in MAY_TAKE_IN:
        assert page.status_code == 200
        assert response.status_code == 302
        case = Case.objects.get()
        assert (case.channel, case.worker.name, case.employer) == (
            channel, "孙丽", registry.huangdao_enterprise
        )  # fmt: skip
    else:
        assert page.status_code == response.status_code == 404
        assert counts() == before


@pytest.mark.parametrize("channel", ["hotline_12351", "public_opinion", "department", "x"])
def test_other_channels_have_no_web_form(registry, centre_staff, client_for, channel):
    client = client_for(centre_staff)
    assert client.get(f"/cases/new/?channel={channel}").status_code == 404
    before = counts()
    assert client.post(f"/cases/new/?channel={channel}", VALID).status_code == 404
    assert counts() == before


def test_district_staff_take_in_for_their_own_district(registry, org_units, owner, client_for):
    client = client_for(owner)
    with time_machine.travel(T0, tick=False):
        response = client.post("/cases/new/?channel=walk_in", VALID)  # a 黄岛区 employer
    case = Case.objects.get()
    assert (case.district, case.employer) == (org_units["shinan"], registry.huangdao_enterprise)
    assert client.get(response["Location"]).status_code == 200


def test_errors_are_shown_next_to_the_fields_in_chinese(registry, centre_staff, client_for):
    client = client_for(centre_staff)
    before = counts()
    data = VALID | {
        "caller_name": "",
        "caller_phone": "12345",
        "caller_id_number": "370202199001011230",
        "employer_name": "",
        "employer_credit_code": "91370200MA3C5ABCDX",
        "description": " ",
        "amount_claimed": "-1",
        "workers_involved": "0",
        "arrears_from": "2025-02-01",
        "arrears_to": "2025-01-01",
    }
    with time_machine.travel(T0, tick=False):
        response = client.post("/cases/new/?channel=online", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    # Caller and case problems come back together, in one round.
    assert {k: errors[k] for k in ("caller_name", "caller_phone", "caller_id_number")} == {
        "caller_name": ["姓名不能为空。"],
        "caller_phone": [
            "手机号应为以13至19开头的11位号码，或带区号的固定电话（如 0532-88886666）。"
        ],
        "caller_id_number": ["身份证号校验位错误：应为 7，实际为 0。"],
    }
    text = response.content.decode()
    for field in ("caller_name", "caller_phone", "caller_id_number"):
        for message in errors[field]:
            assert message in text
    assert errors["description"] == ["请填写诉求内容。"]
    assert errors["amount_claimed"] == ["金额不能为负数。"]
    assert counts() == before
    # With the caller fixed, only the case's own problems remain.
    data |= {"caller_name": "孙丽", "caller_phone": "13912340077", "caller_id_number": ""}
    with time_machine.travel(T0, tick=False):
        response = client.post("/cases/new/?channel=online", data)
    errors = response.context["form"].errors
    assert not {"caller_name", "caller_phone", "caller_id_number"} & set(errors)
    assert errors["description"] == ["请填写诉求内容。"]
    assert errors["amount_claimed"] == ["金额不能为负数。"]
    assert errors["workers_involved"] == ["涉及人数至少为 1 人。"]
    assert errors["arrears_to"] == ["欠薪截止日期早于起始日期。"]
    assert errors["employer_credit_code"] == ["统一社会信用代码校验位错误：应为 M，实际为 X。"]
    assert "诉求内容：请填写诉求内容。" in response.content.decode()
    assert counts() == before


def test_unknown_category_is_refused_by_the_form(registry, centre_staff, client_for):
    before = counts()
    response = client_for(centre_staff).post(
        "/cases/new/?channel=walk_in", VALID | {"category": "NOPE"}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["category"]
    assert counts() == before


def test_told_name_offers_registry_candidates(registry, centre_staff, client_for):
    client = client_for(centre_staff)
    with time_machine.travel(T0, tick=False):
        response = client.post(
            "/cases/new/?channel=walk_in", VALID | {"employer_name": "青岛海岸电子公司"}
        )
        page = client.get(response["Location"])
    case = Case.objects.get()
    assert case.employer is None
    candidates = page.context["candidates"]
    assert [c.credit_code for c in candidates] == [registry.shinan_enterprise.credit_code]
    text = page.content.decode()
    assert "青岛海岸电子有限公司" in text
    assert f'action="/cases/{case.number}/act/link_employer/"' in text
    # A code that is not in the registry is refused next to the field, nothing changes.
    response = client.post(
        f"/cases/{case.number}/act/link_employer/",
        {"version": case.version, "credit_code": "91370200MA00000000"},
    )
    assert response.status_code == 400
    assert "您的辖区内没有该统一社会信用代码的企业。" in response.content.decode()
    assert Case.objects.get().employer is None


def test_district_staff_cannot_link_an_enterprise_outside_their_district(
    registry, owner, client_for
):
    client = client_for(owner)
    with time_machine.travel(T0, tick=False):
        response = client.post("/cases/new/?channel=walk_in", VALID | {"employer_name": "某厂"})
    case = Case.objects.get()
    before = AuditEvent.objects.count()
    response = client.post(
        f"/cases/{case.number}/act/link_employer/",
        {"version": case.version, "credit_code": registry.huangdao_enterprise.credit_code},
    )
    assert response.status_code == 400
    assert "您的辖区内没有该统一社会信用代码的企业。" in response.content.decode()
    assert Case.objects.get().employer is None
    assert AuditEvent.objects.count() == before


def test_detail_shows_the_organisations_named_in_the_description(
    registry, centre_staff, client_for
):
    client = client_for(centre_staff)
    data = VALID | {
        "employer_name": "某公司",
        "description": "我在青岛宏达劳务有限公司承包的工地干活，总包是中铁某局，工资拖欠三个月。",
    }
    with time_machine.travel(T0, tick=False):
        response = client.post("/cases/new/?channel=walk_in", data)
        page = client.get(response["Location"])
    assert [span.text for span in page.context["mentioned_orgs"]][:1] == ["青岛宏达劳务有限公司"]
    assert "青岛宏达劳务有限公司" in page.content.decode()
