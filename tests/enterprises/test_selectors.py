"""enterprise_search: any name (current, former, short) or the exact code, within scope."""

from __future__ import annotations

import pytest
from django.db import connection

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


def test_two_characters_of_any_name(city) -> None:
    # Two characters have no trigram of their own: on PostgreSQL the index holds the names
    # with every character doubled (migration 0003), and so does the fragment.
    assert _search(city, query="智家") == ["海尔智家股份有限公司"]
    assert _search(city, query="集团") == ["海尔智家股份有限公司"]  # its former name
    assert _search(city, query="青啤") == ["青岛啤酒股份有限公司"]  # its short name
    assert _search(city, query="海智") == []  # 海 and 智 both in 海尔智家, not side by side


def test_one_character(city) -> None:
    assert _search(city, query="啤") == ["青岛啤酒股份有限公司"]


def test_part_of_a_credit_code_in_lower_case(city) -> None:
    assert _search(city, query="1g") == ["海尔智家股份有限公司"]
    assert _search(city, query="163562681g") == ["海尔智家股份有限公司"]


def test_a_fragment_of_repeated_characters(org_units, centre_staff) -> None:
    # In the doubled text, 鑫鑫 doubled can be found astride two characters: still a match.
    make_enterprise(
        org_units["shinan"],
        credit_code=valid_credit_code(7003, division="370202"),
        name="青岛鑫鑫鑫商贸有限公司",
    )
    assert _search(centre_staff, query="鑫鑫") == ["青岛鑫鑫鑫商贸有限公司"]
    assert _search(centre_staff, query="鑫鑫鑫") == ["青岛鑫鑫鑫商贸有限公司"]
    assert _search(centre_staff, query="鑫鑫鑫鑫") == []


@pytest.mark.parametrize(
    ("query", "index"),
    [("智家", "enterprise_search_text_doubled_trgm"), ("智家股份", "enterprise_search_text_trgm")],
)
def test_postgresql_searches_through_a_trigram_index(city, query, index) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the trigram indexes are PostgreSQL's")
    rows = enterprise_search(user=city, filters=EnterpriseFilters(query=query))
    with connection.cursor() as cursor:
        # Three rows: reading them all, or all by name, would be cheaper than any index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = rows.explain()
    assert f"Bitmap Index Scan on {index} " in plan
