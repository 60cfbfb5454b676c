"""Writes for the core app: loading a city's org units, creating users, auditing exports."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, TypeVar

from django.contrib.auth.password_validation import validate_password
from django.db import models, transaction
from django.utils import timezone

from laborwatch.core.audit import record_event
from laborwatch.core.models import AuditEvent, OrgUnit, User
from laborwatch.core.roles import Role

# A row as the export reads it: a model instance, or the tuple of a values_list.
ExportedRow = TypeVar("ExportedRow")

DEFAULT_CITY_FILE = Path(__file__).resolve().parent / "data" / "qingdao.json"


@transaction.atomic
def org_units_load(*, path: Path = DEFAULT_CITY_FILE, actor: User | None = None) -> dict[str, int]:
    """Create or update a city's org units from a JSON file keyed by code; idempotent."""
    spec = json.loads(path.read_text(encoding="utf-8"))
    counts = {"created": 0, "updated": 0}
    federation = _upsert(
        spec["federation"], kind=OrgUnit.Kind.FEDERATION, parent=None, order=0, counts=counts
    )
    _upsert(spec["centre"], kind=OrgUnit.Kind.CENTRE, parent=federation, order=0, counts=counts)
    for order, row in enumerate(spec["districts"]):
        _upsert(row, kind=OrgUnit.Kind.DISTRICT, parent=federation, order=order, counts=counts)
    for order, row in enumerate(spec["departments"]):
        _upsert(row, kind=OrgUnit.Kind.DEPARTMENT, parent=None, order=order, counts=counts)
    if counts["created"] or counts["updated"]:
        record_event(
            actor=actor,
            action="org_units.load",
            target_type="core.orgunit",
            target_label=spec["city"],
            after=counts,
            actor_label="" if actor else "load",
        )
    return counts


def _upsert(
    row: dict[str, Any], *, kind: str, parent: OrgUnit | None, order: int, counts: dict[str, int]
) -> OrgUnit:
    values = {
        "name": row["name"],
        "short_name": row.get("short_name", ""),
        "kind": kind,
        "parent": parent,
        "division_code": row.get("division_code", ""),
        "sort_order": order,
    }
    unit, created = OrgUnit.objects.get_or_create(code=row["code"], defaults=values)
    if created:
        counts["created"] += 1
    elif any(getattr(unit, field) != value for field, value in values.items()):
        for field, value in values.items():
            setattr(unit, field, value)
        unit.save()
        counts["updated"] += 1
    return unit


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    org_unit: OrgUnit | None = None,
    display_name: str = "",
) -> User:
    """Create a sign-in account; scoped roles must name their org unit."""
    user = User(
        username=username,
        role=role,
        org_unit=org_unit,
        display_name=display_name,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    # Django's validators (settings.AUTH_PASSWORD_VALIDATORS): at least 10 characters, not a
    # common password, not all digits, not like the user name.
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    user_created_record(actor=actor, user=user, now=timezone.now())
    return user


def user_created_record(*, actor: User | None, user: User, now: dt.datetime) -> AuditEvent:
    """The audit event of a new account, made here or in the admin site."""
    return record_event(
        actor=actor,
        action="user.create",
        target=user,
        org_unit=user.org_unit,
        after={"role": user.role, "org_unit": user.org_unit.code if user.org_unit else None},
        actor_label="" if actor else "setup",
        at=now,
    )


@transaction.atomic
def login_lockout_record(
    *, username: str, ip_address: str, cool_off: dt.timedelta, now: dt.datetime
) -> AuditEvent | None:
    """Record that sign-in was locked for an account or an address (django-axes decided it),
    once per lock: attempts during the lock answer the same page without another event."""
    label = username[:150]
    earlier = AuditEvent.objects.filter(
        action="login.lock", target_label=label, at__gt=now - cool_off
    )
    if any(event.after and event.after.get("ip_address") == ip_address for event in earlier):
        return None
    user = User.objects.filter(username=username).first() if username else None
    return record_event(
        actor=None,
        actor_label="axes",
        action="login.lock",
        target=user,
        target_type="core.user",
        target_label=label,
        org_unit=user.org_unit if user is not None else None,
        after={"ip_address": ip_address, "minutes": int(cool_off.total_seconds() // 60)},
        at=now,
    )


@transaction.atomic
def login_unlock(*, actor: User, username: str, ip_address: str, now: dt.datetime) -> AuditEvent:
    """Record that an administrator lifted a sign-in lock (the admin deletes axes' record)."""
    user = User.objects.filter(username=username).first() if username else None
    return record_event(
        actor=actor,
        action="login.unlock",
        target=user,
        target_type="core.user",
        target_label=username[:150] or ip_address,
        org_unit=user.org_unit if user is not None else None,
        after={"ip_address": ip_address},
        at=now,
    )


@transaction.atomic
def audit_export(
    *,
    actor: User,
    action: str,
    target_type: str,
    rows: int,
    target_label: str = "",
    details: dict[str, Any] | None = None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> AuditEvent:
    """Record that `actor` exported `rows` rows of `target_type`: a bulk read is audited as a
    reveal is. `details` (the filters, whether personal data went out in clear) join the row
    count in the event's `after`."""
    return record_event(
        actor=actor,
        action=action,
        target_type=target_type,
        target_label=target_label,
        after={"rows": rows, **(details or {})},
        reason=reason,
        at=now,
    )


@transaction.atomic
def audit_export_rows(
    *,
    actor: User,
    rows: models.QuerySet[Any, ExportedRow],
    limit: int,
    action: str,
    target_type: str,
    details: dict[str, Any] | None = None,
    reason: str = "",
    target_label: str | None = None,
) -> list[ExportedRow]:
    """The first `limit` of `rows`, read for an export that is audited (see `audit_export`)
    with `target_label` (by default the number of rows) as the event's target label."""
    selected = list(rows[:limit])
    audit_export(
        actor=actor,
        action=action,
        target_type=target_type,
        target_label=str(len(selected)) if target_label is None else target_label,
        rows=len(selected),
        details=details,
        reason=reason,
    )
    return selected
