"""Creating, renaming and bulk-loading registry rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from laborwatch.core.models import AuditEvent
from laborwatch.enterprises.models import Enterprise
from laborwatch.enterprises.services import (
    BulkLoadRejected,
    RowError,
    enterprise_create,
    enterprise_update,
    enterprises_bulk_load,
)
from tests.factories import HAIER_CREDIT_CODE, make_enterprise, valid_credit_code


def _create(org_units, **overrides):
    values = {
        "actor": None,
        "credit_code": HAIER_CREDIT_CODE,
        "name": "海尔集团公司",
        "district": org_units["laoshan"],
        "industry": "C",
        "size_band": "large",
    }
    values.update(overrides)
    return enterprise_create(**values)


def test_create_normalises_and_audits(org_units, centre_staff) -> None:
    enterprise = _create(
        org_units,
        actor=centre_staff,
        credit_code=" 9137 0200 1635 6268 1g ",
        name="  海尔集团公司 ",
        short_names=["海尔"],
        employee_count=5000,
        established_on=dt.date(1984, 12, 26),
    )
    enterprise.refresh_from_db()
    assert enterprise.credit_code == HAIER_CREDIT_CODE
    assert enterprise.name == "海尔集团公司"
    assert enterprise.district.code == "laoshan"
    assert enterprise.search_text == f"{HAIER_CREDIT_CODE}\n海尔集团公司\n海尔"
    assert (enterprise.former_names, enterprise.short_names) == ([], ["海尔"])
    assert enterprise.status == "存续"
    event = AuditEvent.objects.get(action="enterprise.create")
    assert (event.actor, event.target_type, event.target_id, event.target_label) == (
        centre_staff,
        "enterprises.enterprise",
        str(enterprise.pk),
        "海尔集团公司",
    )
    assert event.org_unit.code == "laoshan"
    assert event.after["credit_code"] == HAIER_CREDIT_CODE


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("91370200163562681H", "校验位错误"),
        ("91370200163562681GG", "应为18位"),
        ("01370200163562681" + "0", "登记管理部门"),
    ],
)
def test_create_with_invalid_credit_code_saves_nothing(org_units, code, fragment) -> None:
    events = AuditEvent.objects.count()
    with override("zh-hans"), pytest.raises(ValidationError) as caught:
        _create(org_units, credit_code=code)
    errors = caught.value.message_dict
    assert list(errors) == ["credit_code"]
    ours = [m for m in errors["credit_code"] if m.startswith("统一社会信用代码")]
    assert len(ours) == 1
    assert fragment in ours[0]
    assert Enterprise.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_create_duplicate_credit_code_refused(org_units) -> None:
    _create(org_units)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        _create(org_units, name="另一家公司", credit_code=HAIER_CREDIT_CODE.lower())
    assert list(caught.value.message_dict) == ["credit_code"]
    assert list(Enterprise.objects.values_list("name", flat=True)) == ["海尔集团公司"]
    assert AuditEvent.objects.count() == events


def test_create_in_a_department_is_refused(org_units) -> None:
    with pytest.raises(ValidationError) as caught:
        _create(org_units, district=org_units["hrss-inspection"])
    assert list(caught.value.message_dict) == ["district"]
    assert Enterprise.objects.count() == 0


def test_create_with_bad_choices_names_each_field(org_units) -> None:
    with pytest.raises(ValidationError) as caught:
        _create(org_units, industry="Z", size_band="huge", name="  ")
    assert set(caught.value.message_dict) == {"industry", "size_band", "name"}
    assert Enterprise.objects.count() == 0


# --- update ---------------------------------------------------------------------------


def test_rename_keeps_the_former_name_and_audits(org_units, centre_staff) -> None:
    enterprise = _create(org_units)
    updated = enterprise_update(
        actor=centre_staff, enterprise=enterprise, name="海尔智家股份有限公司"
    )
    assert updated.name == "海尔智家股份有限公司"
    stored = Enterprise.objects.get(pk=enterprise.pk)
    assert stored.name == "海尔智家股份有限公司"
    assert stored.former_names == ["海尔集团公司"]
    assert stored.search_text == f"{HAIER_CREDIT_CODE}\n海尔智家股份有限公司\n海尔集团公司"
    events = AuditEvent.objects.filter(action="enterprise.update")
    assert events.count() == 1
    event = events.get()
    assert (event.actor, event.target_id, event.target_label) == (
        centre_staff,
        str(enterprise.pk),
        "海尔智家股份有限公司",
    )
    assert (event.before, event.after) == (
        {"name": "海尔集团公司"},
        {"name": "海尔智家股份有限公司"},
    )


def test_second_rename_appends(org_units) -> None:
    enterprise = _create(org_units, name="甲公司")
    enterprise_update(actor=None, enterprise=enterprise, name="乙公司")
    enterprise_update(actor=None, enterprise=enterprise, name="丙公司")
    stored = Enterprise.objects.get(pk=enterprise.pk)
    assert (stored.name, stored.former_names) == ("丙公司", ["甲公司", "乙公司"])
    assert AuditEvent.objects.filter(action="enterprise.update").count() == 2


def test_update_other_fields_records_only_changes(org_units) -> None:
    enterprise = _create(org_units, employee_count=10)
    enterprise_update(
        actor=None,
        enterprise=enterprise,
        employee_count=99,
        district=org_units["shinan"],
        size_band="large",  # unchanged
    )
    stored = Enterprise.objects.get(pk=enterprise.pk)
    assert (stored.employee_count, stored.district.code, stored.former_names) == (99, "shinan", [])
    event = AuditEvent.objects.get(action="enterprise.update")
    assert event.before == {"employee_count": 10, "district": str(org_units["laoshan"].pk)}
    assert event.after == {"employee_count": 99, "district": str(org_units["shinan"].pk)}
    assert event.org_unit.code == "shinan"


def test_update_without_change_writes_no_event(org_units) -> None:
    enterprise = _create(org_units)
    enterprise_update(actor=None, enterprise=enterprise, name="海尔集团公司", employee_count=0)
    assert AuditEvent.objects.filter(action="enterprise.update").count() == 0
    assert Enterprise.objects.get(pk=enterprise.pk).former_names == []


def test_update_refuses_uneditable_fields(org_units) -> None:
    enterprise = _create(org_units)
    with pytest.raises(ValueError, match="credit_code"):
        enterprise_update(actor=None, enterprise=enterprise, credit_code=valid_credit_code())
    assert Enterprise.objects.get(pk=enterprise.pk).credit_code == HAIER_CREDIT_CODE


def test_invalid_update_changes_nothing(org_units) -> None:
    enterprise = _create(org_units)
    with pytest.raises(ValidationError) as caught:
        enterprise_update(actor=None, enterprise=enterprise, name="新名字", industry="Z")
    assert list(caught.value.message_dict) == ["industry"]
    stored = Enterprise.objects.get(pk=enterprise.pk)
    assert (stored.name, stored.industry, stored.former_names) == ("海尔集团公司", "C", [])
    assert AuditEvent.objects.filter(action="enterprise.update").count() == 0


# --- bulk load ------------------------------------------------------------------------


def _rows() -> list[dict]:
    return [
        {
            "credit_code": valid_credit_code(9001),
            "name": "甲制造有限公司",
            "district_code": "370202",
            "industry": "C",
            "size_band": "small",
            "short_name": "甲制造",
            "employee_count": "12",
        },
        {
            "credit_code": valid_credit_code(9002).lower(),
            "name": "乙建筑有限公司",
            "district": "黄岛区",
            "industry": "E",
            "size_band": "medium",
            "former_names": ["乙建设公司"],
            "established_on": "2015-03-01",
        },
        {
            "credit_code": valid_credit_code(9003),
            "name": "丙餐饮店",
            "district_code": "370285",
            "industry": "H",
            "size_band": "micro",
            "status": "在业",
        },
    ]


def test_bulk_load_creates_rows(org_units) -> None:
    result = enterprises_bulk_load(actor=None, rows=_rows())
    assert (result.created, result.skipped_existing, result.errors) == (3, 0, [])
    rows = {e.name: e for e in Enterprise.objects.select_related("district")}
    assert {name: e.district.code for name, e in rows.items()} == {
        "甲制造有限公司": "shinan",
        "乙建筑有限公司": "huangdao",
        "丙餐饮店": "laixi",
    }
    assert rows["甲制造有限公司"].short_names == ["甲制造"]
    assert rows["甲制造有限公司"].employee_count == 12
    assert rows["乙建筑有限公司"].credit_code == valid_credit_code(9002)
    assert rows["乙建筑有限公司"].former_names == ["乙建设公司"]
    assert rows["乙建筑有限公司"].established_on == dt.date(2015, 3, 1)
    assert "乙建设公司" in rows["乙建筑有限公司"].search_text
    assert rows["丙餐饮店"].status == "在业"
    event = AuditEvent.objects.get(action="enterprise.bulk_load")
    assert (event.actor_label, event.after) == ("load", {"created": 3, "skipped_existing": 0})


def test_bulk_load_one_bad_row_rejects_the_batch(org_units) -> None:
    rows = _rows()
    rows[1]["credit_code"] = rows[1]["credit_code"][:17] + "0"  # wrong check character
    events = AuditEvent.objects.count()
    with override("zh-hans"), pytest.raises(BulkLoadRejected) as caught:
        enterprises_bulk_load(actor=None, rows=rows)
    assert [(e.row, e.field) for e in caught.value.errors] == [(2, "credit_code")]
    assert "校验位错误" in caught.value.errors[0].message
    assert str(caught.value) == "1 invalid rows"
    assert Enterprise.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_bulk_load_lists_every_error(org_units) -> None:
    rows = _rows()
    rows[0]["district_code"] = "999999"
    rows[2]["industry"] = ""
    rows[2]["size_band"] = "huge"
    with pytest.raises(BulkLoadRejected) as caught:
        enterprises_bulk_load(actor=None, rows=rows)
    errors = caught.value.errors
    assert [(e.row, e.field) for e in errors] == [
        (1, "district"),
        (3, "industry"),
        (3, "size_band"),
    ]
    assert isinstance(errors[0], RowError)
    assert Enterprise.objects.count() == 0


def test_bulk_load_is_idempotent(org_units) -> None:
    enterprises_bulk_load(actor=None, rows=_rows())
    pks = set(Enterprise.objects.values_list("pk", flat=True))
    again = enterprises_bulk_load(actor=None, rows=_rows())
    assert (again.created, again.skipped_existing) == (0, 3)
    assert set(Enterprise.objects.values_list("pk", flat=True)) == pks


def test_bulk_load_skips_codes_already_registered(org_units) -> None:
    make_enterprise(org_units["shinan"], credit_code=valid_credit_code(9001), name="原有名称")
    result = enterprises_bulk_load(actor=None, rows=_rows())
    assert (result.created, result.skipped_existing) == (2, 1)
    assert Enterprise.objects.get(credit_code=valid_credit_code(9001)).name == "原有名称"


def test_bulk_load_duplicate_inside_batch_loaded_once(org_units) -> None:
    rows = _rows()
    rows.append({**rows[0], "name": "重复行"})
    result = enterprises_bulk_load(actor=None, rows=rows)
    assert (result.created, result.skipped_existing) == (3, 1)
    assert Enterprise.objects.get(credit_code=valid_credit_code(9001)).name == "甲制造有限公司"


def test_bulk_load_short_code_is_a_row_error(org_units) -> None:
    rows = _rows()
    rows[2]["credit_code"] = "9137"
    with pytest.raises(BulkLoadRejected) as caught:
        enterprises_bulk_load(actor=None, rows=rows)
    assert [(e.row, e.field) for e in caught.value.errors] == [(3, "credit_code")]
