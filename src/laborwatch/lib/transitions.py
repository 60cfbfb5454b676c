"""A transition table in Saleor's manner, shared by the work order and the warning.

For each action: the statuses it may run from, the parties who may take it (the user's
standing towards the object, as the table's `parties` function says) and an optional
condition beyond both. `refusal` says why an action is refused as the error to raise: who
first (PermissionDenied), then the status (the table's own error), then the condition
(ValidationError). `lock_for` is every action's first step inside its transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.functional import Promise

if TYPE_CHECKING:
    from laborwatch.core.models import User


class Stateful(Protocol):
    status: str

    def get_status_display(self) -> str: ...


T = TypeVar("T", bound=Stateful)
M = TypeVar("M", bound=models.Model)

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
    parties: Callable[[T, User], frozenset[str]]
    # The error for a status the action does not run from: (status label, action label).
    wrong_status: Callable[[str, str], ValidationError]
    denied: str | Promise

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


def lock_for(
    model: type[M],
    pk: Any,
    *,
    table: Table[Any],
    action: str,
    actor: User,
    expected_version: int | None,
    stale: Callable[[], ValidationError],
) -> M:
    """The object's row, locked until the caller's transaction ends, once the version the
    user saw is current and the table lets the actor take the action now."""
    locked = model._default_manager.select_for_update().get(pk=pk)
    if expected_version is not None and locked.version != expected_version:  # type: ignore[attr-defined]
        raise stale()
    refused = table.refusal(locked, action, actor)
    if refused is not None:
        raise refused
    return locked
