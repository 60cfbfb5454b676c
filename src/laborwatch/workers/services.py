"""Writes for workers: registering a person, revealing their personal data (audited)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laborwatch.core.audit import record_event
from laborwatch.core.crypto import digest
from laborwatch.core.models import OrgUnit, User
from laborwatch.core.validators import validate_id_number, validate_phone
from laborwatch.enterprises.models import Enterprise
from laborwatch.lib.codes import normalize_code, normalize_phone
from laborwatch.workers.access import may_reveal
from laborwatch.workers.models import Worker


@dataclass(frozen=True)
class Person:
    """A worker's name, ID number and phone, normalised and valid."""

    name: str
    id_number: str
    phone: str


def _validated(*, name: str, id_number: str, phone: str) -> Person:
    """Normalise and validate; raise one ValidationError naming every bad field."""
    name, id_number, phone = name.strip(), normalize_code(id_number), normalize_phone(phone)
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Name is required.")]
    for field_name, value, validator in (
        ("id_number", id_number, validate_id_number),
        ("phone", phone, validate_phone),
    ):
        if value:
            try:
                validator(value)
            except ValidationError as error:
                errors[field_name] = list(error.messages)
    if not id_number and not phone:
        errors.setdefault("phone", []).append(_("Give at least a phone number or an ID number."))
    if errors:
        raise ValidationError(errors)
    return Person(name, id_number, phone)


@transaction.atomic
def worker_create(
    *,
    actor: User | None,
    name: str,
    id_number: str = "",
    phone: str = "",
    employer: Enterprise | None = None,
    district: OrgUnit | None = None,
) -> Worker:
    person = _validated(name=name, id_number=id_number, phone=phone)
    if (
        person.id_number
        and Worker.objects.filter(id_number_digest=digest(person.id_number)).exists()
    ):
        raise ValidationError({"id_number": [_("A worker with this ID number already exists.")]})
    return _register(actor=actor, person=person, employer=employer, district=district)


def worker_for_caller(
    *,
    actor: User | None,
    name: str,
    id_number: str = "",
    phone: str = "",
    district: OrgUnit | None,
    employer: Enterprise | None = None,
    now: dt.datetime | None = None,
) -> tuple[Worker, bool]:
    """The known person, by ID number when given (a phone can be shared), else by phone;
    registered when new, with the employer the work order names. Returns the worker and
    whether it was registered now.

    Call it inside the caller's transaction: a concurrent registration of the same ID number
    surfaces as an IntegrityError there, to be retried (intake does).
    """
    known = worker_find(id_number=id_number) if id_number else worker_find(phone=phone)
    if known is not None:
        return known, False
    person = _validated(name=name, id_number=id_number, phone=phone)
    worker = _register(actor=actor, person=person, employer=employer, district=district, now=now)
    return worker, True


def _register(
    *,
    actor: User | None,
    person: Person,
    employer: Enterprise | None,
    district: OrgUnit | None,
    now: dt.datetime | None = None,
) -> Worker:
    now = now or timezone.now()
    name, id_number, phone = person.name, person.id_number, person.phone
    worker = Worker.objects.create(
        name=name,
        id_number=id_number,
        id_number_digest=digest(id_number) if id_number else None,
        phone=phone,
        phone_digest=digest(phone) if phone else "",
        employer=employer,
        district=district or (employer.district if employer else None),
        created_at=now,
    )
    record_event(
        actor=actor,
        action="worker.create",
        target=worker,
        org_unit=worker.district,
        after={"name": name, "employer": employer.credit_code if employer else None},
        at=now,
    )
    return worker


def worker_find(*, id_number: str = "", phone: str = "") -> Worker | None:
    """Exact lookup through the keyed digests; the clear value is never sent to the database."""
    if id_number:
        # Unique: no ORDER BY.
        found = Worker.objects.filter(id_number_digest=digest(normalize_code(id_number))).order_by()
    elif phone:
        # A shared phone: the person registered last, as the default ordering says.
        found = Worker.objects.filter(phone_digest=digest(normalize_phone(phone)))
    else:
        return None
    return next(iter(found[:1]), None)


@transaction.atomic
def worker_reveal(*, actor: User, worker: Worker, reason: str = "") -> dict[str, str]:
    """Clear ID number and phone for a role allowed to see them; the reveal is audited."""
    if not may_reveal(actor):
        raise PermissionDenied(_("Your role may not view personal data in clear."))
    record_event(
        actor=actor,
        action="worker.reveal",
        target=worker,
        org_unit=worker.district,
        after={"fields": ["id_number", "phone"]},
        reason=reason,
    )
    return {"id_number": worker.id_number, "phone": worker.phone}


def workers_bulk_load(
    *, rows: Iterable[dict[str, Any]], actor_label: str = "load", batch_size: int = 2000
) -> int:
    """Load validated people (the synthetic city's callers) all-or-nothing; known IDs skipped."""
    employers = dict(Enterprise.objects.values_list("credit_code", "pk"))
    districts = dict(Enterprise.objects.values_list("pk", "district_id"))
    known = set(
        Worker.objects.exclude(id_number_digest=None).values_list("id_number_digest", flat=True)
    )
    pending: list[Worker] = []
    problems: list[str] = []
    for number, row in enumerate(rows, start=1):
        try:
            person = _validated(
                name=row["name"], id_number=row.get("id_number") or "", phone=row.get("phone") or ""
            )
        except ValidationError as error:
            problems.append(f"{number}: {error.message_dict}")
            continue
        name, id_number, phone = person.name, person.id_number, person.phone
        id_digest = digest(id_number) if id_number else None
        if id_digest is not None:
            if id_digest in known:
                continue
            known.add(id_digest)
        employer_id = employers.get(row.get("employer_credit_code") or "")
        pending.append(
            Worker(
                name=name,
                id_number=id_number,
                id_number_digest=id_digest,
                phone=phone,
                phone_digest=digest(phone) if phone else "",
                employer_id=employer_id,
                district_id=districts.get(employer_id) if employer_id else None,
            )
        )
    if problems:
        raise ValidationError(problems[:50])
    with transaction.atomic():
        Worker.objects.bulk_create(pending, batch_size=batch_size)
        record_event(
            actor=None,
            action="worker.bulk_load",
            target_type="workers.worker",
            target_label=str(len(pending)),
            after={"created": len(pending)},
            actor_label=actor_label,
        )
    return len(pending)
