"""Work-order and group-case numbers: a per-year sequence taken in the inserting transaction."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps
from django.db import transaction

from laborwatch.cases.models import Case, CaseGroup, NumberSequence
from laborwatch.cases.numbering import CASE_PREFIX, next_number
from laborwatch.cases.services import case_intake
from tests.cases.api_support import SHANGHAI, T0
from tests.factories import valid_mobile

continue_existing_numbers = importlib.import_module(
    "laborwatch.cases.migrations.0004_number_sequences_continue_existing_numbers"
).continue_existing_numbers


def intake(employer, **overrides):
    values = {
        "actor": None,
        "channel": "hotline_12351",
        "caller_name": "张三",
        "caller_phone": valid_mobile(),
        "description": "公司拖欠我三个月工资共18600元。",
        "employer_credit_code": employer.credit_code,
        "amount_claimed": Decimal("18600"),
    }
    values.update(overrides)
    return case_intake(**values).case


@time_machine.travel(T0, tick=False)
def test_numbers_count_the_year_and_carry_the_day_received(api_employer):
    first, second = intake(api_employer), intake(api_employer)
    last_year = intake(api_employer, received_at=dt.datetime(2025, 12, 31, 23, 30, tzinfo=SHANGHAI))
    assert [first.number, second.number, last_year.number] == [
        "GD20260930000001",
        "GD20260930000002",
        "GD20251231000001",
    ]
    work_orders = NumberSequence.objects.filter(prefix="GD")
    assert sorted(work_orders.values_list("year", "issued")) == [(2025, 1), (2026, 2)]


@time_machine.travel(T0, tick=False)
def test_a_group_case_takes_the_next_group_number(api_employer):
    case = intake(api_employer, workers_involved=12)
    assert case.group.number == "QT2026093000001"
    assert CaseGroup.objects.get().number == "QT2026093000001"


@time_machine.travel(T0, tick=False)
def test_a_rolled_back_transaction_gives_its_number_back(api_employer):
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_number(CASE_PREFIX, T0) == "GD20260930000001"
        raise RuntimeError("the insert failed")
    assert intake(api_employer).number == "GD20260930000001"


@time_machine.travel(T0, tick=False)
def test_sequences_start_after_the_numbers_issued_before_them(api_employer):
    old = intake(api_employer)
    group_case = intake(api_employer, workers_involved=12)
    # As numbered before the sequences existed: GD/QT, the date and the row's id.
    Case.objects.filter(pk=old.pk).update(number="GD20260930000057")
    Case.objects.filter(pk=group_case.pk).update(number="GD20260930000058")
    CaseGroup.objects.update(number="QT2026093000009")
    Case.objects.create(
        **{
            field.attname: getattr(old, field.attname)
            for field in Case._meta.concrete_fields
            if field.attname not in ("id", "number", "external_ref", "group_id")
        },
        number="GD20251002000031",
    )
    NumberSequence.objects.all().delete()
    continue_existing_numbers(apps, None)
    assert sorted(NumberSequence.objects.values_list("prefix", "year", "issued")) == [
        ("GD", 2025, 31),
        ("GD", 2026, 58),
        ("QT", 2026, 9),
    ]
    assert intake(api_employer).number == "GD20260930000059"
