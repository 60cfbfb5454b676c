"""Reads of the enterprise registry."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Func, Q, QuerySet, TextField, Value
from django.db.models.functions import Upper

from laborwatch.core.models import User
from laborwatch.enterprises.access import enterprises_visible_to
from laborwatch.enterprises.models import Enterprise
from laborwatch.lib.codes import normalize_code
from laborwatch.lib.filters import lookups


@dataclass(frozen=True)
class EnterpriseFilters:
    query: str = ""
    district_code: str = ""
    industry: str = ""
    size_band: str = ""
    status: str = ""


# The expression of PostgreSQL's trigram index for fragments of two characters (migration
# 0003): every character of the upper-cased names and code doubled, so that they have trigrams.
DOUBLED_SEARCH_TEXT = Func(
    Upper("search_text"),
    Value("(.)"),
    Value(r"\1\1"),
    Value("g"),
    function="regexp_replace",
    output_field=TextField(),
)


def doubled(text: str) -> str:
    return "".join(character * 2 for character in text)


def name_or_code_q(fragment: str) -> Q:
    """Enterprises any of whose names (current, former, short) or whose code holds the
    fragment, whatever the case of its letters. On PostgreSQL, a fragment of three characters
    or more is looked up in the trigram index of UPPER(search_text) (icontains' expression),
    one of two characters in that of the doubled text (use with `with_search_alias`)."""
    if connection.vendor == "postgresql" and len(fragment) == 2:
        return Q(doubled_search_text__contains=doubled(fragment.upper()))
    return Q(search_text__icontains=fragment)


def with_search_alias(rows: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
    return rows.alias(doubled_search_text=DOUBLED_SEARCH_TEXT)


def enterprises_matching(fragment: str) -> QuerySet[Enterprise]:
    """Every enterprise of the registry that `name_or_code_q` finds (as a subquery for the
    work-order and warning lists, which are scoped by their own rules)."""
    return with_search_alias(Enterprise.objects.all()).filter(name_or_code_q(fragment))


def enterprise_search(*, user: User, filters: EnterpriseFilters) -> QuerySet[Enterprise]:
    """Enterprises in the user's scope matching any name (current, former, short) or the code."""
    rows = enterprises_visible_to(user).select_related("district")
    query = filters.query.strip()
    if query:
        code = normalize_code(query)
        if len(code) == 18 and code.isascii() and code.isalnum():
            rows = rows.filter(credit_code=code)
        else:
            rows = with_search_alias(rows).filter(name_or_code_q(query))
    rows = rows.filter(
        **lookups(
            filters,
            district_code="district__code",
            industry="industry",
            size_band="size_band",
            status="status",
        )
    )
    return rows.order_by("name", "pk")
