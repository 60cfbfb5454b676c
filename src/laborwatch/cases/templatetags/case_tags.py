"""Template helpers of the work-order pages: SLA lights, category labels, the inbox tile."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from laborwatch.cases.models import Case
from laborwatch.cases.selectors import inbox
from laborwatch.lib.loop_models import Instructed
from laborwatch.text.taxonomy import label

register = template.Library()


@register.filter
def sla_light(case: Case, now: dt.datetime | None = None) -> str:
    """green / yellow / red for the clock running now; "" when none runs."""
    return case.sla_light(now)


@register.filter
def instruction_overdue(instruction: Instructed, now: dt.datetime) -> bool:
    return instruction.is_overdue(now)


@register.filter
def category_label(code: str) -> str:
    return label(code) or code


@register.inclusion_tag("cases/_inbox_tile.html", takes_context=True)
def inbox_tile(context: dict[str, Any]) -> dict[str, Any]:
    """The home page's way into the inbox, with what is waiting there."""
    user = context["request"].user
    waiting = inbox(user=user)
    return {
        "open_cases": waiting.cases.count(),
        "unread": waiting.items.count(),
        "referrals": waiting.referrals.count(),
    }
