"""Bearer-token authentication of client systems on the intake API.

A client system pushes many work orders a second with the same token, so each process keeps
the clients it has recognised for CLIENT_CACHE_SECONDS. Revoking or re-issuing a token in this
process forgets them at once (`forget_api_clients`); another process (the `api-token` command,
a second server) is obeyed within CLIENT_CACHE_SECONDS.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from laborwatch.cases.models import ApiClient
from laborwatch.core.crypto import digest
from laborwatch.lib.ttl import TtlCache

CLIENT_CACHE_SECONDS = 30.0
# Token digest → the active client holding it.
_clients: TtlCache[str, ApiClient] = TtlCache(CLIENT_CACHE_SECONDS)


def forget_api_clients() -> None:
    _clients.forget()


def forget_api_clients_now_and_on_commit() -> None:
    """After a revocation or re-issue: see TtlCache.forget_now_and_on_commit."""
    _clients.forget_now_and_on_commit()


def api_client_for_token(token: str) -> ApiClient | None:
    """The active client holding this token; the clear token is never sent to the database."""
    token = token.strip()
    if not token:
        return None
    token_digest = digest(token)
    return _clients.get(
        token_digest,
        lambda: ApiClient.objects.filter(token_digest=token_digest, is_active=True).first(),
    )


class ApiClientToken(HttpBearer):
    """`Authorization: Bearer <token>`; the client becomes `request.auth`."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiClient | None:
        return api_client_for_token(token)
