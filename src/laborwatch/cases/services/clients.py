"""API clients (the 12351 hotline system …): issue, re-issue and revoke their bearer tokens.

The clear token is returned once and never stored: the table keeps the keyed digest
(laborwatch.core.crypto.digest) for lookups and the first characters as a hint for humans.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from laborwatch.cases.api.auth import forget_api_clients
from laborwatch.cases.models import ApiClient, Channel
from laborwatch.core.audit import record_event
from laborwatch.core.crypto import digest
from laborwatch.core.models import User

TOKEN_PREFIX = "lw_"
TOKEN_HINT_LENGTH = 8


def _new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


@transaction.atomic
def api_client_create(
    *,
    actor: User | None,
    name: str,
    channel: str = Channel.HOTLINE,
    actor_label: str = "",
    now: dt.datetime | None = None,
) -> tuple[ApiClient, str]:
    """Register a client system; returns it with its clear token (shown once, never stored)."""
    now = now or timezone.now()
    name = name.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Name is required.")]
    elif len(name) > ApiClient._meta.get_field("name").max_length:  # type: ignore[operator]
        errors["name"] = [_("The name is too long.")]
    elif ApiClient.objects.filter(name=name).exists():
        errors["name"] = [_("An API client with this name already exists.")]
    if channel not in Channel.values:
        errors["channel"] = [_("Unknown channel.")]
    if errors:
        raise ValidationError(errors)
    token = _new_token()
    client = ApiClient.objects.create(
        name=name,
        channel=channel,
        token_digest=digest(token),
        token_hint=token[:TOKEN_HINT_LENGTH],
        created_at=now,
    )
    record_event(
        actor=actor,
        action="api_client.create",
        target=client,
        actor_label=actor_label,
        after={"name": name, "channel": channel, "token_hint": client.token_hint},
        at=now,
    )
    return client, token


@transaction.atomic
def api_client_reissue(
    *,
    actor: User | None,
    client: ApiClient,
    actor_label: str = "",
    now: dt.datetime | None = None,
) -> tuple[ApiClient, str]:
    """A new token for the client (the old one stops working at once); reactivates it."""
    now = now or timezone.now()
    locked = ApiClient.objects.select_for_update().get(pk=client.pk)
    before = {"token_hint": locked.token_hint, "is_active": locked.is_active}
    token = _new_token()
    locked.token_digest = digest(token)
    locked.token_hint = token[:TOKEN_HINT_LENGTH]
    locked.is_active = True
    locked.save(update_fields=["token_digest", "token_hint", "is_active"])
    forget_api_clients()
    record_event(
        actor=actor,
        action="api_client.reissue",
        target=locked,
        actor_label=actor_label,
        before=before,
        after={"token_hint": locked.token_hint, "is_active": True},
        at=now,
    )
    return locked, token


@transaction.atomic
def api_client_revoke(
    *,
    actor: User | None,
    client: ApiClient,
    reason: str = "",
    actor_label: str = "",
    now: dt.datetime | None = None,
) -> ApiClient:
    """Stop accepting the client's token. Its cases stay; a new token can be issued later."""
    now = now or timezone.now()
    locked = ApiClient.objects.select_for_update().get(pk=client.pk)
    if not locked.is_active:
        raise ValidationError(_("This API client is already revoked."), code="already_revoked")
    locked.is_active = False
    locked.save(update_fields=["is_active"])
    forget_api_clients()
    record_event(
        actor=actor,
        action="api_client.revoke",
        target=locked,
        actor_label=actor_label,
        before={"is_active": True},
        after={"is_active": False, "token_hint": locked.token_hint},
        reason=reason,
        at=now,
    )
    return locked
