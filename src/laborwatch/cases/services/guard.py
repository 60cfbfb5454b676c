"""Every action on a work order starts here: lock the row, check the version the user saw,
then ask the transition table (cases/transitions.py) whether this user may act now."""

from __future__ import annotations

from laborwatch.cases.errors import StaleCase
from laborwatch.cases.models import Case
from laborwatch.cases.transitions import TABLE
from laborwatch.core.models import User
from laborwatch.lib.transitions import lock_for


def lock_case(*, case: Case, action: str, actor: User, expected_version: int | None) -> Case:
    """The case's row, locked until the caller's transaction ends, once the action is allowed.

    Call it inside the action's transaction. A stale version raises StaleCase; the table's
    refusal raises PermissionDenied (who), InvalidTransition (status) or ValidationError.
    """
    return lock_for(
        Case,
        case.pk,
        table=TABLE,
        action=action,
        actor=actor,
        expected_version=expected_version,
        stale=StaleCase,
    )
