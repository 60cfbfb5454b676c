"""Pagination of list pages, keeping the filters in the page links."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

PAGE_SIZE = 50


def paginate(
    request: HttpRequest, rows: QuerySet, *, per_page: int = PAGE_SIZE
) -> tuple[Page, str]:
    """The requested page (clamped) and the query string of the other parameters."""
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


def render_list_page(
    request: HttpRequest, template: str, rows: QuerySet, context: dict[str, Any]
) -> HttpResponse:
    """A list page: the requested page of `rows` as `page`, the filters its links keep as
    `query_string`, and the page's own `context`."""
    page, query_string = paginate(request, rows)
    return render(request, template, {"page": page, "query_string": query_string, **context})
