"""Who sees a public-opinion event and its posts.

City-wide roles see every event, on the list or off it. District staff see the events on the
list that belong to their district and the events ever assigned to their union. Department
liaisons see the events ever assigned to their department. "Missing" and "not yours" both end
in 404. Who may do what, at which status, is the transition table's (opinion/transitions.py).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from laborwatch.core.models import User
from laborwatch.core.roles import Role
from laborwatch.opinion.models import Event, EventAssignment, Post
from laborwatch.workers.access import may_reveal


def events_visible_to(user: User) -> QuerySet[Event]:
    if not user.is_authenticated or not user.is_active:
        return Event.objects.none()
    if user.is_city_wide:
        return Event.objects.all()
    if user.is_district_leader:
        return Event.objects.filter(on_list=True, district_id=user.home_district_id)
    unit = user.org_unit_id
    if unit is None or user.role not in (Role.DISTRICT_STAFF, Role.DEPARTMENT_LIAISON):
        return Event.objects.none()
    assigned = Q(pk__in=EventAssignment.objects.filter(org_unit_id=unit).values("event_id"))
    if user.role == Role.DISTRICT_STAFF:
        return Event.objects.filter(Q(on_list=True, district_id=unit) | assigned)
    return Event.objects.filter(assigned)


def get_event_for_user(user: User, pk: int) -> Event:
    """The event if it exists and the user may see it; 404 for both other cases."""
    event = (
        events_visible_to(user)
        .select_related("enterprise", "district", "assigned_unit", "merged_into", "verified_by")
        .filter(pk=pk)
        .first()
    )
    if event is None:
        raise Http404
    return event


def get_post_for_user(user: User, event: Event, pk: int) -> Post:
    """A post of an event the user may see; 404 otherwise."""
    post = event.posts.filter(pk=pk).first()
    if post is None:
        raise Http404
    return post


def may_reveal_posts(user: User) -> bool:
    """The roles that see a worker's ID number and phone in clear see them in a post too."""
    return may_reveal(user)
