"""Request type for views behind login_required, so type checkers know `request.user`."""

from __future__ import annotations

from django.http import HttpRequest

from laborwatch.core.models import User


class AuthenticatedRequest(HttpRequest):
    user: User
