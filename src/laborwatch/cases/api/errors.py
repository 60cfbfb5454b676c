"""Every error of the intake API in one shape: {"detail": [{"field", "code", "message"}]}.

`field` is the path in the request body (caller.phone, employer.credit_code, …), empty for the
request as a whole; `message` is in the request's language (Chinese unless the client asks
otherwise with Accept-Language).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.parser import Parser

from laborwatch.cases.api.schemas import EARLIEST_DAY, LATEST_DAY

# case_intake's error keys → the API's field paths.
SERVICE_FIELD_PATHS = {
    "caller_name": "caller.name",
    "caller_phone": "caller.phone",
    "caller_id_number": "caller.id_number",
    # The worker service's keys (worker_for_caller), should its checks fire before intake's own.
    "name": "caller.name",
    "phone": "caller.phone",
    "id_number": "caller.id_number",
    "employer_credit_code": "employer.credit_code",
    # intake says "employer_name" when neither the code nor the name was given.
    "employer_name": "employer",
    NON_FIELD_ERRORS: "",
}


class NotJsonBody(Exception):
    """The body was sent with a content type other than JSON (text/plain, a form, none)."""


class JsonOnlyParser(Parser):
    """Reads a request body only when it is declared as JSON: a text/plain or form body that
    happens to parse as JSON is still not what the client meant to send."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        if request.content_type != "application/json":
            raise NotJsonBody(request.content_type)
        return super().parse_body(request)


def error_item(field: str, code: str, message: str) -> dict[str, str]:
    return {"field": field, "code": code, "message": message}


def error_response(
    api: NinjaAPI, request: HttpRequest, items: list[dict[str, str]], status: int
) -> HttpResponse:
    return api.create_response(request, {"detail": items}, status=status)


def service_errors(error: ValidationError) -> list[dict[str, str]]:
    """A ValidationError from case_intake as field-level items."""
    if not hasattr(error, "error_dict"):
        return [error_item("", item.code or "invalid", _message(item)) for item in error.error_list]
    items: list[dict[str, str]] = []
    for key, errors in error.error_dict.items():
        path = SERVICE_FIELD_PATHS.get(key, key)
        items.extend(error_item(path, item.code or "invalid", _message(item)) for item in errors)
    return items


def _message(item: ValidationError) -> str:
    message = str(item.message)
    return message % item.params if item.params else message


def schema_errors(errors: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    """Pydantic's errors on the request body as field-level items with translated messages."""
    items = []
    for error in errors:
        # loc is ("body", <parameter name>, *path inside the body).
        path = ".".join(str(part) for part in error["loc"][2:])
        items.append(error_item(path, error["type"], _schema_message(error, path)))
    return items


def _schema_message(error: dict[str, Any], path: str) -> str:
    kind, context = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.") if path else _("The request body is empty.")
    if kind in ("string_type", "string_unicode"):
        return _("Must be text.")
    if kind in ("string_too_short", "blank"):
        return _("Must not be empty.")
    if kind == "control_character":
        return _(
            "Contains a control character (%(code)s at character %(position)d); remove it and "
            "try again."
        ) % {"code": context.get("code", ""), "position": context.get("position", 0)}
    if kind == "string_too_long":
        return _("At most %(n)d characters.") % {"n": context.get("max_length", 0)}
    if kind in ("int_type", "int_parsing", "int_from_float", "int_parsing_size"):
        return _("Must be a whole number.")
    if kind in ("decimal_type", "decimal_parsing", "finite_number", "float_parsing"):
        return _("Must be a number.")
    if kind in ("decimal_max_digits", "decimal_whole_digits"):
        return _("The number is too large.")
    if kind == "decimal_max_places":
        return _("At most %(n)d decimal places.") % {"n": context.get("decimal_places", 0)}
    if kind in ("greater_than_equal", "greater_than"):
        limit = context.get("ge", context.get("gt"))
        return _("Must be at least %(limit)s.") % {"limit": limit}
    if kind in ("less_than_equal", "less_than"):
        limit = context.get("le", context.get("lt"))
        return _("Must be at most %(limit)s.") % {"limit": limit}
    if kind == "date_out_of_range":
        return _("Must be between %(earliest)s and %(latest)s.") % context
    if kind.startswith("date_from_datetime") or kind in ("date_type", "date_parsing"):
        return _("Must be a date such as 2026-01-31.")
    if kind.startswith("datetime") or kind.startswith("timezone"):
        return _("Must be a date and time such as 2026-01-31T09:30:00+08:00.")
    if kind in ("enum", "literal_error"):
        return _("Must be one of: %(choices)s.") % {"choices": context.get("expected", "")}
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _("Must be a JSON object.")
    if kind == "string_pattern_mismatch":
        return _pattern_message(path)
    if kind == "employer_unnamed":
        return _("Give the employer's credit code or name.")
    if kind == "unknown_category":
        return _("Unknown demand category %(code)s.") % {"code": context.get("code", "")}
    if kind == "amount_format":
        return _("Must be an amount in yuan with at most two decimals, such as 1234.50.")
    if kind == "date_text":
        return _("Must be a date such as 2026-01-31.")
    return _("Invalid value.")


def _pattern_message(path: str) -> str:
    """What the field's pattern in the OpenAPI document asks for, in words."""
    if path == "caller.phone":
        return _(
            "Phone number must be an 11-digit mobile number starting with 13-19, or a "
            "landline with area code such as 0532-88886666."
        )
    if path == "employer.credit_code":
        return _(
            "Unified social credit code must be 18 digits and capital letters (no I, O, S, V, "
            "Z), starting with a registration authority and a six-digit division code."
        )
    if path == "caller.id_number":
        return _(
            "ID number must be 17 digits and a digit or X, starting with a region code and "
            "the birth date."
        )
    if path.startswith(("arrears_", "received_at", "superior_deadline")):
        return _("Must be between %(earliest)s and %(latest)s.") % {
            "earliest": EARLIEST_DAY.isoformat(),
            "latest": LATEST_DAY.isoformat(),
        }
    return _("Invalid value.")


def install_error_handlers(api: NinjaAPI) -> None:
    """Replace ninja's English one-liners with the API's error shape."""

    @api.exception_handler(SchemaValidationError)
    def on_schema_error(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
        return error_response(api, request, schema_errors(exc.errors), 422)

    @api.exception_handler(AuthenticationError)
    def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = _("Missing, unknown or revoked API token.")
        response = error_response(api, request, [error_item("", "unauthorized", message)], 401)
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, NotJsonBody):
            message = _("The request body must be JSON, sent as Content-Type: application/json.")
            item = error_item("", "unsupported_media_type", message)
            return error_response(api, request, [item], 415)
        if isinstance(exc.__cause__, ValueError):
            # ninja wraps what the JSON parser raised (bad JSON, bad UTF-8: ValueErrors) in a 400.
            item = error_item("", "malformed_json", _("The request body is not valid JSON."))
        else:
            item = error_item("", "http_error", str(exc))
        return error_response(api, request, [item], exc.status_code)

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        item = error_item("", "not_found", _("No such work order."))
        return error_response(api, request, [item], 404)

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        item = error_item("", "too_large", _("The request body is too large."))
        return error_response(api, request, [item], 413)
