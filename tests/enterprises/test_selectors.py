"""enterprise_search: any name (current, former, short) or the exact code, within scope."""

from __future__ import annotations

import pytest

from laborwatch.enterprises.selectors import EnterpriseFilters, enterprise_search
from laborwatch.enterprises.services import enterprise_update
from tests.factories import make_enterprise, valid_credit_code


@pytest.fixture
def city(org_units, centre_staff):
    haier = make_enterprise(
        org_units["laoshan"],
        credit_code="91370200163562681G",
        name="海尔集团公司",
        short_names=["海尔"],
        industry="C",
        size_band="large",
    )
    enterprise_update(actor=None, enterprise=haier, name="海尔智家股份有限公司")
    make_enterprise(
        org_units["shinan"],
        credit_code=valid_credit_code(7001, division="370202"),
        name="青岛啤酒股份有限公司",
        short_names=["青啤"],
        industry="C",
        size_band="large",
        status="在业",
    )
    make_enterprise(
        org_units["shinan"],
        credit_code=valid_credit_code(7002, division="370202"),
        name="青岛市南海鲜餐饮有限公司",
        industry="H",
        size_band="micro",
    )
    return centre_staff


def _search(user, **filters) -> list[str]:
    return [e.name for e in enterprise_search(user=user, filters=EnterpriseFilters(**filters))]


def test_no_query_lists_everything_by_name(city) -> None:
    assert _search(city) == [
        "海尔智家股份有限公司",
        "青岛啤酒股份有限公司",
        "青岛市南海鲜餐饮有限公司",
    ]


def test_current_name_fragment(city) -> None:
    assert _search(city, query="啤酒") == ["青岛啤酒股份有限公司"]
    assert _search(city, query="股份有限") == ["海尔智家股份有限公司", "青岛啤酒股份有限公司"]


def test_former_name(city) -> None:
    assert _search(city, query="海尔集团") == ["海尔智家股份有限公司"]


def test_short_name(city) -> None:
    assert _search(city, query="青啤") == ["青岛啤酒股份有限公司"]


def test_exact_credit_code(city) -> None:
    assert _search(city, query="91370200163562681G") == ["海尔智家股份有限公司"]


def test_credit_code_in_lower_case_and_with_spaces(city) -> None:
    assert _search(city, query="91370200163562681g") == ["海尔智家股份有限公司"]
    assert _search(city, query=" 9137 0200 1635 6268 1g ") == ["海尔智家股份有限公司"]


def test_wrong_credit_code_finds_nothing(city) -> None:
    assert _search(city, query="91370200163562681H") == []


def test_unknown_name_finds_nothing(city) -> None:
    assert _search(city, query="不存在的公司") == []


def test_filters(city) -> None:
    assert _search(city, district_code="laoshan") == ["海尔智家股份有限公司"]
    assert _search(city, industry="H") == ["青岛市南海鲜餐饮有限公司"]
    assert _search(city, size_band="large", district_code="shinan") == ["青岛啤酒股份有限公司"]
    assert _search(city, status="在业") == ["青岛啤酒股份有限公司"]
    assert _search(city, query="青岛", industry="C") == ["青岛啤酒股份有限公司"]


def test_search_is_scoped(city, owner, outsider, liaison) -> None:
    assert _search(owner) == ["青岛啤酒股份有限公司", "青岛市南海鲜餐饮有限公司"]
    assert _search(owner, query="91370200163562681G") == []
    assert _search(owner, query="海尔") == []
    assert _search(owner, district_code="laoshan") == []
    assert _search(outsider) == []
    assert _search(liaison, query="青岛") == []
