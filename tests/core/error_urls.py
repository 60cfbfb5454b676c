"""The app's URLs plus one view that fails, to see the 500 page (tests only)."""

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.urls import path

from laborwatch.config import urls


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a failure the 500 page must cover")


def broken_frame(request: HttpRequest) -> dict:
    """A context processor failing as the frame does when the database is down."""
    raise DatabaseError("the database is down")


urlpatterns = [*urls.urlpatterns, path("fail/", fail)]
handler403 = urls.handler403
handler404 = urls.handler404
handler500 = urls.handler500
