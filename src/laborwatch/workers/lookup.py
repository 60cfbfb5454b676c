"""Finding a worker by ID number or phone without the clear value leaving the browser's
search box: the keyed digest the database stores beside the ciphertext."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponseRedirect

from laborwatch.core.crypto import digest
from laborwatch.lib.codes import normalize_code, normalize_phone


def lookup_key(query: str) -> str | None:
    """The keyed digest for a query that is an ID number or a phone, else None."""
    code = normalize_code(query)
    if len(code) == 18 and code[:17].isdigit():
        return digest(code)
    phone = normalize_phone(query)
    if phone.isdigit() and len(phone) >= 7:
        return digest(phone)
    return None


def redirect_to_key(request: HttpRequest, field: str = "q") -> HttpResponseRedirect | None:
    """When the search box holds an ID number or a phone, the same page searching by its
    digest (`key`), so a clear value is never kept in URLs, logs and browser history."""
    key = lookup_key(request.GET.get(field, "").strip())
    if key is None:
        return None
    params = {name: value for name, value in request.GET.items() if name not in (field, "page")}
    return HttpResponseRedirect(f"{request.path}?{urlencode({**params, 'key': key})}")
