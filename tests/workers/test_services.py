"""Workers: encrypted at rest, found by digest, refused when invalid, revealed with an audit row."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils.translation import override

from laborwatch.core import crypto
from laborwatch.core.models import AuditEvent
from laborwatch.workers.models import Worker
from laborwatch.workers.services import (
    worker_create,
    worker_find,
    worker_for_caller,
    worker_reveal,
    workers_bulk_load,
)
from tests.conftest import SHINAN_ID_NUMBER, SHINAN_PHONE
from tests.factories import (
    REAL_FORMAT_ID_NUMBER,
    make_enterprise,
    make_worker,
    valid_id_number,
    valid_mobile,
)


def _raw(worker: Worker) -> tuple[str, str, str | None, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, phone, id_number_digest, phone_digest FROM workers_worker "
            "WHERE id = %s",
            [worker.pk],
        )
        return cursor.fetchone()


def test_personal_data_is_encrypted_at_rest(org_units) -> None:
    worker = worker_create(
        actor=None, name="李娜", id_number=REAL_FORMAT_ID_NUMBER, phone="13812345678"
    )
    raw_id, raw_phone, id_digest, phone_digest = _raw(worker)
    assert raw_id.startswith("v1:") and raw_phone.startswith("v1:")
    assert REAL_FORMAT_ID_NUMBER not in raw_id and "19491231" not in raw_id
    assert "13812345678" not in raw_phone and "5678" not in raw_phone
    assert crypto.decrypt(raw_id) == REAL_FORMAT_ID_NUMBER
    assert (id_digest, phone_digest) == (
        crypto.digest(REAL_FORMAT_ID_NUMBER),
        crypto.digest("13812345678"),
    )
    stored = Worker.objects.get(pk=worker.pk)
    assert (stored.name, stored.id_number, stored.phone) == (
        "李娜",
        REAL_FORMAT_ID_NUMBER,
        "13812345678",
    )
    assert (stored.id_number_masked, stored.phone_masked) == ("110105********002X", "138****5678")


def test_no_clear_value_anywhere_in_the_table(org_units) -> None:
    worker_create(actor=None, name="李娜", id_number=REAL_FORMAT_ID_NUMBER, phone="13812345678")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM workers_worker")
        dump = repr(cursor.fetchall())
    assert REAL_FORMAT_ID_NUMBER not in dump
    assert "13812345678" not in dump


def test_values_are_normalised_before_storing(org_units) -> None:
    worker = worker_create(
        actor=None, name=" 李娜 ", id_number="11010519491231002x", phone="+86 138 1234 5678"
    )
    stored = Worker.objects.get(pk=worker.pk)
    assert (stored.name, stored.id_number, stored.phone) == (
        "李娜",
        REAL_FORMAT_ID_NUMBER,
        "13812345678",
    )


def test_create_takes_the_employer_district_and_audits(org_units, owner) -> None:
    employer = make_enterprise(org_units["shinan"])
    worker = worker_create(
        actor=owner, name="张伟", id_number=SHINAN_ID_NUMBER, phone=SHINAN_PHONE, employer=employer
    )
    assert Worker.objects.get(pk=worker.pk).district.code == "shinan"
    event = AuditEvent.objects.get(action="worker.create")
    assert (event.actor, event.target_id, event.target_label, event.org_unit.code) == (
        owner,
        str(worker.pk),
        "张伟",
        "shinan",
    )
    assert event.after == {"name": "张伟", "employer": employer.credit_code}
    recorded = json.dumps([event.before, event.after, event.target_label, event.reason])
    assert SHINAN_ID_NUMBER not in recorded and SHINAN_PHONE not in recorded


def test_explicit_district_wins(org_units) -> None:
    employer = make_enterprise(org_units["shinan"])
    worker = make_worker(employer=employer, district=org_units["laoshan"])
    assert Worker.objects.get(pk=worker.pk).district.code == "laoshan"


def test_phone_only_and_id_only_workers(org_units) -> None:
    first = worker_create(actor=None, name="甲", phone="13800000001")
    second = worker_create(actor=None, name="乙", phone="0532-88886666")
    third = worker_create(actor=None, name="丙", id_number=valid_id_number(1))
    rows = {w.name: w for w in Worker.objects.all()}
    assert (rows["甲"].id_number, rows["甲"].id_number_digest) == ("", None)
    assert rows["乙"].phone == "053288886666"  # hyphen dropped by normalize_phone
    assert (rows["丙"].phone, rows["丙"].phone_digest) == ("", "")
    assert _raw(first)[0] == "" and _raw(third)[1] == ""
    assert {first.pk, second.pk, third.pk} == {w.pk for w in rows.values()}


# --- lookups --------------------------------------------------------------------------


def test_find_by_digest(org_units) -> None:
    worker = worker_create(
        actor=None, name="李娜", id_number=REAL_FORMAT_ID_NUMBER, phone="13812345678"
    )
    make_worker()
    assert worker_find(id_number=REAL_FORMAT_ID_NUMBER) == worker
    assert worker_find(id_number="11010519491231002x") == worker
    assert worker_find(phone="13812345678") == worker
    assert worker_find(phone="+86 138 1234 5678") == worker
    assert worker_find(id_number=valid_id_number(999)) is None
    assert worker_find(phone="13900000000") is None
    assert worker_find() is None


def test_encrypted_column_cannot_be_searched_in_clear(org_units) -> None:
    make_worker(id_number=REAL_FORMAT_ID_NUMBER)
    assert Worker.objects.filter(id_number=REAL_FORMAT_ID_NUMBER).count() == 0


# --- refusals -------------------------------------------------------------------------


def _refused(**kwargs) -> dict[str, list[str]]:
    workers, events = Worker.objects.count(), AuditEvent.objects.count()
    values = {"actor": None, "name": "李娜"}
    values.update(kwargs)
    with override("zh-hans"), pytest.raises(ValidationError) as caught:
        worker_create(**values)
    assert Worker.objects.count() == workers
    assert AuditEvent.objects.count() == events
    return caught.value.message_dict


def test_duplicate_id_number_refused(org_units) -> None:
    make_worker(id_number=REAL_FORMAT_ID_NUMBER)
    errors = _refused(id_number="11010519491231002x", phone="13900000000")
    assert errors == {"id_number": ["该身份证号的职工已存在。"]}
    assert Worker.objects.filter(id_number_digest=crypto.digest(REAL_FORMAT_ID_NUMBER)).count() == 1


def test_invalid_id_number_refused(org_units) -> None:
    errors = _refused(id_number="110105194912310021", phone="13812345678")
    assert errors == {"id_number": ["身份证号校验位错误：应为 X，实际为 1。"]}


def test_invalid_phone_refused(org_units) -> None:
    errors = _refused(id_number=REAL_FORMAT_ID_NUMBER, phone="1381234")
    assert list(errors) == ["phone"]
    assert errors["phone"][0].startswith("手机号应为以13至19开头的11位号码")


def test_every_bad_field_named(org_units) -> None:
    errors = _refused(name="  ", id_number="99010519491231002X", phone="12345678901")
    assert set(errors) == {"name", "id_number", "phone"}
    assert errors["name"] == ["姓名不能为空。"]


def test_phone_or_id_required(org_units) -> None:
    assert _refused(id_number="", phone="  ") == {"phone": ["手机号和身份证号至少填写一项。"]}


def test_short_id_number_refused(org_units) -> None:
    errors = _refused(id_number="12345", phone="13812345678")
    assert errors == {"id_number": ["身份证号应为18位，实际为5位。"]}


# --- reveal ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["owner", "centre_staff", "admin_user"])
def test_reveal_returns_clear_values_and_audits_once(request, registry, persona) -> None:
    user = request.getfixturevalue(persona)
    worker = Worker.objects.get(pk=registry.shinan_worker.pk)
    before = AuditEvent.objects.count()
    clear = worker_reveal(actor=user, worker=worker, reason="回访来电职工")
    assert clear == {"id_number": SHINAN_ID_NUMBER, "phone": SHINAN_PHONE}
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.get(action="worker.reveal")
    assert (event.actor, event.actor_label, event.reason) == (user, user.username, "回访来电职工")
    assert (event.target_type, event.target_id, event.target_label) == (
        "workers.worker",
        str(worker.pk),
        "张伟",
    )
    assert event.org_unit.code == "shinan"
    assert event.after == {"fields": ["id_number", "phone"]}


@pytest.mark.parametrize("persona", ["leader", "auditor", "liaison"])
def test_reveal_refused_without_audit_row(request, registry, persona) -> None:
    user = request.getfixturevalue(persona)
    before = AuditEvent.objects.count()
    with override("zh-hans"), pytest.raises(PermissionDenied) as caught:
        worker_reveal(actor=user, worker=registry.shinan_worker, reason="看看")
    assert str(caught.value) == "您的角色无权查看个人信息明文。"
    assert AuditEvent.objects.count() == before
    assert not AuditEvent.objects.filter(action="worker.reveal").exists()


# --- bulk load ------------------------------------------------------------------------


def test_bulk_load_creates_and_skips_known(org_units) -> None:
    employer = make_enterprise(org_units["jimo"])
    make_worker(id_number=valid_id_number(11))
    rows = [
        {"name": "甲", "id_number": valid_id_number(11), "phone": valid_mobile(11)},
        {
            "name": "乙",
            "id_number": valid_id_number(12),
            "phone": valid_mobile(12),
            "employer_credit_code": employer.credit_code,
        },
        {"name": "丙", "id_number": valid_id_number(13)},
    ]
    assert workers_bulk_load(rows=rows) == 2
    assert Worker.objects.count() == 3
    second = Worker.objects.get(name="乙")
    assert (second.employer, second.district.code) == (employer, "jimo")
    assert _raw(second)[0].startswith("v1:")
    assert worker_find(id_number=valid_id_number(13)).name == "丙"
    event = AuditEvent.objects.get(action="worker.bulk_load")
    assert (event.actor_label, event.after) == ("load", {"created": 2})


def test_bulk_load_rejects_the_batch_on_a_bad_row(org_units) -> None:
    rows = [
        {"name": "甲", "id_number": valid_id_number(21)},
        {"name": "乙", "id_number": "110105194912310021"},
    ]
    with pytest.raises(ValidationError) as caught:
        workers_bulk_load(rows=rows)
    assert len(caught.value.messages) == 1
    assert caught.value.messages[0].startswith("2: {'id_number'")
    assert Worker.objects.count() == 0
    assert not AuditEvent.objects.filter(action="worker.bulk_load").exists()


def test_bulk_load_keeps_every_phone_only_worker(org_units) -> None:
    rows = [{"name": f"来电{i}", "phone": valid_mobile(100 + i)} for i in range(3)]
    assert workers_bulk_load(rows=rows) == 3
    assert Worker.objects.count() == 3


def test_a_caller_is_found_by_id_number_else_by_phone_else_registered(org_units):
    known = make_worker(id_number=valid_id_number(7), phone=valid_mobile(7))
    by_id, is_new = worker_for_caller(
        actor=None,
        name="另一个名字",
        id_number=valid_id_number(7),
        phone=valid_mobile(8),
        district=None,
    )
    assert (by_id, is_new) == (known, False)
    by_phone, is_new = worker_for_caller(
        actor=None, name="张三", phone=valid_mobile(7), district=None
    )
    assert (by_phone, is_new) == (known, False)
    before = AuditEvent.objects.count()
    new, is_new = worker_for_caller(
        actor=None,
        name=" 李四 ",
        id_number=valid_id_number(9),
        phone=valid_mobile(7),  # a shared phone: the new ID number makes a new person
        district=org_units["shinan"],
    )
    assert is_new and new.pk != known.pk
    assert (new.name, new.id_number, new.district) == (
        "李四",
        valid_id_number(9),
        org_units["shinan"],
    )
    assert _raw(new)[0].startswith("v1:")
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.latest("pk").action == "worker.create"
