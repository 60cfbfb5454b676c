"""The list filters the loops' selectors share, on literal values."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from laborwatch.lib.filters import lookups, status_q, within_q
from laborwatch.lib.transitions import setting


@dataclass
class Filters:
    grade: str = ""
    district_code: str = ""


def test_only_the_filters_given_become_lookups() -> None:
    given = Filters(grade="red")
    assert lookups(given, grade="grade", district_code="district__code") == {"grade": "red"}
    assert lookups(Filters(), grade="grade") == {}


def test_open_is_any_open_status() -> None:
    assert status_q("open", ["received", "accepted"]) == Q(status__in=["received", "accepted"])
    assert status_q("closed", ["received"]) == Q(status="closed")
    assert status_q("", ["received"]) == Q()


def test_a_category_takes_its_subcategories() -> None:
    assert within_q("WAGE") == Q(category="WAGE") | Q(category__startswith="WAGE.")
    assert within_q("") == Q()


def test_setting_sets_the_fields_and_gives_the_details() -> None:
    @dataclass
    class Row:
        closed_at: str = ""
        note: str = ""

    row = Row()
    details = setting({"shown": 1}, closed_at="now", note="n")(row)
    assert (row.closed_at, row.note, details) == ("now", "n", {"shown": 1})
    assert setting(note="x")(Row()) == {}
