"""A transition table in Saleor's manner, and the one way an action of it is taken; shared by
the three closed loops (the work order, the public-opinion event, the warning).

For each action: the statuses it may run from, the parties who may take it (the user's
standing towards the object: `parties`, the table's `standing` of a user who may act at all)
and an optional condition beyond both. `refusal` says why an action is refused as the error to
raise: who first (PermissionDenied), then the status (the table's own error), then the
condition (ValidationError).

`Table.take` is the skeleton of every action: lock the row, check inside the lock that the
version the user saw is current and that the table lets the actor act now, apply the change,
move the status, move the version on and write the audit row (the object's timeline), all in
one transaction. `Table.lock` is its first step, for the few actions that write more than one
object their own way; `Table.note` is the timeline note every loop has.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.functional import Promise

from laborwatch.core.audit import record_event

if TYPE_CHECKING:
    from laborwatch.core.models import OrgUnit, User


class Stateful(Protocol):
    """A model row with a status of a table, a version a page loads and a district."""

    pk: Any
    status: str
    version: int

    @property
    def district(self) -> OrgUnit | None: ...

    def get_status_display(self) -> str: ...

    def save(self, *, update_fields: list[str] | None = None) -> None: ...


T = TypeVar("T", bound=Stateful)


class StaleVersion(ValidationError):
    """Someone else changed the object since this user loaded it: `reload` says so."""

    reload: ClassVar[str | Promise]

    def __init__(self) -> None:
        super().__init__(str(self.reload), code="stale")


class WrongStatus(ValidationError):
    """The action does not run from the object's status: `refusal` says so, completed with
    the status and the action's label."""

    refusal: ClassVar[str | Promise]

    def __init__(self, status_label: str, action: str) -> None:
        super().__init__(
            str(self.refusal) % {"status": status_label, "action": action},
            code="invalid_transition",
        )


# A condition beyond status and party: the reason (in Chinese) it fails, or None.
Condition = Callable[[T, "User", frozenset[str]], str | None]


@dataclass(frozen=True)
class Transition(Generic[T]):
    # Names the action in the refusal "… in status … cannot …".
    label: str | Promise
    from_statuses: frozenset[str]
    by: frozenset[str]
    # The status it leads to; None: the status stays (or the service decides).
    to_status: str | None = None
    condition: Condition[T] | None = None


def may_act(user: User) -> bool:
    """Signed in, active and of a role that writes: the only users a table's `parties` gives
    any standing (leaders and auditors read only)."""
    return bool(user.is_authenticated and user.is_active and user.can_write)


@dataclass(frozen=True)
class Table(Generic[T]):
    transitions: dict[str, Transition[T]]
    # How a user who may act (`may_act`) stands to the object: the parties they are.
    standing: Callable[[T, User], frozenset[str]]
    # The error for a status the action does not run from.
    wrong_status: type[WrongStatus]
    denied: str | Promise
    # The error for a version the user saw that another change has since moved on.
    stale: type[StaleVersion]
    # The audit rows of its actions are named "<audit_prefix>.<action>" ("case.accept").
    audit_prefix: str
    # How a user who reads only may still stand to the object: a leader over it, who
    # instructs (批示 / 督办) and does nothing else. None: nobody who reads only acts.
    overseeing: Callable[[T, User], frozenset[str]] | None = None

    def parties(self, obj: T, user: User) -> frozenset[str]:
        """How the user stands to the object; empty for those who only read."""
        if may_act(user):
            return self.standing(obj, user)
        return self.overseeing(obj, user) if self.overseeing is not None else frozenset()

    def refusal(
        self, obj: T, action: str, user: User, standing: frozenset[str] | None = None
    ) -> ValidationError | PermissionDenied | None:
        """Why the user may not take the action on the object now; None if they may.
        `standing` is the user's parties when the caller has them already."""
        transition = self.transitions[action]
        standing = self.parties(obj, user) if standing is None else standing
        if not transition.by & standing:
            return PermissionDenied(str(self.denied))
        if obj.status not in transition.from_statuses:
            return self.wrong_status(obj.get_status_display(), str(transition.label))
        reason = transition.condition(obj, user, standing) if transition.condition else None
        if reason is not None:
            return ValidationError(reason, code="not_now")
        return None

    def may_take(self, obj: T, action: str, user: User) -> bool:
        """Whether the user is one who may take the action on the object, whatever its status."""
        return bool(self.transitions[action].by & self.parties(obj, user))

    def can(self, obj: T, action: str, user: User) -> bool:
        return self.refusal(obj, action, user) is None

    def actions_for(self, obj: T, user: User) -> list[str]:
        """The actions the user may take on the object now, in the table's order."""
        standing = self.parties(obj, user)
        return [a for a in self.transitions if self.refusal(obj, a, user, standing) is None]

    def lock(self, obj: T, action: str, *, actor: User, expected_version: int | None) -> T:
        """The object's row, locked until the caller's transaction ends, once the version the
        user saw is current and the table lets the actor take the action now. Call it inside
        the action's transaction."""
        manager = type(obj)._default_manager  # type: ignore[attr-defined]
        locked: T = manager.select_for_update().get(pk=obj.pk)
        if expected_version is not None and locked.version != expected_version:
            raise self.stale()
        refused = self.refusal(locked, action, actor)
        if refused is not None:
            raise refused
        return locked

    def take(
        self,
        obj: T,
        action: str,
        actor: User,
        expected_version: int | None,
        now: dt.datetime,
        /,
        *,
        reason: str = "",
        apply: Callable[[T], dict[str, object]] | None = None,
        leads_to: Callable[[T], str | None] | None = None,
        keep: Callable[[T, str, dt.datetime], None] | None = None,
        org_unit: OrgUnit | None = None,
    ) -> T:
        """Take one action of the table on the object, in one transaction; returns it locked.

        `apply` changes the locked object (and writes what hangs off it), returning the details
        the audit row records; it may raise ValidationError, which undoes everything. The status
        it leads to is the table's, unless `leads_to` decides from the locked object (None: the
        status stays). `keep` is the loop's own bookkeeping once the status is set, given the
        status left (the work order's SLA clock). The audit row is filed under the object's
        district unless `org_unit` names another unit.
        """
        with transaction.atomic():
            locked = self.lock(obj, action, actor=actor, expected_version=expected_version)
            to_status = leads_to(locked) if leads_to else self.transitions[action].to_status
            left = locked.status
            details = apply(locked) if apply else {}
            if to_status is not None:
                locked.status = to_status
            if keep is not None:
                keep(locked, left, now)
            save_change(locked, now=now)
            record_event(
                actor=actor,
                action=f"{self.audit_prefix}.{action}",
                target=locked,  # type: ignore[arg-type]
                org_unit=org_unit or locked.district,
                before={"status": left},
                after={"status": locked.status, **details},
                reason=reason,
                at=now,
            )
        return locked

    def note(
        self, obj: T, *, actor: User, note: str, expected_version: int | None, now: dt.datetime
    ) -> None:
        """A note on the object's timeline (its "note" action): it changes nothing on the
        object, so the version stays."""
        with transaction.atomic():
            locked = self.lock(obj, "note", actor=actor, expected_version=expected_version)
            record_event(
                actor=actor,
                action=f"{self.audit_prefix}.note",
                target=locked,  # type: ignore[arg-type]
                org_unit=locked.district,
                reason=note,
                at=now,
            )


def setting(
    details: dict[str, object] | None = None, /, **values: object
) -> Callable[[Any], dict[str, object]]:
    """An `apply` for `Table.take` that sets the object's fields to `values`, and gives the
    audit row `details`."""

    def apply(obj: Any) -> dict[str, object]:
        for name, value in values.items():
            setattr(obj, name, value)
        return dict(details or {})

    return apply


def save_change(obj: Stateful, *, now: dt.datetime, fields: list[str] | None = None) -> None:
    """Save a user's change to a locked object: its version moves on, so a page loaded before
    the change is stale, and `updated_at`, where the model keeps one, is `now` (the services'
    time, so that a replayed history keeps its times). `fields`: only these (and the two)."""
    obj.version += 1
    keeps_updated_at = any(f.name == "updated_at" for f in obj._meta.concrete_fields)  # type: ignore[attr-defined]
    if keeps_updated_at:
        obj.updated_at = now  # type: ignore[attr-defined]
    if fields is None:
        obj.save()
    else:
        stamps = ["version", "updated_at"] if keeps_updated_at else ["version"]
        obj.save(update_fields=[*fields, *stamps])


class Guarded:
    """The model side of a transition table (`Case.can(action, user)` in Saleor's manner): the
    model names its `transition_table`; the services, the forms and the templates ask it."""

    transition_table: Table[Any]

    def can(self, action: str, user: User) -> bool:
        """Whether the user may take the action on this object now."""
        return self.transition_table.can(self, action, user)

    def actions_for(self, user: User) -> list[str]:
        """The actions the user may take on this object now, in the order the page offers."""
        return self.transition_table.actions_for(self, user)
