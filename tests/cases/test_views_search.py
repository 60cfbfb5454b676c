"""Finding a work order from the list and the ledger: by part of its number, and by the
worker's phone or ID number without the clear value staying in the URL."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from laborwatch.cases.models import Case
from tests.cases.views_support import make_case

pytestmark = pytest.mark.django_db


def found(page) -> list:
    """The work orders a list or ledger page shows."""
    if "rows" in page.context:  # the ledger: its rows, the work-order number last
        return [Case.objects.get(number=row[14]) for row in page.context["rows"]]
    return list(page.context["page"])


@pytest.fixture
def two_cases(registry):
    first = make_case(registry.shinan_enterprise, caller_phone="13912340001", caller_name="甲")
    second = make_case(registry.shinan_enterprise, caller_phone="13912340002", caller_name="乙")
    return first, second


@pytest.mark.parametrize("url", ["/cases/", "/cases/ledger/"])
def test_a_phone_is_searched_by_its_digest(two_cases, centre_staff, client_for, url):
    _first, second = two_cases
    client = client_for(centre_staff)
    typed = client.get(url, {"q": "139 1234 0002", "district": "shinan"})
    assert typed.status_code == 302
    target = urlparse(typed["Location"])
    params = parse_qs(target.query)
    assert "13912340002" not in typed["Location"] and "q" not in params
    assert params["district"] == ["shinan"] and len(params["key"][0]) == 64
    page = client.get(f"{target.path}?{target.query}")
    assert found(page) == [second]
    assert "以下为按电话或身份证号查到的职工的工单" in page.content.decode()


def test_part_of_a_number_finds_the_work_order(two_cases, centre_staff, client_for):
    _first, second = two_cases
    page = client_for(centre_staff).get("/cases/", {"q": second.number[-6:]})
    assert found(page) == [second]
    assert found(client_for(centre_staff).get("/cases/", {"q": "GD"})) == []


def test_a_digest_outside_the_scope_finds_nothing(two_cases, outsider, client_for):
    client = client_for(outsider)
    target = client.get("/cases/", {"q": "13912340002"})["Location"]
    assert found(client.get(target)) == []


def test_the_employer_is_found_by_any_of_its_names_and_the_caller_by_name(
    registry, centre_staff, client_for
):
    by_short_name = make_case(registry.shinan_enterprise, caller_name="甲")
    told = make_case(
        None, employer_name="崂山某某建材厂", caller_name="乙", caller_phone="13912340002"
    )
    client = client_for(centre_staff)
    assert found(client.get("/cases/", {"q": "海岸电子"})) == [by_short_name]  # its short name
    assert found(client.get("/cases/", {"q": "海岸"})) == [by_short_name]
    assert found(client.get("/cases/", {"q": "某某建材"})) == [told]  # the employer as told
    assert found(client.get("/cases/", {"q": "乙"})) == [told]  # the caller
    assert found(client.get("/cases/", {"q": "造船"})) == []  # an employer with no case
