"""Correcting the clustering by hand: merge and split, with their figures and history."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from laborwatch.core.models import AuditEvent
from laborwatch.opinion.models import Event, EventAssignment, Post
from laborwatch.opinion.services import event_merge, event_split
from tests.opinion.support import T0, assigned, fresh, make_event, make_post, snapshot

pytestmark = pytest.mark.django_db


def test_merge_moves_the_posts_and_keeps_the_history(org_units, setup_actor, shinan):
    target = make_event(district=shinan, posts=2, title="厂门口讨薪")
    source = assigned(make_event(district=shinan, posts=3, title="讨薪转发"), setup_actor, shinan)
    into = event_merge(source=source, target=target, actor=setup_actor, reason="同一事件",
                       now=T0)  # fmt: skip
    merged = fresh(source)
    assert (merged.status, merged.merged_into, merged.version) == ("merged", into, 3)
    assert (into.post_count, into.version) == (5, 2)
    assert Post.objects.filter(event=into).count() == 5
    assert not Post.objects.filter(event=merged).exists()
    # The unit asked to verify the merged event is released.
    assert EventAssignment.objects.get(event=merged).ended_at == T0
    assert AuditEvent.objects.get(action="opinion_event.merge").after == {
        "status": "merged",
        "merged_into": into.number,
        "posts": 3,
    }
    assert AuditEvent.objects.get(action="opinion_event.absorb").after == {
        "absorbed": merged.number,
        "posts": 3,
        "post_count": 5,
    }


def test_merge_refusals_change_nothing(shinan, setup_actor, owner):
    source, target = make_event(district=shinan), make_event(district=shinan)
    before = snapshot(source)
    with pytest.raises(ValidationError) as refused:
        event_merge(source=source, target=source, actor=setup_actor, reason="x")
    assert refused.value.message_dict == {"target": ["舆情事件不能并入自身。"]}
    with pytest.raises(ValidationError) as refused:
        event_merge(source=source, target=target, actor=setup_actor, reason=" ")
    assert refused.value.message_dict == {"reason": ["合并须说明理由。"]}
    with pytest.raises(PermissionDenied):
        event_merge(source=source, target=target, actor=owner, reason="同一事件")
    closed = fresh(target)
    closed.status = "closed"
    closed.save()
    with pytest.raises(ValidationError) as refused:
        event_merge(source=source, target=closed, actor=setup_actor, reason="同一事件")
    assert refused.value.message_dict == {
        "target": [f"舆情事件 {closed.number} 已办结或已被合并。"]
    }
    assert snapshot(source) == before


def test_split_makes_a_new_event_of_the_chosen_posts(shinan, setup_actor):
    event = make_event(district=shinan, posts=2)
    other = make_post(event, text="某小区物业停车收费纠纷", labour=False)
    event.post_count = 3
    event.save()
    split_off = event_split(event=event, actor=setup_actor, post_ids=[other.pk],
                            reason="与讨薪无关", now=T0)  # fmt: skip
    assert list(split_off.posts.all()) == [other]
    assert (split_off.status, split_off.post_count, split_off.on_list) == ("pending", 1, False)
    assert split_off.title == "某小区物业停车收费纠纷"
    remaining = fresh(event)
    assert (remaining.post_count, remaining.version, remaining.on_list) == (2, 2, True)
    assert AuditEvent.objects.get(action="opinion_event.split").after == {
        "split_off": split_off.number,
        "posts": 1,
    }
    created = AuditEvent.objects.get(action="opinion_event.create")
    assert (created.target_id, created.reason) == (str(split_off.pk), "与讨薪无关")


def test_split_keeps_at_least_one_post_and_only_its_own(shinan, setup_actor):
    event = make_event(district=shinan, posts=2)
    stranger = make_event(district=shinan, posts=1).posts.get()
    before = snapshot(event)
    everything = list(event.posts.values_list("pk", flat=True))
    with pytest.raises(ValidationError) as refused:
        event_split(event=event, actor=setup_actor, post_ids=everything, reason="x")
    assert refused.value.message_dict == {"posts": ["事件中至少要保留一条帖文，请少选几条。"]}
    with pytest.raises(ValidationError) as refused:
        event_split(event=event, actor=setup_actor, post_ids=[stranger.pk], reason="x")
    assert refused.value.message_dict == {"posts": ["请选择本事件中要拆分出去的帖文。"]}
    assert snapshot(event) == before
    assert Event.objects.count() == 2
