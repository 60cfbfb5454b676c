"""Registry pages per role: detail, list contents and filters, export, the create form."""

from __future__ import annotations

import io

import openpyxl
import pytest

from laborwatch.core.models import AuditEvent
from laborwatch.enterprises.models import Enterprise
from tests.conftest import HUANGDAO_ID_NUMBER, SHINAN_ID_NUMBER, SHINAN_PHONE
from tests.factories import valid_credit_code
from tests.personas import ALL_PERSONAS

SEES_SHINAN = {"owner", "colleague", "centre_staff", "leader", "auditor", "admin_user"}
CITY_WIDE = ["centre_staff", "leader", "auditor", "admin_user"]
SHINAN = "青岛海岸电子有限公司"
HUANGDAO = "青岛西海岸造船有限公司"


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_enterprise_detail_access(request, registry, client_for, persona) -> None:
    client = client_for(request.getfixturevalue(persona))
    code = registry.shinan_enterprise.credit_code
    response = client.get(f"/enterprises/{code}/")
    if persona in SEES_SHINAN:
        assert response.status_code == 200
        assert response.context["enterprise"] == registry.shinan_enterprise
        assert [w.name for w in response.context["workers"]] == ["张伟"]
        content = response.content.decode()
        assert SHINAN in content
        assert "370202********1237" in content and "138****5678" in content
        assert SHINAN_ID_NUMBER not in content and SHINAN_PHONE not in content
    else:
        assert response.status_code == 404
        assert SHINAN not in response.content.decode()


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_missing_enterprise_is_404_like_not_yours(request, registry, client_for, persona) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get(f"/enterprises/{valid_credit_code(8888)}/").status_code == 404
    assert client.get("/enterprises/not-a-code/").status_code == 404


def test_outsider_sees_own_enterprise(registry, client_for, outsider) -> None:
    code = registry.huangdao_enterprise.credit_code
    response = client_for(outsider).get(f"/enterprises/{code}/")
    assert response.status_code == 200
    assert [w.name for w in response.context["workers"]] == ["王芳"]
    assert HUANGDAO_ID_NUMBER not in response.content.decode()


# --- list -----------------------------------------------------------------------------


def _listed(client, **params) -> list[str]:
    response = client.get("/enterprises/", params)
    assert response.status_code == 200
    return [e.name for e in response.context["page"]]


@pytest.mark.parametrize("persona", ["owner", "colleague"])
def test_list_for_shinan_staff(request, registry, client_for, persona) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert _listed(client) == [SHINAN]
    assert _listed(client, district="huangdao") == []
    assert _listed(client, q="造船") == []
    assert _listed(client, q=registry.huangdao_enterprise.credit_code) == []


def test_list_for_outsider(registry, client_for, outsider) -> None:
    client = client_for(outsider)
    assert _listed(client) == [HUANGDAO]
    assert _listed(client, district="shinan") == []
    content = client.get("/enterprises/").content.decode()
    assert SHINAN not in content
    assert registry.shinan_enterprise.credit_code not in content


def test_list_for_liaison(registry, client_for, liaison) -> None:
    client = client_for(liaison)
    assert _listed(client) == []
    assert _listed(client, district="shinan") == []


@pytest.mark.parametrize("persona", CITY_WIDE)
def test_list_city_wide(request, registry, client_for, persona) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert _listed(client) == [SHINAN, HUANGDAO]
    assert _listed(client, district="huangdao") == [HUANGDAO]
    assert _listed(client, q="海岸电子") == [SHINAN]
    assert _listed(client, q=registry.huangdao_enterprise.credit_code.lower()) == [HUANGDAO]


def test_list_export_is_scoped(registry, client_for, owner) -> None:
    response = client_for(owner).get("/enterprises/", {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:5] == ("统一社会信用代码", "名称", "简称", "曾用名", "所属区市")
    assert len(rows) == 2
    assert rows[1][:5] == (
        registry.shinan_enterprise.credit_code,
        SHINAN,
        "海岸电子",
        None,
        "市南区",
    )
    assert rows[1][9] == 120


# --- create form ----------------------------------------------------------------------


def _form_data(org_units, **overrides) -> dict:
    data = {
        "credit_code": "91370200163562681G",
        "name": "海尔集团公司",
        "short_names": "海尔，海尔集团",
        "district": org_units["laoshan"].pk,
        "industry": "C",
        "size_band": "large",
        "registered_capital": "100000000",
        "employee_count": "5000",
        "address": "青岛市崂山区海尔路1号",
        "established_on": "1984-12-26",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("persona", ["owner", "outsider", "liaison", "leader", "auditor"])
def test_create_form_hidden_from_roles_that_cannot_register(
    request, org_units, client_for, persona
) -> None:
    client = client_for(request.getfixturevalue(persona))
    events = AuditEvent.objects.count()
    assert client.get("/enterprises/new/").status_code == 404
    assert client.post("/enterprises/new/", _form_data(org_units)).status_code == 404
    assert Enterprise.objects.count() == 0
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("persona", ["centre_staff", "admin_user"])
def test_create_form_registers(request, org_units, client_for, persona) -> None:
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get("/enterprises/new/").status_code == 200
    response = client.post(
        "/enterprises/new/", _form_data(org_units, credit_code="91370200163562681g")
    )
    assert response.status_code == 302
    assert response["Location"] == "/enterprises/91370200163562681G/"
    enterprise = Enterprise.objects.get()
    assert (enterprise.name, enterprise.district.code, enterprise.short_names) == (
        "海尔集团公司",
        "laoshan",
        ["海尔", "海尔集团"],
    )
    assert enterprise.employee_count == 5000
    assert AuditEvent.objects.get(action="enterprise.create").actor == user
    follow = client.get(response["Location"])
    assert "企业“海尔集团公司”已登记。" in follow.content.decode()


def test_create_form_bad_credit_code_rerenders_in_chinese(
    org_units, client_for, centre_staff
) -> None:
    events = AuditEvent.objects.count()
    response = client_for(centre_staff).post(
        "/enterprises/new/", _form_data(org_units, credit_code="91370200163562681H")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["credit_code"]
    assert errors == ["统一社会信用代码校验位错误：应为 G，实际为 H。"]
    content = response.content.decode()
    assert '<span class="field-error">统一社会信用代码：统一社会信用代码校验位错误' in content
    assert 'value="91370200163562681H"' in content
    assert Enterprise.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_create_form_duplicate_code(registry, org_units, client_for, centre_staff) -> None:
    code = registry.shinan_enterprise.credit_code
    response = client_for(centre_staff).post(
        "/enterprises/new/", _form_data(org_units, credit_code=code, name="冒名公司")
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["credit_code"]
    assert Enterprise.objects.filter(credit_code=code).get().name == SHINAN


def test_create_form_missing_fields(org_units, client_for, centre_staff) -> None:
    response = client_for(centre_staff).post("/enterprises/new/", {"credit_code": ""})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {
        "credit_code",
        "name",
        "district",
        "industry",
        "size_band",
        "registered_capital",
        "employee_count",
    }
    assert response.context["form"].errors["name"] == ["这个字段是必填项。"]
    assert Enterprise.objects.count() == 0


def test_create_form_short_code_rerenders(org_units, client_for, centre_staff) -> None:
    response = client_for(centre_staff).post(
        "/enterprises/new/", _form_data(org_units, credit_code="12345")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["credit_code"] == [
        "统一社会信用代码应为18位，实际为5位。"
    ]
    assert Enterprise.objects.count() == 0


def test_registry_export_is_audited(registry, client_for, owner) -> None:
    from laborwatch.core.models import AuditEvent

    response = client_for(owner).get("/enterprises/", {"format": "xlsx"})
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="enterprise.export")
    assert (event.actor, event.after) == (owner, {"rows": 1})


def test_an_empty_list_offers_no_export(registry, centre_staff, client_for) -> None:
    client = client_for(centre_staff)
    assert "format=xlsx" in client.get("/enterprises/").content.decode()
    assert "format=xlsx" not in client.get("/enterprises/", {"q": "不存在的企业"}).content.decode()
    assert "format=xlsx" not in client.get("/workers/", {"q": "无此人"}).content.decode()


def test_a_search_is_counted_no_further_than_its_limit(
    registry, client_for, centre_staff, monkeypatch
):
    monkeypatch.setattr("laborwatch.enterprises.views.SEARCH_COUNT_LIMIT", 1)
    client = client_for(centre_staff)
    capped = client.get("/enterprises/", {"q": "海岸"}).content.decode()
    assert "超过 1 条 · 第 1 / 1 页" in capped
    assert "共 1 条 · 第 1 / 1 页" in client.get("/enterprises/", {"q": "造船"}).content.decode()
    # Without a search, the registry is counted whole.
    assert "共 2 条 · 第 1 / 1 页" in client.get("/enterprises/").content.decode()
