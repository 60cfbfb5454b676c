"""Pagination of list pages, keeping the filters in the page links."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 50


def paginate(
    request: HttpRequest, rows: QuerySet, *, per_page: int = PAGE_SIZE
) -> tuple[Page, str]:
    """The requested page (clamped) and the query string of the other parameters."""
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()
