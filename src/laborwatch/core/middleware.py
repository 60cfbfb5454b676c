"""The interface language: zh-hans unless the user chose another with the language switch."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


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
