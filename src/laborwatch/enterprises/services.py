"""Writes to the enterprise registry; every change leaves an audit event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from laborwatch.core.audit import changed_fields, record_event
from laborwatch.core.models import OrgUnit, User
from laborwatch.enterprises.linker import follow_registry_change, forget_registry
from laborwatch.enterprises.models import Enterprise, build_search_text
from laborwatch.enterprises.registry_rows import check_batch, districts_by_name, insert_rows
from laborwatch.lib.codes import normalize_code

EDITABLE_FIELDS = (
    "name",
    "short_names",
    "district",
    "industry",
    "size_band",
    "registered_capital",
    "status",
    "address",
    "employee_count",
    "established_on",
)


@transaction.atomic
def enterprise_create(
    *,
    actor: User | None,
    credit_code: str,
    name: str,
    district: OrgUnit,
    industry: str,
    size_band: str,
    short_names: list[str] | None = None,
    former_names: list[str] | None = None,
    registered_capital: int = 0,
    status: str = "存续",
    address: str = "",
    employee_count: int = 0,
    established_on: dt.date | None = None,
) -> Enterprise:
    enterprise = Enterprise(
        credit_code=normalize_code(credit_code),
        name=name.strip(),
        district=district,
        industry=industry,
        size_band=size_band,
        short_names=short_names or [],
        former_names=former_names or [],
        registered_capital=registered_capital,
        status=status,
        address=address,
        employee_count=employee_count,
        established_on=established_on,
    )
    enterprise.refresh_search_text()
    enterprise.full_clean()
    enterprise.save()
    # The text linker of this process must see the change (see enterprises.linker).
    forget_registry()
    record_event(
        actor=actor,
        action="enterprise.create",
        target=enterprise,
        org_unit=district,
        after={"credit_code": enterprise.credit_code, "name": name},
    )
    return enterprise


@transaction.atomic
def enterprise_update(*, actor: User | None, enterprise: Enterprise, **values: Any) -> Enterprise:
    """Change registry fields; a new name pushes the old one onto the former names."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    before, after = changed_fields(locked, values)
    if not after:
        return locked
    new_name = values.get("name")
    if new_name and new_name != locked.name and locked.name not in locked.former_names:
        locked.former_names = [*locked.former_names, locked.name]
    for field_name, value in values.items():
        setattr(locked, field_name, value)
    locked.refresh_search_text()
    locked.full_clean()
    locked.save()
    # The text linker of this process must see the change (see enterprises.linker).
    forget_registry()
    record_event(
        actor=actor,
        action="enterprise.update",
        target=locked,
        org_unit=locked.district,
        before=before,
        after=after,
    )
    return locked


@dataclass
class RowError:
    row: int
    field: str
    message: str


@dataclass
class BulkLoadResult:
    created: int = 0
    skipped_existing: int = 0
    errors: list[RowError] = field(default_factory=list)


class BulkLoadRejected(Exception):
    """The batch had invalid rows; nothing was written. `errors` says which and why."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} invalid rows")
        self.errors = errors


def enterprises_bulk_load(
    *,
    actor: User | None,
    rows: Iterable[dict[str, Any]],
    actor_label: str = "load",
    now: dt.datetime | None = None,
) -> BulkLoadResult:
    """Load registry rows (dicts) all-or-nothing; see `enterprises_bulk_load_batches`."""
    listed = list(rows)
    names = dict.fromkeys(name for row in listed for name in row)  # every row's keys
    table = pa.table({name: pa.array([row.get(name) for row in listed]) for name in names})
    batches = [table] if listed else []
    return enterprises_bulk_load_batches(
        actor=actor, batches=batches, actor_label=actor_label, now=now
    )


def enterprises_bulk_load_batches(
    *,
    actor: User | None,
    batches: Iterable[pa.Table],
    actor_label: str = "load",
    now: dt.datetime | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> BulkLoadResult:
    """Load registry rows (Arrow batches, e.g. the synthetic city's file read in parts)
    all-or-nothing; codes already registered, or repeated in the file, are skipped.

    Each batch is checked column by column and its new valid rows written in one statement
    (registry_rows); one invalid row anywhere rejects the load with every error listed
    (row, field, why), and nothing is written. Memory holds one batch and the set of codes.
    """
    now = now or timezone.now()
    districts = districts_by_name()
    seen = set(Enterprise.objects.values_list("credit_code", flat=True))
    result = BulkLoadResult()
    with transaction.atomic():
        offset = 0
        for table in batches:
            checked = check_batch(table, districts)
            new_rows = []
            codes = checked.table.column("credit_code").to_pylist()
            for index in np.flatnonzero(~checked.valid):
                row = table.slice(int(index), 1).to_pylist()[0]
                found: list[RowError] = []
                enterprise_from_row(row, districts, offset + int(index) + 1, found)
                result.errors.extend(found)
            for index in np.flatnonzero(checked.valid):
                code = codes[index]
                if code in seen:
                    result.skipped_existing += 1
                    continue
                seen.add(code)
                new_rows.append(index)
            if not result.errors:
                result.created += insert_rows(checked, np.array(new_rows, np.int64), now)
            offset += table.num_rows
            if on_batch is not None:
                on_batch(table.num_rows)
        if result.errors:  # raised inside the transaction: nothing written stays
            raise BulkLoadRejected(result.errors)
        if result.created:
            follow_registry_change()
        record_event(
            actor=actor,
            action="enterprise.bulk_load",
            target_type="enterprises.enterprise",
            target_label=f"{result.created}",
            actor_label=actor_label if actor is None else "",
            after={"created": result.created, "skipped_existing": result.skipped_existing},
            at=now,
        )
    return result


def enterprise_from_row(
    row: dict[str, Any], districts: dict[str, OrgUnit], number: int, errors: list[RowError]
) -> Enterprise | None:
    district = districts.get(str(row.get("district_code") or row.get("district") or ""))
    if district is None:
        errors.append(RowError(number, "district", f"unknown district {row.get('district')!r}"))
        return None
    enterprise = Enterprise(
        credit_code=normalize_code(str(row.get("credit_code") or "")),
        name=str(row.get("name") or "").strip(),
        former_names=list(row.get("former_names") or []),
        short_names=[s for s in [row.get("short_name")] if s] or list(row.get("short_names") or []),
        district=district,
        industry=row.get("industry") or "",
        size_band=row.get("size_band") or "",
        registered_capital=int(row.get("registered_capital") or 0),
        status=row.get("status") or "存续",
        address=row.get("address") or "",
        employee_count=int(row.get("employee_count") or 0),
        established_on=row.get("established_on"),
    )
    enterprise.search_text = build_search_text(
        enterprise.credit_code, enterprise.name, enterprise.former_names, enterprise.short_names
    )
    try:
        enterprise.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for field_name, messages in error.message_dict.items():
            errors.extend(RowError(number, field_name, message) for message in messages)
        return None
    return enterprise
