"""Fetch-and-authorise for workers; whether clear personal data may be shown."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from laborwatch.core.access import scope_q
from laborwatch.core.models import User
from laborwatch.core.roles import Role
from laborwatch.workers.models import Worker


def workers_visible_to(user: User) -> QuerySet[Worker]:
    return Worker.objects.filter(scope_q(user, district_field="district"))


def get_worker_for_user(user: User, pk: int) -> Worker:
    worker = workers_visible_to(user).select_related("employer", "district").filter(pk=pk).first()
    if worker is None:
        raise Http404
    return worker


def may_reveal(user: User) -> bool:
    return user.can_reveal_personal_data


def may_register(user: User) -> bool:
    """Centre and district staff register workers; liaisons only see what is referred to them."""
    return user.can_write and (user.is_city_wide or user.role == Role.DISTRICT_STAFF)
