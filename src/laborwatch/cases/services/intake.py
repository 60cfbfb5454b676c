"""Intake: one service for every channel (API push, web forms, opinion events, warnings)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laborwatch.cases.linking import Candidate, caller_context, link_employer
from laborwatch.cases.models import ApiClient, Case, Channel, RequestType
from laborwatch.cases.numbering import CASE_PREFIX, next_number
from laborwatch.cases.services.grouping import place_new_case
from laborwatch.cases.sla import policy_for, refresh_clock, set_deadlines
from laborwatch.cases.suggest import suggest_category
from laborwatch.core.audit import events_batched, record_event
from laborwatch.core.models import OrgUnit, User
from laborwatch.core.validators import (
    validate_credit_code,
    validate_id_number,
    validate_multiline,
    validate_phone,
    validate_single_line,
)
from laborwatch.enterprises.models import Enterprise
from laborwatch.lib.codes import normalize_code, normalize_phone
from laborwatch.text.taxonomy import categories
from laborwatch.workers.services import worker_for_caller

MAX_DESCRIPTION = 5000
MAX_AMOUNT = Decimal("1000000000000")
CENT = Decimal("0.01")
MAX_WORKERS = 1_000_000
EARLIEST_DATE, LATEST_DATE = dt.date(1990, 1, 1), dt.date(2099, 12, 31)


class CaseValues(TypedDict):
    """The work order's own fields as intake has checked and completed them (the caller, the
    employer as told and the district are settled apart, in `_create`)."""

    channel: str
    description: str
    category: str
    suggested_category: str
    category_confidence: float
    employer: Enterprise | None
    amount_claimed: Decimal
    workers_involved: int
    arrears_from: dt.date | None
    arrears_to: dt.date | None
    project_name: str
    request_type: str
    api_client: ApiClient | None
    external_ref: str
    received_at: dt.datetime
    assigned_by: str
    superior_deadline: dt.datetime | None


@dataclass
class IntakeResult:
    case: Case
    created: bool
    candidates: list[Candidate] = field(default_factory=list)


def case_intake(
    *,
    actor: User | None,
    channel: str,
    caller_name: str,
    caller_phone: str,
    description: str,
    category: str = "",
    caller_id_number: str = "",
    employer_credit_code: str = "",
    employer_name: str = "",
    amount_claimed: Decimal = Decimal("0"),
    workers_involved: int = 1,
    arrears_from: dt.date | None = None,
    arrears_to: dt.date | None = None,
    project_name: str = "",
    request_type: str = "help",
    api_client: ApiClient | None = None,
    external_ref: str = "",
    received_at: dt.datetime | None = None,
    assigned_by: str = "",
    superior_deadline: dt.datetime | None = None,
    district: OrgUnit | None = None,
    now: dt.datetime | None = None,
) -> IntakeResult:
    """Create a work order, or return the one an earlier push with the same reference made.

    An empty `category` takes the text engine's suggestion; the suggestion is kept on the
    case either way, so a handler's correction can teach the classifier. `received_at`
    defaults to `now`, the time of the intake.
    """
    now = now or timezone.now()
    if api_client is not None and external_ref:
        existing = _pushed_before(api_client, external_ref)
        if existing is not None:
            return IntakeResult(existing, created=False)
    # Every problem at once, caller and case alike, so a form shows one round of errors; each
    # keeps its code (the API answers it, e.g. credit_code_check, date_in_future).
    errors: dict[str, list[ValidationError]] = {}
    try:
        _check_caller(name=caller_name, phone=caller_phone, id_number=caller_id_number)
    except ValidationError as error:
        for key, items in error.error_dict.items():
            errors.setdefault(key, []).extend(items)
    try:
        _check(
            category_given=bool(category),
            request_type=request_type,
            lengths={
                "external_ref": (external_ref, 64),
                "caller_name": (caller_name, 60),
                "employer_name": (employer_name, 200),
                "project_name": (project_name, 200),
                "assigned_by": (assigned_by, 100),
            },
            single_lines={
                "external_ref": external_ref,
                "caller_name": caller_name,
                "caller_phone": caller_phone,
                "caller_id_number": caller_id_number,
                "employer_credit_code": employer_credit_code,
                "employer_name": employer_name,
                "category": category,
                "project_name": project_name,
                "assigned_by": assigned_by,
            },
            channel=channel,
            category=category,
            description=description,
            amount_claimed=amount_claimed,
            workers_involved=workers_involved,
            arrears_from=arrears_from,
            arrears_to=arrears_to,
            received_at=received_at,
            assigned_by=assigned_by,
            superior_deadline=superior_deadline,
            employer_credit_code=employer_credit_code,
            employer_name=employer_name,
            now=now,
        )
    except ValidationError as error:
        for key, items in error.error_dict.items():
            errors.setdefault(key, []).extend(items)
    if errors:
        raise ValidationError(errors)
    received_at = _aware(received_at) if received_at is not None else None
    superior_deadline = _aware(superior_deadline) if superior_deadline is not None else None
    suggestion = suggest_category(description)
    category = category or suggestion.category
    match = link_employer(
        credit_code=employer_credit_code,
        name=employer_name,
        description=description,
        context=caller_context(district, project_name),
    )

    def create() -> Case:
        with transaction.atomic(), events_batched():
            return _create(
                actor=actor,
                channel=channel,
                caller_name=caller_name,
                caller_phone=caller_phone,
                caller_id_number=caller_id_number,
                description=description,
                category=category,
                suggested_category=suggestion.category,
                category_confidence=suggestion.confidence,
                employer=match.enterprise,
                employer_name_as_told=(employer_name or employer_credit_code).strip(),
                amount_claimed=amount_claimed,
                workers_involved=workers_involved,
                arrears_from=arrears_from,
                arrears_to=arrears_to,
                project_name=project_name,
                request_type=request_type,
                api_client=api_client,
                external_ref=external_ref,
                received_at=received_at or now,
                assigned_by=assigned_by,
                superior_deadline=superior_deadline,
                district=district,
                now=now,
            )

    try:
        case = create()
    except IntegrityError:
        # Either a concurrent retry of the same push won the race (answer with its case), or
        # a concurrent push from the same new caller created the worker first: the worker is
        # committed now, so one more attempt finds it.
        if api_client is not None and external_ref:
            earlier = _pushed_before(api_client, external_ref)
            if earlier is not None:
                return IntakeResult(earlier, created=False)
        case = create()
    return IntakeResult(case, created=True, candidates=match.candidates)


def _pushed_before(api_client: ApiClient, external_ref: str) -> Case | None:
    """The case this client pushed with this reference, if any, with the employer and group
    case the answer to the client names.

    Most pushes are new: ask for the key only (a read of the index alone) and load the case
    when there is one. The unique index on (api_client, external_ref) is partial
    (external_ref != ""); stating its condition lets SQLite use it instead of scanning every
    case the client ever pushed.
    """
    pushed = (
        Case.objects.filter(api_client=api_client, external_ref=external_ref)
        .exclude(external_ref="")
        .order_by()
        .values_list("pk", flat=True)
    )
    pk = next(iter(pushed[:1]), None)
    if pk is None:
        return None
    return Case.objects.select_related("employer", "group").get(pk=pk)


def _check(
    *,
    category_given: bool,
    request_type: str,
    lengths: dict[str, tuple[str, int]],
    single_lines: dict[str, str],
    channel: str,
    category: str,
    description: str,
    amount_claimed: Decimal,
    workers_involved: int,
    arrears_from: dt.date | None,
    arrears_to: dt.date | None,
    received_at: dt.datetime | None,
    assigned_by: str,
    superior_deadline: dt.datetime | None,
    employer_credit_code: str,
    employer_name: str,
    now: dt.datetime,
) -> None:
    errors: dict[str, list[ValidationError]] = {}
    today = timezone.localtime(now).date()

    def add(field_name: str, message: str, code: str = "invalid") -> None:
        errors.setdefault(field_name, []).append(ValidationError(message, code=code))

    for field_name, text in [*single_lines.items(), ("description", description)]:
        try:
            if field_name == "description":
                validate_multiline(text)
            else:
                validate_single_line(text)
        except ValidationError as error:
            errors.setdefault(field_name, []).extend(error.error_list)
    if channel not in Channel.values:
        add("channel", _("Unknown channel."))
    if request_type not in RequestType.values:
        add("request_type", _("Unknown request type."))
    for field_name, (value, limit) in lengths.items():
        if len(value) > limit:
            add(field_name, _("At most %(n)d characters.") % {"n": limit})
    if category_given and category not in categories():
        add(
            "category",
            _("Unknown demand category %(code)s.") % {"code": category},
            "unknown_category",
        )
    if not description.strip():
        add("description", _("Description is required."))
    elif len(description) > MAX_DESCRIPTION:
        add(
            "description",
            _("Description is longer than %(n)d characters.") % {"n": MAX_DESCRIPTION},
        )
    if amount_claimed < 0:
        add("amount_claimed", _("Amount cannot be negative."))
    elif amount_claimed >= MAX_AMOUNT or amount_claimed != amount_claimed.quantize(CENT):
        add("amount_claimed", _("Amount must be below 1 trillion yuan, in yuan and fen."))
    if workers_involved < 1:
        add("workers_involved", _("At least one worker must be involved."))
    elif workers_involved > MAX_WORKERS:
        add("workers_involved", _("At most %(n)d workers.") % {"n": MAX_WORKERS})
    for field_name, day in (
        ("arrears_from", arrears_from),
        ("arrears_to", arrears_to),
        ("received_at", received_at.date() if received_at else None),
        ("superior_deadline", superior_deadline.date() if superior_deadline else None),
    ):
        if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
            add(field_name, _("Date must fall between 1990 and 2099."))
    for field_name, day in (("arrears_from", arrears_from), ("arrears_to", arrears_to)):
        if day is not None and day > today:
            add(field_name, _("Date cannot be in the future."), "date_in_future")
    if arrears_from and arrears_to and arrears_from > arrears_to:
        add("arrears_to", _("The arrears period ends before it starts."))
    if received_at is not None and _aware(received_at) > now + dt.timedelta(minutes=5):
        add("received_at", _("Date cannot be in the future."), "date_in_future")
    if channel == Channel.SUPERIOR:
        if not assigned_by.strip():
            add("assigned_by", _("A superior assignment must name the assigning body."))
        if superior_deadline is None:
            add("superior_deadline", _("A superior assignment must carry its deadline."))
    if not employer_credit_code.strip() and not employer_name.strip():
        add("employer_name", _("Give the employer's credit code or name."))
    if employer_credit_code.strip():
        try:
            validate_credit_code(normalize_code(employer_credit_code))
        except ValidationError as error:
            errors.setdefault("employer_credit_code", []).extend(error.error_list)
    if errors:
        raise ValidationError(errors)


def _aware(moment: dt.datetime) -> dt.datetime:
    """A time without an offset is Beijing time, as a caller on the hotline means it."""
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _check_caller(*, name: str, phone: str, id_number: str) -> None:
    errors: dict[str, list[ValidationError]] = {}
    if not name.strip():
        errors["caller_name"] = [ValidationError(_("Name is required."), code="required")]
    if not phone.strip():
        errors["caller_phone"] = [ValidationError(_("Phone is required."), code="required")]
    else:
        try:
            validate_phone(normalize_phone(phone))
        except ValidationError as error:
            errors["caller_phone"] = error.error_list
    if id_number.strip():
        try:
            validate_id_number(normalize_code(id_number))
        except ValidationError as error:
            errors["caller_id_number"] = error.error_list
    if errors:
        raise ValidationError(errors)


def _create(
    *,
    actor: User | None,
    caller_name: str,
    caller_phone: str,
    caller_id_number: str,
    employer_name_as_told: str,
    district: OrgUnit | None,
    now: dt.datetime,
    **values: Unpack[CaseValues],
) -> Case:
    employer = values["employer"]
    district = district or (employer.district if employer is not None else None)
    worker, worker_is_new = worker_for_caller(
        actor=actor,
        name=caller_name,
        phone=caller_phone,
        id_number=caller_id_number,
        district=district,
        employer=employer,
        now=now,
    )
    case = Case(
        worker=worker,
        district=district or worker.district,
        employer_name_as_told=employer_name_as_told[:200],
        **values,
    )
    policy = policy_for(channel=case.channel, category=case.category)
    set_deadlines(case, policy)
    refresh_clock(case, policy)
    if employer is not None:
        place_new_case(case, worker_is_new=worker_is_new)
    # Numbered last: the year's sequence stays locked until this transaction ends.
    case.number = next_number(CASE_PREFIX, case.received_at)
    case.save(force_insert=True)
    record_event(
        actor=actor,
        action="case.create",
        target=case,
        org_unit=case.district,
        actor_label="" if actor else (case.api_client.name if case.api_client else "system"),
        after={
            "status": case.status,
            "channel": case.channel,
            "category": case.category,
            "employer": employer.credit_code if employer is not None else None,
            "possible_duplicate_of": case.possible_duplicate_of_id,
        },
        at=now,
    )
    return case
