"""A list's filter form applied to its rows: each field given narrows, a blank one (the form's
"all") does not."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def narrowed(rows: QuerySet[M], **lookups: object) -> QuerySet[M]:
    """`rows` filtered by every lookup whose value is given (not blank, not None, not False)."""
    given = {lookup: value for lookup, value in lookups.items() if value}
    return rows.filter(**given) if given else rows
