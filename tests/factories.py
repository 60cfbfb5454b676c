"""Small factories for tests: valid codes built from their check characters, and rows made
through the services so they look exactly like production rows (audit events included)."""

from __future__ import annotations

import itertools
from typing import Any

from laborwatch.core.models import OrgUnit
from laborwatch.enterprises.models import Enterprise
from laborwatch.enterprises.services import enterprise_create
from laborwatch.lib.codes import credit_code_check_char, id_number_check_char, org_code_check_char
from laborwatch.workers.models import Worker
from laborwatch.workers.services import worker_create

_sequence = itertools.count(1)

# Real, published codes (used where a test wants a real-world value).
HAIER_CREDIT_CODE = "91370200163562681G"  # 海尔集团公司
REAL_CREDIT_CODE_2 = "91110000710925462X"
REAL_FORMAT_ID_NUMBER = "11010519491231002X"  # the GB 11643 worked example


def next_seq() -> int:
    return next(_sequence)


def valid_credit_code(seq: int | None = None, *, division: str = "370202") -> str:
    """A valid 统一社会信用代码: 9 (市场监管) 1 (企业) + division + org code + check char."""
    seq = next_seq() if seq is None else seq
    org8 = f"{seq:08d}"
    first17 = f"91{division}{org8}{org_code_check_char(org8)}"
    return first17 + credit_code_check_char(first17)


def valid_id_number(
    seq: int | None = None, *, region: str = "370202", birth: str = "19900101"
) -> str:
    """A valid 18-digit 公民身份号码 with the given region and birth date."""
    seq = next_seq() if seq is None else seq
    first17 = f"{region}{birth}{seq % 1000:03d}"
    return first17 + id_number_check_char(first17)


def valid_mobile(seq: int | None = None) -> str:
    seq = next_seq() if seq is None else seq
    return f"138{seq % 100_000_000:08d}"


def make_enterprise(
    district: OrgUnit,
    *,
    credit_code: str | None = None,
    name: str | None = None,
    **extra: Any,
) -> Enterprise:
    """An enterprise in `district` (created through enterprise_create, so audited)."""
    seq = next_seq()
    values: dict[str, Any] = {"industry": "C", "size_band": "small", "employee_count": 10}
    values.update(extra)
    return enterprise_create(
        actor=None,
        credit_code=credit_code or valid_credit_code(seq, division=district.division_code),
        name=name or f"青岛测试制造有限公司{seq}",
        district=district,
        **values,
    )


def make_worker(
    *,
    employer: Enterprise | None = None,
    district: OrgUnit | None = None,
    name: str | None = None,
    id_number: str | None = None,
    phone: str | None = None,
) -> Worker:
    """A worker (created through worker_create, so encrypted and audited)."""
    seq = next_seq()
    return worker_create(
        actor=None,
        name=name or f"测试职工{seq}",
        # Born on another day than the fixed registry workers (tests/conftest.py), whose ID
        # numbers a serial of 123 would otherwise repeat once enough workers were made.
        id_number=valid_id_number(seq, birth="19880808") if id_number is None else id_number,
        phone=valid_mobile(seq) if phone is None else phone,
        employer=employer,
        district=district,
    )
