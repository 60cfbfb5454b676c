"""The command dashboard: every figure exact for the city and for a district, equal to the list
behind it, the previous period beside it, the charts' data linked to their lists, and each
persona's scope."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine

from tests.cases.views_support import local
from tests.dashboard.city import NOW
from tests.personas import ALL_PERSONAS

CITY_WIDE = ["centre_staff", "leader", "auditor", "admin_user"]


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def tiles_of(response) -> dict:
    assert response.status_code == 200
    return {tile.key: tile for tile in response.context["dashboard"].tiles}


def values(tiles: dict) -> dict[str, str]:
    return {key: tile.value for key, tile in tiles.items()}


def list_count(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200
    return response.context["page"].paginator.count


def number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


@pytest.mark.parametrize("persona", CITY_WIDE)
def test_city_figures_are_exact(request, city, client_for, at_now, persona) -> None:
    tiles = tiles_of(client_for(request.getfixturevalue(persona)).get("/"))
    assert values(tiles) == {
        "received": "4",
        "mediation_rate": "66.7%",
        "feedback_rate": "50.0%",
        "on_time_rate": "66.7%",
        "wages_recovered": "2.80 万元",
        "warnings_issued": "3",
        "major_defused": "1",
        "supervised": "0",
        "opinion_events": "3",
        "enterprises": "4",
        "workers": "215",
    }
    assert tiles["received"].change == "较上期 +100.0%（上期 2）"
    assert tiles["on_time_rate"].change == "较上期 -33.3 个百分点（上期 100.0%）"
    assert tiles["feedback_rate"].change == "较上期 +0.0 个百分点（上期 50.0%）"
    assert [part.text for part in tiles["wages_recovered"].parts] == ["7 人"]
    assert [part.text for part in tiles["warnings_issued"].parts] == [
        "红色 0", "橙色 1", "黄色 1", "蓝色 1",
    ]  # fmt: skip
    assert [part.text for part in tiles["major_defused"].parts] == ["涉及劳动者 120 人"]
    assert tiles["enterprises"].change == ""
    assert tiles["opinion_events"].change == "较上期 +200.0%（上期 1）"
    assert [part.text for part in tiles["opinion_events"].parts] == ["重大 1", "较大 1"]


def test_district_staff_see_their_own_district(city, client_for, owner, at_now) -> None:
    client = client_for(owner)
    response = client.get("/")
    assert response.context["dashboard"].scope.district == city.shinan
    assert values(tiles_of(response)) == {
        "received": "3",
        "mediation_rate": "50.0%",
        "feedback_rate": "33.3%",
        "on_time_rate": "50.0%",
        "wages_recovered": "8,000.00 元",
        "warnings_issued": "2",
        "major_defused": "1",
        "supervised": "0",
        "opinion_events": "2",
        "enterprises": "3",
        "workers": "185",
    }
    # No district choice, and no chart comparing districts.
    assert "district" not in response.context["form"].fields
    assert set(response.context["dashboard"].charts) == {"trend", "funnel", "categories"}
    # Asking for another district changes nothing.
    other = client.get("/?district=huangdao")
    assert values(tiles_of(other))["received"] == "3"


@pytest.mark.parametrize("persona", ["centre_staff", "leader"])
def test_every_figure_equals_its_list(request, city, client_for, at_now, persona) -> None:
    for query in ("", "?district=shinan", "?period=year&year=2025"):
        client = client_for(request.getfixturevalue(persona))
        tiles = tiles_of(client.get("/" + query))
        for key in ("received", "warnings_issued", "major_defused", "opinion_events"):
            assert list_count(client, tiles[key].url) == number(tiles[key].value), (query, key)
        for key in ("mediation_rate", "feedback_rate", "on_time_rate"):
            top, _slash, bottom = tiles[key].parts
            counts = (list_count(client, top.url), list_count(client, bottom.url))
            assert counts == (number(top.text), number(bottom.text)), (query, key)
        for part in [*tiles["warnings_issued"].parts, *tiles["opinion_events"].parts]:
            assert list_count(client, part.url) == number(part.text), (query, part.url)
        assert list_count(client, tiles["enterprises"].url) == number(tiles["enterprises"].value)


def test_wages_list_adds_up_to_the_figure(city, client_for, leader, at_now) -> None:
    client = client_for(leader)
    tile = tiles_of(client.get("/"))["wages_recovered"]
    page = client.get(tile.url).context["page"]
    assert sum(case.wages_recovered for case in page.object_list) == Decimal("28000")
    assert sum(case.workers_covered for case in page.object_list) == 7


def test_previous_year_and_custom_range(city, client_for, leader, at_now) -> None:
    client = client_for(leader)
    year = client.get("/?period=year&year=2025")
    dashboard = year.context["dashboard"]
    assert (str(dashboard.period), str(dashboard.previous)) == (
        "2025-01-01 至 2025-03-20",
        "2024-01-01 至 2024-03-20",
    )
    assert values(tiles_of(year))["received"] == "6"
    feb = client.get("/?period=range&start=2025-02-01&end=2025-02-28")
    assert str(feb.context["dashboard"].previous) == "2025-01-04 至 2025-01-31"
    assert values(tiles_of(feb))["received"] == "2"
    assert values(tiles_of(feb))["warnings_issued"] == "1"


def test_a_wrong_range_says_why(city, client_for, leader, at_now) -> None:
    response = client_for(leader).get("/?period=range&start=2025-03-10&end=2025-03-01")
    assert response.status_code == 200
    assert "结束日期早于开始日期" in response.content.decode()
    # The figures fall back to this month.
    assert str(response.context["dashboard"].period) == "2025-03-01 至 2025-03-20"


def test_charts_count_what_their_links_list(city, client_for, leader, at_now) -> None:
    client = client_for(leader)
    charts = client.get("/").context["dashboard"].charts
    assert set(charts) == {"trend", "funnel", "categories", "districts", "risk"}
    funnel = charts["funnel"]["series"][0]["data"]
    assert [(stage["name"], stage["value"]) for stage in funnel] == [
        ("发布", 3), ("签收", 3), ("核实", 2), ("处置", 1), ("办结", 1),
    ]  # fmt: skip
    trend = charts["trend"]
    assert trend["xAxis"]["data"][-2:] == ["2025-02", "2025-03"]
    received, resolved, issued = (series["data"] for series in trend["series"])
    assert [point["value"] for point in received[-2:]] == [2, 4]
    assert [point["value"] for point in resolved[-2:]] == [1, 3]
    assert [point["value"] for point in issued[-2:]] == [1, 3]
    categories = charts["categories"]
    assert categories["yAxis"]["data"] == ["职工养老保险", "拖欠工资"]
    assert [point["value"] for point in categories["series"][0]["data"]] == [1, 3]
    districts = charts["districts"]
    by_district = dict(zip(districts["xAxis"]["data"], districts["series"][0]["data"], strict=True))
    assert (by_district["市南区"]["value"], by_district["黄岛区"]["value"]) == (3, 1)
    risk = charts["risk"]
    assert risk["yAxis"]["data"][-2:] == ["黄岛区", "市南区"]  # most at risk on top
    points = [
        *(stage for stage in funnel),
        *received,
        *issued,
        *categories["series"][0]["data"],
        *districts["series"][0]["data"],
        *(point for series in risk["series"] for point in series["data"]),
    ]
    for point in points:
        assert list_count(client, point["url"]) == point["value"], point["url"]


def test_each_figure_has_its_definition(city, client_for, leader, at_now) -> None:
    page = client_for(leader).get("/").content.decode()
    for definition in (
        "统计期内受理的工单",
        "工会牵头或参与调处",
        "受理后 24 小时内",
        "按办结时限办结",
        "预警最高达到的等级",
        "联动处置",
        "企业库中的全部企业",
    ):
        assert definition in page, definition
    # The vendored chart library, never a CDN.
    assert "/static/vendor/echarts/echarts.min.js" in page
    assert "http" not in re.sub(r'href="[^"]*"', "", page.split("<main>")[1]).split("<script")[0]


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_every_persona_gets_a_dashboard_of_its_scope(request, city, client_for, at_now, persona):
    user = request.getfixturevalue(persona)
    tiles = tiles_of(client_for(user).get("/"))
    expected = {
        "owner": ("3", "3", "185"),
        "colleague": ("3", "3", "185"),
        "outsider": ("1", "1", "30"),
        "liaison": ("0", "0", "0"),
    }.get(persona, ("4", "4", "215"))
    assert (tiles["received"].value, tiles["enterprises"].value, tiles["workers"].value) == expected


def test_a_district_link_filters_by_the_same_district(city, client_for, leader, at_now) -> None:
    tiles = tiles_of(client_for(leader).get("/?district=huangdao"))
    query = parse_qs(urlsplit(tiles["received"].url).query)
    assert query == {
        "figure": ["received"],
        "period_from": ["2025-03-01"],
        "period_to": ["2025-03-20"],
        "district": ["huangdao"],
    }
    assert values(tiles)["received"] == "1"


def test_supervised_work_orders_equal_their_lists(
    city, client_for, leader, owner, outsider
) -> None:
    """督办: the work orders under a leader's open instruction, in the viewer's scope, and
    those not reported on by the leader's deadline."""
    from laborwatch.cases.models import Case
    from laborwatch.cases.services import case_instruct
    from laborwatch.lib.process_cache import forget_all

    case = Case.objects.filter(district=city.shinan, status="received").first()
    deadline = local(2025, 3, 21, 23, 59, 59)
    case_instruct(case=case, actor=leader, text="请约谈企业并汇报", deadline=deadline, now=NOW)
    for user, seen in ((leader, 1), (owner, 1), (outsider, 0)):
        with time_machine.travel(NOW, tick=False):
            tile = tiles_of(client_for(user).get("/"))["supervised"]
            assert (tile.value, tile.parts[0].text) == (str(seen), "超期 0 件")
            assert list_count(client_for(user), tile.url) == seen
    forget_all()  # the dashboard kept for a minute (dashboard.selectors)
    with time_machine.travel(deadline + dt.timedelta(hours=1), tick=False):
        client = client_for(leader)
        tile = tiles_of(client.get("/"))["supervised"]
        assert tile.parts[0].text == "超期 1 件"
        assert list_count(client, tile.parts[0].url) == 1


def test_signed_out_visitors_go_to_the_login(client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
