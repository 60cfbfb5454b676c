"""The replay of one stretch of complaints is the same every time for the same seed."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import transaction

from laborwatch.cases.models import Case, Referral
from laborwatch.city_load import load_city
from laborwatch.demo.city import history_complaints
from laborwatch.demo.history import MissingStaff, replay
from laborwatch.demo.users import ensure_demo_users
from laborwatch.enterprises.linker import forget_registry
from tests.demo.conftest import NOW

pytestmark = pytest.mark.django_db


def _replayed(complaints: list[dict], seed: int) -> list[tuple]:
    """What a replay made, rolled back afterwards."""
    with transaction.atomic():
        forget_registry()
        replay(complaints, now=NOW, seed=seed)
        cases = [
            (
                case.number,
                case.status,
                case.handler.username if case.handler else None,
                case.request_type,
                case.accepted_at,
                case.feedback_at,
                case.resolved_at,
                tuple(case.breached_stages),
            )
            for case in Case.objects.select_related("handler").order_by("number")
        ]
        referrals = list(
            Referral.objects.order_by("pk").values_list(
                "case__number", "to_unit__code", "acknowledged_at", "replied_at"
            )
        )
        transaction.set_rollback(True)
    return [*cases, *referrals]


def test_the_same_seed_replays_the_same_history(org_units, small_city: Path) -> None:
    ensure_demo_users()
    load_city(small_city, progress=False)
    complaints = history_complaints(small_city, now=NOW)[:40]
    first = _replayed(complaints, seed=1)
    assert len(first) > 40  # the cases and some referrals
    assert _replayed(complaints, seed=1) == first
    assert _replayed(complaints, seed=2) != first


def test_without_centre_staff_the_replay_refuses_before_it_starts(org_units, small_city) -> None:
    complaints = history_complaints(small_city, now=NOW)[:3]
    with pytest.raises(MissingStaff, match="至少需要一个中心工作人员账号"):
        replay(complaints, now=NOW)
    assert not Case.objects.exists()
