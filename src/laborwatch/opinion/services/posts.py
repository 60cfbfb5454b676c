"""Reading a post's text as received, personal data included: for the roles that may see a
worker's ID number and phone in clear, and audited like those reveals."""

from __future__ import annotations

import datetime as dt
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laborwatch.core.audit import record_event
from laborwatch.core.models import User
from laborwatch.opinion.access import may_reveal_posts
from laborwatch.opinion.models import Post


@transaction.atomic
def post_reveal(
    *, actor: User, post: Post, reason: str, now: dt.datetime | None = None
) -> dict[str, str]:
    """The title and text as received; refused to roles that may not reveal, audited."""
    now = now or timezone.now()
    if not may_reveal_posts(actor):
        raise PermissionDenied(_("Your role may not view personal data in clear."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for viewing the clear text.")]})
    if not post.sealed:
        raise ValidationError(_("This post holds no personal data to reveal."))
    record_event(
        actor=actor,
        action="opinion_post.reveal",
        target=post,
        org_unit=post.event.district if post.event else None,
        after={"event": post.event.number if post.event else None},
        reason=reason.strip(),
        at=now,
    )
    sealed = json.loads(post.sealed)
    return {"title": sealed["title"], "text": sealed["text"]}
