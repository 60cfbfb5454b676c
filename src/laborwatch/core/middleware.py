"""Request-wide rules: the interface language (zh-hans unless the user chose another with the
language switch), no caching of what the app answers, sessions that end when left idle."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers


class ChosenLanguageMiddleware:
    """Activate the language the switch stored in its cookie, else LANGUAGE_CODE.

    Django's LocaleMiddleware would also follow the browser's Accept-Language, so a browser
    set to English opened the app in English; the users are Chinese staff on whatever
    machine the office has, so only an explicit choice changes the language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def chosen_language(request: HttpRequest) -> str:
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if not chosen:
        return settings.LANGUAGE_CODE
    try:
        return translation.get_supported_language_variant(chosen)
    except LookupError:  # a stale or forged cookie: not a language this app offers
        return settings.LANGUAGE_CODE


class NoStoreMiddleware:
    """Nothing the app itself answers is kept by a browser or a proxy.

    Pages, exports and reveals show personal data to whoever is signed in; a shared office
    computer's cache or back button must not show them to the next person. Static files are
    served before this middleware (WhiteNoise) and stay cacheable; a response that chose its own
    Cache-Control (the API docs' assets) keeps it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


class SessionKeptAliveMiddleware:
    """The session ends after SESSION_COOKIE_AGE without a request, not after as long since
    sign-in: a session in use is saved again (which renews its expiry and cookie) at most once a
    minute, instead of on every request as SESSION_SAVE_EVERY_REQUEST would."""

    RENEW_AFTER_SECONDS = 60
    KEY = "_renewed_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.session_key is not None:
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= self.RENEW_AFTER_SECONDS:
                session[self.KEY] = now
        return self.get_response(request)
