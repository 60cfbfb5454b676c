"""Bearer-token authentication of client systems on the intake API.

A client system pushes many work orders a second with the same token, so each process keeps
the clients it has recognised for CLIENT_CACHE_SECONDS (lib.process_cache). Revoking or
re-issuing a token forgets them at once in the process that does it (`forget_api_clients`);
every other process (the servers, when the `api-token` command revokes) refuses the token
within CLIENT_CACHE_SECONDS.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from laborwatch.cases.models import ApiClient
from laborwatch.core.crypto import digest
from laborwatch.lib.process_cache import ProcessCache

CLIENT_CACHE_SECONDS = 30.0
# Token digest → the active client holding it.
_clients: ProcessCache[str, ApiClient | None] = ProcessCache(
    "API clients", seconds=CLIENT_CACHE_SECONDS
)


def forget_api_clients() -> None:
    """After a revocation or re-issue (see ProcessCache.forget)."""
    _clients.forget()


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
