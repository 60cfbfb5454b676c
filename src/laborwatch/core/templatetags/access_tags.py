"""`visible_to`: whether a user may open an object's page, so a page links only where the
reader may follow. It asks the same access rule the object's page fetches with."""

from __future__ import annotations

from collections.abc import Callable

from django import template
from django.db.models import Model, QuerySet

from laborwatch.cases.access import cases_visible_to
from laborwatch.cases.models import Case
from laborwatch.core.models import User
from laborwatch.enterprises.access import enterprises_visible_to
from laborwatch.enterprises.models import Enterprise
from laborwatch.opinion.access import events_visible_to
from laborwatch.opinion.models import Event
from laborwatch.warnings.access import warnings_visible_to
from laborwatch.warnings.models import Warning
from laborwatch.workers.access import workers_visible_to
from laborwatch.workers.models import Worker

register = template.Library()

# The model of each page a template links to → the rule its view fetches with.
VISIBLE_TO: dict[type[Model], Callable[[User], QuerySet]] = {
    Case: cases_visible_to,
    Enterprise: enterprises_visible_to,
    Event: events_visible_to,
    Warning: warnings_visible_to,
    Worker: workers_visible_to,
}


@register.filter
def visible_to(obj: Model | None, user: User) -> bool:
    """`{% if case.employer|visible_to:user %}<a …>{% endif %}`; False for None."""
    if obj is None:
        return False
    return VISIBLE_TO[type(obj)](user).filter(pk=obj.pk).exists()
