"""How work orders add up in a figure: a group case counts once, not once per caller.

Callers of a group case (群体性) often speak for the whole group: each reports the group's
workers and amount ("我们12名职工被拖欠工资共计30万元"). Summing their work orders would count
the group as many times as it called. A group therefore counts, in each measure (workers,
amount claimed, wages recovered), as its largest report, or as the sum of its single-worker
reports where these add up to more (five workers who each called about their own wages).
Work orders outside a group add up as they are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Reported:
    """What one work order says: its group (None outside a group), the workers, the amount
    claimed and the wages recovered."""

    group: Hashable | None
    workers: int
    amount: Decimal = Decimal("0")
    recovered: Decimal = Decimal("0")


@dataclass(frozen=True)
class Counted:
    workers: int
    amount: Decimal
    recovered: Decimal


ZERO = Counted(0, Decimal("0"), Decimal("0"))


def counted_once(reports: Iterable[Reported]) -> Counted:
    by_group: dict[Hashable, list[Reported]] = defaultdict(list)
    parts: list[Counted] = []
    for report in reports:
        if report.group is None:
            parts.append(Counted(report.workers, report.amount, report.recovered))
        else:
            by_group[report.group].append(report)
    parts.extend(_group(members) for members in by_group.values())
    return Counted(
        workers=sum(part.workers for part in parts),
        amount=sum((part.amount for part in parts), Decimal("0")),
        recovered=sum((part.recovered for part in parts), Decimal("0")),
    )


def _group(members: list[Reported]) -> Counted:
    singles = [member for member in members if member.workers <= 1]
    return Counted(
        workers=max(max(member.workers for member in members), sum(m.workers for m in singles)),
        amount=max(
            max(member.amount for member in members),
            sum((m.amount for m in singles), Decimal("0")),
        ),
        recovered=max(
            max(member.recovered for member in members),
            sum((m.recovered for m in singles), Decimal("0")),
        ),
    )
