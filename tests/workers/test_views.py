"""Worker pages: masked everywhere, revealed only by POST with a reason (audited), exports."""

from __future__ import annotations

import io

import openpyxl
import pytest

from laborwatch.core.models import AuditEvent
from laborwatch.workers.models import Worker
from tests.conftest import HUANGDAO_ID_NUMBER, HUANGDAO_PHONE, SHINAN_ID_NUMBER, SHINAN_PHONE
from tests.personas import ALL_PERSONAS

SEES_SHINAN = {"owner", "colleague", "centre_staff", "leader", "auditor", "admin_user"}
MAY_REVEAL = {"owner", "colleague", "centre_staff", "admin_user"}
CLEAR_VALUES = [SHINAN_ID_NUMBER, SHINAN_PHONE, HUANGDAO_ID_NUMBER, HUANGDAO_PHONE]
SHINAN_MASKED = ("370202********1237", "138****5678")
HUANGDAO_MASKED = ("370211********008X", "053*****6666")


def _reveals() -> int:
    return AuditEvent.objects.filter(action="worker.reveal").count()


def _assert_no_clear_value(content: bytes) -> None:
    text = content.decode()
    for value in CLEAR_VALUES:
        assert value not in text


# --- detail ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_worker_detail_access_and_masking(request, registry, client_for, persona) -> None:
    client = client_for(request.getfixturevalue(persona))
    response = client.get(f"/workers/{registry.shinan_worker.pk}/")
    _assert_no_clear_value(response.content)
    if persona in SEES_SHINAN:
        assert response.status_code == 200
        text = response.content.decode()
        assert "张伟" in text
        assert all(masked in text for masked in SHINAN_MASKED)
        assert response.context["can_reveal"] is (persona in MAY_REVEAL)
        assert (f'action="/workers/{registry.shinan_worker.pk}/reveal/"' in text) is (
            persona in MAY_REVEAL
        )
    else:
        assert response.status_code == 404
    assert _reveals() == 0


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_missing_worker_is_404(request, registry, client_for, persona) -> None:
    client = client_for(request.getfixturevalue(persona))
    missing = Worker.objects.order_by("-pk").first().pk + 100
    assert client.get(f"/workers/{missing}/").status_code == 404
    assert client.post(f"/workers/{missing}/reveal/", {"reason": "核实"}).status_code == 404
    assert _reveals() == 0


# --- list -----------------------------------------------------------------------------


def _listed(client, **params) -> list[str]:
    response = client.get("/workers/", params, follow=True)
    assert response.status_code == 200
    # An ID number or phone search is redirected to its keyed digest, so the clear value
    # never stays in the URL, the page or the export links.
    _assert_no_clear_value(response.content)
    for url, _status in response.redirect_chain:
        assert "q=" not in url
    return [w.name for w in response.context["page"]]


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_worker_list_is_scoped_and_masked(request, registry, client_for, persona) -> None:
    client = client_for(request.getfixturevalue(persona))
    names = set(_listed(client))
    text = client.get("/workers/").content.decode()
    expected = {
        "owner": {"张伟"},
        "colleague": {"张伟"},
        "outsider": {"王芳"},
        "liaison": set(),
    }.get(persona, {"张伟", "王芳"})
    assert names == expected
    if "张伟" in expected:
        assert all(masked in text for masked in SHINAN_MASKED)
    if "王芳" in expected:
        assert all(masked in text for masked in HUANGDAO_MASKED)


def test_list_search_by_id_phone_and_name(registry, client_for, centre_staff) -> None:
    client = client_for(centre_staff)
    assert _listed(client, q="37021119850505008x") == ["王芳"]
    assert _listed(client, q="+86 138 1234 5678") == ["张伟"]
    assert _listed(client, q="张") == ["张伟"]
    assert _listed(client, q="13900000000") == []


@pytest.mark.parametrize("query", ["0532-88886666", "053288886666"])
def test_list_search_by_landline(registry, client_for, centre_staff, query) -> None:
    assert _listed(client_for(centre_staff), q=query) == ["王芳"]


def test_list_search_is_scoped(registry, client_for, owner) -> None:
    client = client_for(owner)
    assert _listed(client, q=HUANGDAO_ID_NUMBER) == []
    assert _listed(client, q="王芳") == []
    assert _listed(client, q=SHINAN_ID_NUMBER) == ["张伟"]


# --- reveal ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["owner", "colleague", "centre_staff", "admin_user"])
def test_reveal_through_the_web(request, registry, client_for, persona) -> None:
    user = request.getfixturevalue(persona)
    worker = registry.shinan_worker
    response = client_for(user).post(f"/workers/{worker.pk}/reveal/", {"reason": "电话回访"})
    assert response.status_code == 200
    text = response.content.decode()
    assert f"<code>{SHINAN_ID_NUMBER}</code>" in text
    assert f"<code>{SHINAN_PHONE}</code>" in text
    assert "已显示明文，本次查看已记入审计日志。" in text
    assert response.context["clear"] == {"id_number": SHINAN_ID_NUMBER, "phone": SHINAN_PHONE}
    events = AuditEvent.objects.filter(action="worker.reveal")
    assert events.count() == 1
    event = events.get()
    assert (event.actor, event.reason, event.target_id) == (user, "电话回访", str(worker.pk))


@pytest.mark.parametrize("persona", ["outsider", "liaison", "leader", "auditor"])
def test_reveal_denied_is_404_without_event(request, registry, client_for, persona) -> None:
    client = client_for(request.getfixturevalue(persona))
    events = AuditEvent.objects.count()
    response = client.post(f"/workers/{registry.shinan_worker.pk}/reveal/", {"reason": "看看"})
    assert response.status_code == 404
    _assert_no_clear_value(response.content)
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("persona", ["leader", "auditor"])
def test_read_only_roles_cannot_reveal_even_in_scope(request, registry, client_for, persona):
    client = client_for(request.getfixturevalue(persona))
    response = client.post(f"/workers/{registry.huangdao_worker.pk}/reveal/", {"reason": "看看"})
    assert response.status_code == 404
    assert _reveals() == 0


def test_reveal_needs_a_reason(registry, client_for, owner) -> None:
    response = client_for(owner).post(f"/workers/{registry.shinan_worker.pk}/reveal/", {})
    assert response.status_code == 400
    assert response.context["reveal_form"].errors["reason"] == ["这个字段是必填项。"]
    _assert_no_clear_value(response.content)
    assert _reveals() == 0


def test_reveal_is_post_only(registry, client_for, owner) -> None:
    response = client_for(owner).get(f"/workers/{registry.shinan_worker.pk}/reveal/")
    assert response.status_code == 405
    assert _reveals() == 0


def test_outsider_reveals_own_worker(registry, client_for, outsider) -> None:
    response = client_for(outsider).post(
        f"/workers/{registry.huangdao_worker.pk}/reveal/", {"reason": "立案"}
    )
    assert response.status_code == 200
    assert response.context["clear"] == {"id_number": HUANGDAO_ID_NUMBER, "phone": HUANGDAO_PHONE}
    assert AuditEvent.objects.get(action="worker.reveal").actor == outsider


# --- export ---------------------------------------------------------------------------


def _export(client, **params) -> list[tuple]:
    response = client.get("/workers/", {"format": "xlsx", **params})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        "attachment; filename*=UTF-8''%E8%81%8C%E5%B7%A5%E5%90%8D%E5%8D%95.xlsx"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("姓名", "身份证号", "手机号", "用人单位", "所属区市")
    return sorted(rows[1:])


def _export_event(user) -> AuditEvent:
    events = AuditEvent.objects.filter(action__in=["worker.export", "worker.reveal_export"])
    assert events.count() == 1
    event = events.get()
    assert event.actor == user
    return event


@pytest.mark.parametrize("reveal", [None, "1"])
def test_export_for_leader_is_masked(registry, client_for, leader, reveal) -> None:
    params = {"reveal": reveal} if reveal else {}
    rows = _export(client_for(leader), **params)
    assert rows == [
        ("张伟", *SHINAN_MASKED, "青岛海岸电子有限公司", "市南区"),
        ("王芳", *HUANGDAO_MASKED, "青岛西海岸造船有限公司", "黄岛区"),
    ]
    assert _export_event(leader).after == {"rows": 2, "revealed": False}


def test_export_for_auditor_with_reveal_is_masked(registry, client_for, auditor) -> None:
    rows = _export(client_for(auditor), reveal="1")
    assert [row[1:3] for row in rows] == [SHINAN_MASKED, HUANGDAO_MASKED]
    assert _export_event(auditor).after == {"rows": 2, "revealed": False}


def test_export_for_centre_masked_unless_reveal(registry, client_for, centre_staff) -> None:
    rows = _export(client_for(centre_staff))
    assert [row[1:3] for row in rows] == [SHINAN_MASKED, HUANGDAO_MASKED]
    assert _export_event(centre_staff).after == {"rows": 2, "revealed": False}


def test_export_in_clear_for_centre(registry, client_for, centre_staff) -> None:
    client = client_for(centre_staff)
    refused = client.get("/workers/", {"format": "xlsx", "reveal": "1"})
    assert refused.status_code == 400
    assert (
        not AuditEvent.objects.filter(action__startswith="worker.")
        .exclude(action="worker.create")
        .exists()
    )
    rows = _export(client, reveal="1", reason="欠薪群体案件联系职工")
    assert [row[:3] for row in rows] == [
        ("张伟", SHINAN_ID_NUMBER, SHINAN_PHONE),
        ("王芳", HUANGDAO_ID_NUMBER, HUANGDAO_PHONE),
    ]
    event = _export_event(centre_staff)
    assert (event.action, event.reason) == ("worker.reveal_export", "欠薪群体案件联系职工")
    assert event.after == {"rows": 2, "revealed": True}


def test_export_in_clear_for_district_staff_is_scoped(registry, client_for, owner) -> None:
    rows = _export(client_for(owner), reveal="1", reason="联系职工")
    assert rows == [("张伟", SHINAN_ID_NUMBER, SHINAN_PHONE, "青岛海岸电子有限公司", "市南区")]
    assert _export_event(owner).after == {"rows": 1, "revealed": True}


def test_export_for_liaison_is_empty(registry, client_for, liaison) -> None:
    assert _export(client_for(liaison), reveal="1") == []
    assert _export_event(liaison).after == {"rows": 0, "revealed": False}


# --- registration ---------------------------------------------------------------------


def test_district_staff_registers_a_worker(registry, client_for, owner) -> None:
    code = registry.shinan_enterprise.credit_code
    response = client_for(owner).post(
        "/workers/new/",
        {
            "name": "赵敏",
            "id_number": "11010519491231002x",
            "phone": "13700000000",
            "employer_credit_code": code.lower(),
        },
    )
    worker = Worker.objects.get(name="赵敏")
    assert response.status_code == 302
    assert response["Location"] == f"/workers/{worker.pk}/"
    assert (worker.id_number, worker.phone) == ("11010519491231002X", "13700000000")
    assert (worker.employer, worker.district.code) == (registry.shinan_enterprise, "shinan")
    assert AuditEvent.objects.get(action="worker.create", target_id=str(worker.pk)).actor == owner


def test_register_with_employer_out_of_scope(registry, client_for, owner) -> None:
    workers, events = Worker.objects.count(), AuditEvent.objects.count()
    response = client_for(owner).post(
        "/workers/new/",
        {
            "name": "赵敏",
            "phone": "13700000000",
            "employer_credit_code": registry.huangdao_enterprise.credit_code,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["employer_credit_code"] == [
        "您的辖区内没有该统一社会信用代码的企业。"
    ]
    assert (Worker.objects.count(), AuditEvent.objects.count()) == (workers, events)


def test_register_invalid_values_rerenders_in_chinese(registry, client_for, centre_staff) -> None:
    workers, events = Worker.objects.count(), AuditEvent.objects.count()
    response = client_for(centre_staff).post(
        "/workers/new/", {"name": "赵敏", "id_number": "110105194912310021", "phone": "12345"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["id_number"] == ["身份证号校验位错误：应为 X，实际为 1。"]
    assert errors["phone"][0].startswith("手机号应为")
    assert (Worker.objects.count(), AuditEvent.objects.count()) == (workers, events)


def test_register_duplicate_id_number(registry, client_for, centre_staff) -> None:
    response = client_for(centre_staff).post(
        "/workers/new/", {"name": "冒名", "id_number": SHINAN_ID_NUMBER}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"] == ["该身份证号的职工已存在。"]
    assert Worker.objects.count() == 2


@pytest.mark.parametrize("persona", ["leader", "auditor"])
def test_read_only_roles_cannot_register(request, org_units, client_for, persona) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get("/workers/new/").status_code == 404
    response = client.post("/workers/new/", {"name": "赵敏", "phone": "13700000000"})
    assert response.status_code == 404
    assert Worker.objects.count() == 0


def test_liaison_cannot_register_a_worker_in_a_department(org_units, client_for, liaison):
    client_for(liaison).post("/workers/new/", {"name": "赵敏", "phone": "13700000000"})
    assert not Worker.objects.filter(district__kind="department").exists()


@pytest.mark.parametrize(
    ("persona", "listed"),
    [("owner", True), ("colleague", True), ("centre_staff", True), ("leader", True)],
)
def test_worker_page_lists_the_workers_cases(request, registry, client_for, persona, listed):
    from tests.cases.views_support import make_case

    case = make_case(registry.shinan_enterprise, caller_phone="13812345678", caller_name="张伟")
    assert case.worker == registry.shinan_worker
    response = client_for(request.getfixturevalue(persona)).get(
        f"/workers/{registry.shinan_worker.pk}/"
    )
    assert [c.number for c in response.context["cases"]] == ([case.number] if listed else [])
    assert "138****5678" in response.content.decode()
    assert "13812345678" not in response.content.decode()
