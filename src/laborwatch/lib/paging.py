"""Pagination of list pages, keeping the filters in the page links."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import cached_property

PAGE_SIZE = 50


class CappedPaginator(Paginator):
    """Counts the rows no further than `limit`: a search that half the registry matches is
    not counted to the end on every page (the pages then end at the limit, and the list says
    "more than")."""

    def __init__(self, object_list: QuerySet, per_page: int, *, limit: int) -> None:
        super().__init__(object_list, per_page)
        self.rows = object_list
        self.limit = limit

    @cached_property
    def counted(self) -> int:
        # Unordered: the order would sort every row found before the limit cuts them.
        return self.rows.order_by()[: self.limit + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.limit)

    @property
    def is_capped(self) -> bool:
        return self.counted > self.limit


def paginate(
    request: HttpRequest,
    rows: QuerySet,
    *,
    per_page: int = PAGE_SIZE,
    count_limit: int = 0,
    param: str = "page",
) -> tuple[Page, str]:
    """The requested page (clamped) and the query string of the other parameters; with a
    `count_limit`, the rows are counted no further than it (CappedPaginator). `param` names
    the page parameter, so that a page of several lists pages each on its own."""
    paginator = (
        CappedPaginator(rows, per_page, limit=count_limit)
        if count_limit
        else Paginator(rows, per_page)
    )
    page = paginator.get_page(request.GET.get(param))
    params = request.GET.copy()
    params.pop(param, None)
    return page, params.urlencode()


def render_list_page(
    request: HttpRequest,
    template: str,
    rows: QuerySet,
    context: dict[str, Any],
    *,
    count_limit: int = 0,
) -> HttpResponse:
    """A list page: the requested page of `rows` as `page`, the filters its links keep as
    `query_string`, and the page's own `context`."""
    page, query_string = paginate(request, rows, count_limit=count_limit)
    return render(request, template, {"page": page, "query_string": query_string, **context})
