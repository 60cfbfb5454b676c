"""Bearer-token authentication of client systems on the intake API.

A client system pushes many work orders a second with the same token, so each process keeps
the clients it has recognised for CLIENT_CACHE_SECONDS. Revoking or re-issuing a token in this
process forgets them at once (`forget_api_clients`); another process (the `api-token` command,
a second server) is obeyed within CLIENT_CACHE_SECONDS.
"""

from __future__ import annotations

import threading
from time import monotonic

from django.http import HttpRequest
from ninja.security import HttpBearer

from laborwatch.cases.models import ApiClient
from laborwatch.core.crypto import digest

CLIENT_CACHE_SECONDS = 30.0
_lock = threading.Lock()
# Token digest → (client, when it was read); only active clients are kept.
_clients: dict[str, tuple[ApiClient, float]] = {}
# Bumped by every forget, so a read that began before a revocation is not kept after it.
_generation = 0


def forget_api_clients() -> None:
    global _generation
    with _lock:
        _clients.clear()
        _generation += 1


def api_client_for_token(token: str) -> ApiClient | None:
    """The active client holding this token; the clear token is never sent to the database."""
    token = token.strip()
    if not token:
        return None
    token_digest = digest(token)
    now = monotonic()
    with _lock:
        known = _clients.get(token_digest)
        generation = _generation
    if known is not None and now - known[1] < CLIENT_CACHE_SECONDS:
        return known[0]
    client = ApiClient.objects.filter(token_digest=token_digest, is_active=True).first()
    with _lock:
        if client is None:
            _clients.pop(token_digest, None)
        elif generation == _generation:
            _clients[token_digest] = (client, now)
    return client


class ApiClientToken(HttpBearer):
    """`Authorization: Bearer <token>`; the client becomes `request.auth`."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiClient | None:
        return api_client_for_token(token)
