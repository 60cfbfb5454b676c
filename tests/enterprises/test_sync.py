"""`registry_sync`: a registry delta applied idempotently, with row-level rejections."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
from django.core.management import call_command
from django.utils import timezone

from laborwatch.core.models import AuditEvent
from laborwatch.enterprises.models import Enterprise
from laborwatch.enterprises.sync import registry_sync
from tests.factories import make_enterprise, valid_credit_code

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
NEW, OLD, GONE, ODD = (valid_credit_code(n) for n in (9101, 9102, 9103, 9104))


def _delta() -> pa.Table:
    rows = [
        {"credit_code": NEW, "change": "new", "name": "新设建筑有限公司", "district": "市南区",
         "industry": "E", "size_band": "small"},
        {"credit_code": OLD, "change": "变更", "name": "新名称制造有限公司"},
        {"credit_code": GONE, "change": "deregistered"},
        {"credit_code": ODD, "change": "abnormal", "abnormal_on": "2026-12-01"},
        {"credit_code": valid_credit_code(9105), "change": "changed", "name": "不存在"},
        {"credit_code": valid_credit_code(9106), "change": "new", "name": "坏行",
         "district": "火星区", "industry": "E", "size_band": "small"},
        {"credit_code": OLD, "change": "merged"},
    ]  # fmt: skip
    names = dict.fromkeys(name for row in rows for name in row)
    return pa.table({name: [row.get(name) for row in rows] for name in names})


@pytest.fixture
def registry(org_units) -> None:
    for code, name in ((OLD, "旧名称制造有限公司"), (GONE, "将注销公司"), (ODD, "异常公司")):
        make_enterprise(org_units["shinan"], credit_code=code, name=name)


def test_a_delta_applies_each_kind_of_change_and_rejects_bad_rows(registry) -> None:
    report = registry_sync(actor=None, table=_delta(), now=NOW)
    assert dict(report.counts) == {
        "created": 1,
        "renamed": 1,
        "deregistered": 1,
        "abnormal": 1,
    }
    assert [(e.row, e.field) for e in report.rejected] == [
        (6, "credit_code"),
        (8, "change"),
        (7, "district"),
    ]
    renamed = Enterprise.objects.get(credit_code=OLD)
    assert (renamed.name, renamed.former_names) == ("新名称制造有限公司", ["旧名称制造有限公司"])
    assert "旧名称制造有限公司" in renamed.search_text
    assert Enterprise.objects.get(credit_code=GONE).status == "注销"
    assert Enterprise.objects.get(credit_code=ODD).abnormal_since == dt.date(2026, 12, 1)
    created = Enterprise.objects.get(credit_code=NEW)
    assert (created.name, created.district.code, created.industry) == (
        "新设建筑有限公司",
        "shinan",
        "E",
    )
    batch = AuditEvent.objects.get(action="enterprise.registry_sync")
    assert batch.after == {
        "abnormal": 1,
        "created": 1,
        "deregistered": 1,
        "renamed": 1,
        "rejected": 3,
    }
    rename = AuditEvent.objects.get(action="enterprise.rename")
    assert rename.before == {"name": "旧名称制造有限公司"}


def test_the_same_delta_twice_changes_nothing_more(registry) -> None:
    registry_sync(actor=None, table=_delta(), now=NOW)
    before = list(Enterprise.objects.order_by("pk").values())
    again = registry_sync(actor=None, table=_delta(), now=NOW)
    assert dict(again.counts) == {"unchanged": 4}
    assert list(Enterprise.objects.order_by("pk").values()) == before
    assert AuditEvent.objects.filter(action="enterprise.rename").count() == 1


def test_registry_sync_command_reads_a_csv(registry, tmp_path, capsys) -> None:
    path = tmp_path / "delta.csv"
    path.write_text(f"credit_code,change\n{GONE},注销\n{NEW},deregistered\n", encoding="utf-8")
    call_command("registry", "sync", str(path), "--quiet")
    out = capsys.readouterr().out
    assert Enterprise.objects.get(credit_code=GONE).status == "注销"
    assert "row 3, credit_code" in out or "第 3 行" in out


def test_the_load_checks_columns_and_names_each_bad_row(org_units) -> None:
    from laborwatch.enterprises.services import BulkLoadRejected, enterprises_bulk_load

    rows = [
        {"credit_code": valid_credit_code(9201), "name": "甲", "district": "市南区",
         "industry": "C", "size_band": "small", "employee_count": 5,
         "established_on": dt.date(2020, 1, 1)},
        {"credit_code": valid_credit_code(9202), "name": "乙", "district": "市南区",
         "industry": "C", "size_band": "small", "employee_count": -1},
        {"credit_code": valid_credit_code(9203), "name": "", "district": "市南区",
         "industry": "C", "size_band": "small"},
    ]  # fmt: skip
    with pytest.raises(BulkLoadRejected) as caught:
        enterprises_bulk_load(actor=None, rows=rows, now=timezone.now())
    assert [(e.row, e.field) for e in caught.value.errors] == [(2, "employee_count"), (3, "name")]
    assert Enterprise.objects.count() == 0
    result = enterprises_bulk_load(actor=None, rows=rows[:1], now=NOW)
    loaded = Enterprise.objects.get()
    assert (result.created, loaded.established_on, loaded.employee_count) == (
        1,
        dt.date(2020, 1, 1),
        5,
    )
    assert loaded.updated_at == NOW


def test_a_registry_file_loads_in_batches_and_a_bad_row_in_any_rejects_it(
    org_units, tmp_path, monkeypatch
) -> None:
    import pyarrow.parquet as pq
    from rich.progress import Progress

    from laborwatch import city_load
    from laborwatch.enterprises.services import BulkLoadRejected

    rows = [
        {"credit_code": valid_credit_code(9300 + n), "name": f"企业{n}", "district": "市南区",
         "industry": "C", "size_band": "small", "former_names": [], "short_name": None}
        for n in range(5)
    ]  # fmt: skip
    monkeypatch.setattr(city_load, "REGISTRY_BATCH_ROWS", 2)
    path = tmp_path / "registry.parquet"
    pq.write_table(pa.Table.from_pylist([*rows[:4], {**rows[4], "industry": "?"}]), path)
    with Progress(disable=True) as progress, pytest.raises(BulkLoadRejected) as caught:
        city_load.load_registry(path, progress)
    assert [(e.row, e.field) for e in caught.value.errors] == [(5, "industry")]
    assert Enterprise.objects.count() == 0
    pq.write_table(pa.Table.from_pylist(rows), path)
    with Progress(disable=True) as progress:
        assert city_load.load_registry(path, progress) == 5
    assert sorted(Enterprise.objects.values_list("name", flat=True)) == [
        f"企业{n}" for n in range(5)
    ]
