"""Bearer-token authentication of client systems on the intake API."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from laborwatch.cases.models import ApiClient
from laborwatch.core.crypto import digest


def api_client_for_token(token: str) -> ApiClient | None:
    """The active client holding this token; the clear token is never sent to the database."""
    token = token.strip()
    if not token:
        return None
    return ApiClient.objects.filter(token_digest=digest(token), is_active=True).first()


class ApiClientToken(HttpBearer):
    """`Authorization: Bearer <token>`; the client becomes `request.auth`."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiClient | None:
        return api_client_for_token(token)
