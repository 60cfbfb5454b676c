"""Error pages (403, 404, 500 and a refused CSRF check): Chinese, inside the site frame, and
each saying what the reader can do next. Wired in config/urls.py and settings."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

TEMPLATE = "core/error.html"


def _error_page(
    request: HttpRequest,
    *,
    status: int,
    heading: Promise,
    explanation: Promise,
    advice: Promise,
) -> HttpResponse:
    context = {"heading": heading, "explanation": explanation, "advice": advice}
    return HttpResponse(loader.render_to_string(TEMPLATE, context, request), status=status)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(
        request,
        status=403,
        heading=_("Not allowed"),
        explanation=_("Your role may not do this here. Nothing was changed."),
        advice=_(
            "If your work needs it, ask the system administrator to change your role or unit."
        ),
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error_page(
        request,
        status=404,
        heading=_("Page not found"),
        explanation=_(
            "The page does not exist, or what it shows is outside your district or department."
        ),
        advice=_(
            "If you followed a link inside LaborWatch, tell the system administrator "
            "which page it was on."
        ),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """The frame needs the signed-in user (a database read); when the failure is the database
    itself, the page is rendered without the user rather than not at all."""
    context = {
        "heading": _("Something went wrong"),
        "explanation": _(
            "The server could not finish this request; the error has been recorded. "
            "What you entered may not have been saved."
        ),
        "advice": _(
            "Try again in a moment. If it happens again, tell the system administrator "
            "the time and what you were doing."
        ),
    }
    try:
        body = loader.render_to_string(TEMPLATE, context, request)
    except Exception:
        logger.exception("the error page could not be rendered with the request; without it")
        body = loader.render_to_string(TEMPLATE, context)
    return HttpResponse(body, status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid CSRF token: most often a page left open past a sign-out."""
    return _error_page(
        request,
        status=403,
        heading=_("The form has expired"),
        explanation=_(
            "This form was opened before you last signed in or out, so it was not accepted. "
            "Nothing was changed."
        ),
        advice=_("Reload the page and send the form again."),
    )
