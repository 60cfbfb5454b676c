"""Applying a registry delta (`laborwatch registry sync FILE`): new, changed, deregistered and
abnormal enterprises, idempotently, with row-level rejections.

A delta row names its credit code and its change (`change`: new / changed / deregistered /
abnormal, or 新设 / 变更 / 注销 / 异常). New rows are checked and written as the registry
load writes them (registry_rows); a new row for a code already registered is applied as a
change. A change sets the fields the row gives (empty cells keep the stored value); a new
name keeps the old one among the former names. Deregistered sets the status 注销; abnormal
records the day it was listed (`abnormal_on`, default the day of the sync). Applying the same
file again changes nothing. Bad rows are rejected with row, field and reason; the others are
applied. One audit event records the batch's counts, and one per renamed enterprise.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
from django.core.exceptions import ValidationError
from django.db import transaction

from laborwatch.core.audit import record_event
from laborwatch.core.models import User
from laborwatch.enterprises.linker import follow_registry_change
from laborwatch.enterprises.models import Enterprise, EnterpriseStatus
from laborwatch.enterprises.registry_rows import check_batch, districts_by_name, insert_rows
from laborwatch.enterprises.services import RowError, enterprise_from_row
from laborwatch.lib.codes import normalize_code

CHANGES = {
    "new": "new",
    "新设": "new",
    "changed": "changed",
    "变更": "changed",
    "deregistered": "deregistered",
    "注销": "deregistered",
    "abnormal": "abnormal",
    "异常": "abnormal",
}
# The fields a change row may set, as the registry load reads them.
CHANGED_FIELDS = (
    "name",
    "industry",
    "size_band",
    "address",
    "registered_capital",
    "employee_count",
)


@dataclass
class SyncReport:
    counts: Counter[str] = field(default_factory=Counter)  # created, renamed, changed, …
    rejected: list[RowError] = field(default_factory=list)

    def reject(self, row: int, field_name: str, reason: str) -> None:
        self.rejected.append(RowError(row, field_name, reason))


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


@transaction.atomic
def registry_sync(
    *, actor: User | None, table: pa.Table, first_row: int = 2, now: dt.datetime
) -> SyncReport:
    """Apply the delta rows of `table` (row numbers as users see them from `first_row`)."""
    report = SyncReport()
    rows = table.to_pylist()
    districts = districts_by_name()
    codes = [normalize_code(_text(row.get("credit_code"))) for row in rows]
    stored = Enterprise.objects.in_bulk(codes, field_name="credit_code")
    new_indices: list[int] = []
    changed: dict[str, Enterprise] = {}
    for index, row in enumerate(rows):
        number = first_row + index
        change = CHANGES.get(_text(row.get("change")).lower())
        enterprise = changed.get(codes[index]) or stored.get(codes[index])
        if change is None:
            report.rejected.append(
                RowError(number, "change", f"unknown change {row.get('change')!r}")
            )
        elif change == "new" and enterprise is None:
            new_indices.append(index)
        elif enterprise is None:
            report.reject(number, "credit_code", "not in the registry")
        else:
            outcome = _apply(enterprise, change, row, number, districts, now, report, actor)
            if outcome:
                changed[codes[index]] = enterprise
                report.counts[outcome] += 1
            elif not any(error.row == number for error in report.rejected):
                report.counts["unchanged"] += 1
    if new_indices:
        _create(table, new_indices, first_row, districts, now, report)
    if changed:
        Enterprise.objects.bulk_update(
            list(changed.values()),
            [
                "former_names",
                "status",
                "abnormal_since",
                "search_text",
                "district",
                *CHANGED_FIELDS,
            ],
            batch_size=2000,
        )
    if report.counts["created"] or changed:
        follow_registry_change()
    record_event(
        actor=actor,
        action="enterprise.registry_sync",
        target_type="enterprises.enterprise",
        target_label=f"{sum(report.counts.values())}",
        actor_label="registry sync" if actor is None else "",
        after={**dict(sorted(report.counts.items())), "rejected": len(report.rejected)},
        at=now,
    )
    return report


def _create(
    table: pa.Table,
    indices: list[int],
    first_row: int,
    districts: dict[str, Any],
    now: dt.datetime,
    report: SyncReport,
) -> None:
    """The new rows: checked on whole columns, the valid ones written in one statement; the
    first of a code repeated in the file wins."""
    part = table.take(pa.array(indices))
    checked = check_batch(part, districts)
    seen: set[str] = set()
    keep = []
    codes = checked.table.column("credit_code").to_pylist()
    for position, index in enumerate(indices):
        if not checked.valid[position]:
            enterprise_from_row(
                part.slice(position, 1).to_pylist()[0],
                districts,
                first_row + index,
                report.rejected,
            )
        elif codes[position] not in seen:
            seen.add(codes[position])
            keep.append(position)
    created = insert_rows(checked, np.array(keep, np.int64), now)
    if created:
        report.counts["created"] += created


def _apply(
    enterprise: Enterprise,
    change: str,
    row: dict[str, Any],
    number: int,
    districts: dict[str, Any],
    now: dt.datetime,
    report: SyncReport,
    actor: User | None,
) -> str | None:
    """Apply one change row to `enterprise` in memory; the outcome, or None if nothing
    changed (or the row was rejected, with its error in the report)."""
    if change == "deregistered":
        if enterprise.status == EnterpriseStatus.CANCELLED:
            return None
        enterprise.status = EnterpriseStatus.CANCELLED
        return "deregistered"
    if change == "abnormal":
        listed_on = _text(row.get("abnormal_on")) or now.date().isoformat()
        try:
            day = dt.date.fromisoformat(listed_on)
        except ValueError:
            report.reject(number, "abnormal_on", f"not a date: {listed_on!r}")
            return None
        if enterprise.abnormal_since == day:
            return None
        enterprise.abnormal_since = day
        return "abnormal"
    values: dict[str, Any] = {
        name: _text(row.get(name)) for name in CHANGED_FIELDS if _text(row.get(name))
    }
    district_name = _text(row.get("district_code")) or _text(row.get("district"))
    if district_name:
        if district_name not in districts:
            report.rejected.append(
                RowError(number, "district", f"unknown district {district_name!r}")
            )
            return None
        values["district"] = districts[district_name]
    for name in ("registered_capital", "employee_count"):
        if name in values:
            try:
                values[name] = int(values[name])
            except ValueError:
                report.rejected.append(
                    RowError(number, name, f"not a whole number: {values[name]!r}")
                )
                return None
    before = {name: getattr(enterprise, name) for name in values}
    if all(before[name] == value for name, value in values.items()):
        return None
    old_name = enterprise.name
    former = list(enterprise.former_names)
    for name, value in values.items():
        setattr(enterprise, name, value)
    renamed = enterprise.name != old_name
    if renamed and old_name not in former:
        enterprise.former_names = [*former, old_name]
    enterprise.refresh_search_text()
    try:
        enterprise.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, value in before.items():
            setattr(enterprise, name, value)
        enterprise.former_names = former
        enterprise.refresh_search_text()
        for field_name, messages in error.message_dict.items():
            report.rejected.extend(RowError(number, field_name, message) for message in messages)
        return None
    if renamed:
        record_event(
            actor=actor,
            action="enterprise.rename",
            target=enterprise,
            org_unit=enterprise.district,
            actor_label="registry sync" if actor is None else "",
            before={"name": old_name},
            after={"name": enterprise.name, "former_names": enterprise.former_names},
            at=now,
        )
        return "renamed"
    return "changed"
