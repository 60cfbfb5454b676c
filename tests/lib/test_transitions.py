"""The transition-table engine on a literal table: who is asked first, then the status, then
the condition; `actions_for` lists what `can` allows, in the table's order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from laborwatch.lib import transitions
from laborwatch.lib.transitions import Table, Transition


@dataclass
class Door:
    status: str
    locked_by: str = ""

    def get_status_display(self) -> str:
        return {"open": "开", "shut": "关"}[self.status]


@dataclass
class Person:
    name: str
    is_authenticated: bool = True
    is_active: bool = True
    can_write: bool = True


class WrongStatus(transitions.WrongStatus):
    refusal = "%(status)s:%(action)s"


class Stale(transitions.StaleVersion):
    reload = "stale"


def _not_locked(door: Door, user: Any, parties: frozenset[str]) -> str | None:
    return f"locked by {door.locked_by}" if door.locked_by else None


TABLE: Table[Any] = Table(
    transitions={
        "shut": Transition("关上", frozenset({"open"}), frozenset({"keeper"}), "shut"),
        "open": Transition(
            "打开", frozenset({"shut"}), frozenset({"keeper", "guest"}), "open", _not_locked
        ),
    },
    standing=lambda door, user: frozenset({"keeper"} if user.name == "keeper" else {"guest"}),
    wrong_status=WrongStatus,
    denied="no",
    stale=Stale,
    audit_prefix="door",
)


@pytest.mark.parametrize(
    ("door", "action", "user", "error", "message"),
    [
        (Door("open"), "shut", "guest", PermissionDenied, "no"),
        (Door("shut"), "shut", "guest", PermissionDenied, "no"),  # who before status
        (Door("shut"), "shut", "keeper", WrongStatus, "关:关上"),
        (Door("open", "x"), "open", "keeper", WrongStatus, "开:打开"),  # status before condition
        (Door("shut", "x"), "open", "guest", ValidationError, "locked by x"),
    ],
)
def test_refusals_in_order(door, action, user, error, message) -> None:
    refused = TABLE.refusal(door, action, Person(user))
    assert type(refused) is error
    said = refused.messages if isinstance(refused, ValidationError) else [str(refused)]
    assert said == [message]


def test_what_may_be_done() -> None:
    keeper, guest = Person("keeper"), Person("guest")
    assert TABLE.actions_for(Door("open"), keeper) == ["shut"]
    assert TABLE.actions_for(Door("shut"), keeper) == ["open"]
    assert TABLE.actions_for(Door("shut", "x"), guest) == []
    assert TABLE.may_take(Door("shut", "x"), "open", guest) is True
    assert TABLE.may_take(Door("shut"), "shut", guest) is False
    assert TABLE.can(Door("open"), "shut", keeper) is True
