"""The demo's replayed year: a working centre, mostly on time, caught mid-work at `now`.

One demo is prepared for the module (a small synthetic city, its complaints replayed, six
month-end warning runs and the morning's) and rolled back after it; each test reads it.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import transaction
from django.db.models import Max
from django.test import override_settings
from django.utils import timezone

from laborwatch.cases.models import OPEN_STATUSES, Case, InboxItem, Milestone, Referral
from laborwatch.core.models import AuditEvent, OrgUnit, User
from laborwatch.core.roles import Role
from laborwatch.core.services import org_units_load
from laborwatch.demo import Prepared, prepare
from laborwatch.demo.city import city_dir
from laborwatch.demo.warnings import city_episodes, found_true, run_times
from laborwatch.enterprises.linker import forget_registry
from laborwatch.warnings.models import Warning, WarningRouting, WarningStatus, WarningStep
from tests.demo.conftest import NOW

pytestmark = pytest.mark.django_db
FAST_HASHING = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(
    django_db_setup: None, django_db_blocker, small_city: Path, tmp_path_factory
) -> Iterator[Prepared]:
    """`laborwatch demo`'s preparation, with the small city where the demo keeps its city."""
    root = tmp_path_factory.mktemp("demo-data")
    shutil.copytree(small_city, city_dir(root, seed=1, today=NOW.date()))
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHING):
        with transaction.atomic():
            forget_registry()
            org_units_load()
            said: list[str] = []
            prepared = prepare(seed=1, root=root, now=NOW, progress=False, say=said.append)
            assert said == [
                "正在载入演示城市……",
                "正在重放近一年的工单……",
                "正在载入近六个月的舆情帖文并办理舆情事件……",
                "正在载入演示数据源并运行每日预警流水线……",
            ]
            yield prepared
            transaction.set_rollback(True)
        forget_registry()


def test_a_second_start_finds_everything_there(demo: Prepared) -> None:
    again = prepare(seed=1, now=NOW, progress=False)
    assert (again.city_dir, again.cases, again.daily) == (None, 0, None)
    assert [user.username for user in again.users] == [user.username for user in demo.users]


def replayed_cases():
    """The work orders of the replayed complaints: not those the opinion history opened from
    verified events (channel public_opinion, left for the centre to take up)."""
    return Case.objects.exclude(opinion_disposals__kind="open_case")


def test_every_complaint_of_the_window_became_a_case(demo: Prepared) -> None:
    from laborwatch.opinion.models import EventDisposal

    # Besides the work orders the public-opinion events opened.
    opened = EventDisposal.objects.filter(kind="open_case").count()
    assert demo.cases == Case.objects.count() - opened
    assert demo.cases > 13 * 5  # a handful a month at least, in a town this small


def test_the_centre_staff_handle_the_cases_and_the_administrator_none(demo: Prepared) -> None:
    handlers = set(replayed_cases().values_list("handler__role", flat=True))
    assert handlers == {Role.CENTRE_STAFF}
    admin = User.objects.get(username="admin")
    assert not AuditEvent.objects.filter(actor=admin).exists()
    assert not Case.objects.filter(handler__role=Role.ADMIN).exists()


def test_most_cases_are_resolved_on_time_and_a_few_late(demo: Prepared) -> None:
    resolved = list(
        Case.objects.exclude(resolved_at=None).values_list("resolved_at", "resolve_due")
    )
    on_time = sum(1 for resolved_at, due in resolved if resolved_at <= due)
    assert len(resolved) > 60
    assert 0.85 <= on_time / len(resolved) < 1.0
    breaches = list(Case.objects.values_list("breached_stages", flat=True))
    late_cases = sum(1 for stages in breaches if stages)
    assert 0 < late_cases / len(breaches) <= 0.25


def test_the_demo_finds_the_centre_mid_work_with_few_overdue(demo: Prepared) -> None:
    open_cases = replayed_cases().filter(status__in=OPEN_STATUSES)
    assert open_cases.exists()
    overdue = open_cases.filter(next_due_at__lt=NOW).count()
    assert overdue <= max(2, 0.1 * open_cases.count())
    today = timezone.localtime(NOW).date()
    open_milestones = Milestone.objects.filter(plan__case__status__in=OPEN_STATUSES, done_at=None)
    assert open_milestones.filter(due_on__lt=today).count() <= max(2, 0.1 * open_milestones.count())
    # What the units replied on a resolved case has been read by its handler.
    notices = InboxItem.objects.filter(kind=InboxItem.Kind.REFERRAL)
    assert notices.exclude(read_at=None).exists()
    assert not notices.filter(read_at=None).exclude(case__status__in=OPEN_STATUSES).exists()


def test_nothing_happened_after_now(demo: Prepared) -> None:
    replayed = AuditEvent.objects.filter(target_type__in=["cases.case", "warnings.warning"])
    assert replayed.aggregate(last=Max("at"))["last"] <= NOW
    assert Case.objects.aggregate(last=Max("received_at"))["last"] < NOW


def test_referrals_are_signed_for_and_answered_by_the_receiving_unit(demo: Prepared) -> None:
    referrals = Referral.objects.select_related("to_unit", "acknowledged_by", "replied_by")
    kinds = {referral.to_unit.kind for referral in referrals}
    assert kinds == {OrgUnit.Kind.DISTRICT, OrgUnit.Kind.DEPARTMENT}
    for referral in referrals.exclude(acknowledged_by=None):
        assert referral.acknowledged_by.org_unit_id == referral.to_unit_id
    replied = referrals.filter(state=Referral.State.REPLIED)
    assert replied.count() >= 0.9 * referrals.count()
    assert all(r.replied_by.org_unit_id == r.to_unit_id for r in replied)


def test_warnings_run_at_month_ends_and_this_morning(demo: Prepared) -> None:
    runs = [timezone.localtime(run).strftime("%m-%d %H:%M") for run in run_times(NOW, 6)]
    assert runs == [
        "06-30 08:30",
        "07-31 08:30",
        "08-31 08:30",
        "09-30 08:30",
        "10-31 08:30",
        "11-30 08:30",
        "12-07 08:30",
    ]
    assert demo.daily is not None and demo.daily.score.as_of == dt.date(2026, 12, 7)
    first_seen = set(Warning.objects.values_list("first_seen_on", flat=True))
    assert dt.date(2026, 6, 30) in first_seen


def test_warnings_are_signed_for_in_time_but_for_a_few(demo: Prepared) -> None:
    routings = WarningRouting.objects.all()
    overdue = routings.awaiting_signature().filter(acknowledge_due__lt=NOW)
    assert routings.count() > 20
    assert overdue.count() <= 0.05 * routings.count()
    # Nothing has waited for a signature since an earlier month.
    assert not overdue.filter(acknowledge_due__lt=NOW - dt.timedelta(days=7)).exists()
    signed = routings.exclude(acknowledged_at=None).select_related("acknowledged_by")
    # Of what was due by now and needed a signature, nearly all was signed (the morning's
    # run routed warnings not yet due; a warning closed, resolved or inhibited by a higher
    # grade before it was signed for needs none).
    due = signed.filter(acknowledge_due__lt=NOW).count() + overdue.count()
    assert signed.filter(acknowledge_due__lt=NOW).count() >= 0.9 * due
    assert all(r.acknowledged_by.org_unit_id == r.org_unit_id for r in signed)
    late = sum(1 for r in signed if r.acknowledged_at > r.acknowledge_due)
    assert late <= 0.15 * signed.count()


def test_verifications_follow_the_city_labels(demo: Prepared) -> None:
    assert demo.city_dir is not None
    onsets = city_episodes(demo.city_dir)
    verified = list(Warning.objects.exclude(verified=None).select_related("enterprise"))
    assert {w.verified for w in verified} == {True, False}
    assert all(w.verified == found_true(w, onsets) for w in verified)


def test_district_unions_verify_handle_and_close(demo: Prepared) -> None:
    steps = WarningStep.objects.select_related("actor", "warning")
    kinds = set(steps.values_list("kind", flat=True))
    assert kinds == {
        WarningStep.Kind.VERIFICATION,
        WarningStep.Kind.JOINT_HANDLING,
        WarningStep.Kind.CLOSURE,
    }
    assert all(step.actor.org_unit_id == step.warning.district_id for step in steps)
    assert all(step.at <= NOW for step in steps)
    assert Warning.objects.filter(status=WarningStatus.CLOSED).exists()


def test_the_post_stream_became_a_worked_verification_list(demo: Prepared) -> None:
    from laborwatch.opinion.models import Event, Post

    assert demo.posts == Post.objects.count() > 0
    listed = Event.objects.filter(on_list=True)
    statuses = set(listed.values_list("status", flat=True))
    assert "closed" in statuses and statuses - {"closed"}
    assert Event.objects.filter(on_list=False).exists()  # the noise, kept off the list
    for event in listed.filter(status="closed"):
        assert event.verification_result and event.responded_at is not None
        if event.verification_result in ("true", "partly_true"):
            assert event.disposals.exists()
    # Every event taken up was assigned; one merged into another lives on in that one.
    taken_up = listed.exclude(status__in=["pending", "merged"])
    assert not taken_up.filter(assignments=None).exists()
    replayed = AuditEvent.objects.filter(target_type="opinion.event")
    assert replayed.exists() and not replayed.filter(at__gt=NOW).exists()
