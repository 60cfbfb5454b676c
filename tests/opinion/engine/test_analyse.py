"""Bulk triage of posts: labour or not, district, workers involved, escalation cues and
organisation mentions, each distinct text analysed once."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

import laborwatch
from laborwatch.opinion.engine.analyse import (
    OrganisationMentions,
    Places,
    analyse_posts,
    chinese_number,
    escalation_cues,
    labour_classifier,
    workers_involved,
)
from laborwatch.opinion.engine.records import PostIn

CITY_FILE = Path(laborwatch.__file__).resolve().parent / "core" / "data" / "qingdao.json"


@pytest.fixture(scope="module")
def places() -> Places:
    return Places.from_city(json.loads(CITY_FILE.read_text(encoding="utf-8")))


def _post(number: int, text: str, title: str = "") -> PostIn:
    return PostIn(
        row=number,
        platform="weibo",
        post_id=str(number),
        url=None,
        author="网友",
        published_at=datetime(2026, 5, 1, tzinfo=UTC),
        title=title,
        text=text,
        reposts=0,
        comments=0,
        likes=0,
        views=0,
        ip_region="",
    )


WAGE_PROTEST = (
    "青岛顺达建筑工程有限公司拖欠200余名农民工工资三个月，工人们在黄岛区长江中路项目部"
    "门口拉横幅讨薪，有人说要跳楼。"
)


def test_a_wage_protest_is_labour_with_its_place_count_cues_and_employer(places: Places) -> None:
    [analysis] = analyse_posts([_post(1, WAGE_PROTEST)], places=places)
    assert analysis.key == "weibo:1"
    assert analysis.labour is True
    assert analysis.category == "WAGE.ARREARS.MIGRANT"
    assert (analysis.district, analysis.workers) == ("huangdao", 200)
    assert (analysis.cues, analysis.escalation) == (("拉横幅", "要跳楼"), 7.0)
    assert analysis.organisations == ("青岛顺达建筑工程有限公司",)
    assert analysis.worth_linking is True


def test_a_day_out_is_not_labour_and_gets_no_count_or_organisations(places: Places) -> None:
    [analysis] = analyse_posts(
        [_post(2, "今天去崂山玩了，风景很好，推荐大家周末去爬山。")], places=places
    )
    assert (analysis.labour, analysis.category) == (False, None)
    assert (analysis.district, analysis.workers, analysis.organisations) == ("laoshan", None, ())
    assert analysis.labour_probability < 0.1
    assert analysis.worth_linking is False


def test_each_distinct_text_is_classified_once(places: Places) -> None:
    class CountingClassifier:
        def __init__(self) -> None:
            self.seen: list[tuple[str, str | None]] = []

        def classify_many(self, items):
            self.seen.extend(items)
            return labour_classifier().classify_many(items)

    counting = CountingClassifier()
    posts = [_post(1, WAGE_PROTEST), _post(2, WAGE_PROTEST), _post(3, WAGE_PROTEST, "转发")]
    analyses = analyse_posts(posts, places=places, classifier=counting)  # type: ignore[arg-type]
    assert counting.seen == [(WAGE_PROTEST, None), (WAGE_PROTEST, "转发")]
    assert [analysis.key for analysis in analyses] == ["weibo:1", "weibo:2", "weibo:3"]
    assert analyses[0] == analyses[1].__class__(**{**_fields(analyses[1]), "key": "weibo:1"})


def _fields(analysis: object) -> dict[str, object]:
    return {name: getattr(analysis, name) for name in analysis.__slots__}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "district"),
    [
        ("黄岛区长江中路", "huangdao"),
        ("西海岸新区某工地", "huangdao"),
        ("李村大集旁边的工厂", "licang"),
        ("八大湖街道一家酒店", "shinan"),
        ("胶州湾隧道堵车", None),  # 胶州 inside 胶州湾 is no mention of 胶州市
        ("胶州路上的商场", None),  # a road of 市北 named after 胶州
        ("城阳区和即墨区", None),  # a tie
        ("城阳区流亭街道的厂子，老板住在即墨", "chengyang"),
        ("大泽山镇", "pingdu"),
        ("没有地名的句子", None),
    ],
)
def test_district_from_the_names_in_the_text(places: Places, text: str, district: str) -> None:
    assert places.district(text) == district


def test_places_name_what_they_found(places: Places) -> None:
    assert places.mentions("胶州湾大桥通往黄岛区") == [("胶州湾大桥", None), ("黄岛区", "huangdao")]


def test_fine_places_are_the_streets_and_roads_named_once_each(places: Places) -> None:
    text = "黄岛区长江中路附近一家工厂欠薪，胶州湾大桥那边也有人说长江中路的工地停工了"
    # Districts and landmarks are too broad to tell two incidents apart: not fine places.
    assert places.fine(text) == ("长江中路",)
    assert places.district_and_fine(text) == ("huangdao", ("长江中路",))
    assert places.fine("今天去崂山玩了") == ()


def test_an_analysis_keeps_the_roads_of_labour_posts_only(places: Places) -> None:
    posts = [
        _post(1, "黄岛区长江中路一家工厂拖欠200余名工人工资三个月，工人拉横幅讨薪"),
        _post(2, "长江中路新开了一家火锅店，周末打八折，欢迎品尝"),
    ]
    labour, noise = analyse_posts(posts, places=places)
    assert labour.labour and labour.places == ("长江中路",)
    assert not noise.labour and not noise.worth_linking and noise.places == ()


@pytest.mark.parametrize(
    ("text", "workers"),
    [
        ("200余名工人", 200),
        ("数十名工人", 20),
        ("上百名员工", 100),
        ("近百人", 90),
        ("近200名骑手", 180),
        ("两百多名员工", 200),
        ("一百二十位职工", 120),
        ("十几个工人", 10),
        ("三个月没发工资", None),
        ("排名第三名", None),
        ("欠款300多万元，涉及45人", 45),
        ("3个人", None),  # 个 counts people only before a word for workers
        ("一名工人受伤，另有5名工友", 5),
    ],
)
def test_workers_involved(text: str, workers: int | None) -> None:
    assert workers_involved(text) == workers


@pytest.mark.parametrize(
    ("words", "number"),
    [("十五", 15), ("一百二十", 120), ("两百", 200), ("三千五百", 3500), ("一万二千", 12000)],
)
def test_chinese_numbers(words: str, number: int) -> None:
    assert chinese_number(words) == number


def test_escalation_cues_count_once_each_and_the_longer_cue_wins() -> None:
    assert escalation_cues("工人堵路口，又堵路口，集体上访，去市政府") == (
        ("堵路口", "集体上访", "去市政府"),
        9.0,
    )
    assert escalation_cues("天气不错") == ((), 0.0)


def test_organisation_pieces_are_tagged_once_and_only_with_an_organisation_word() -> None:
    mentions = OrganisationMentions()
    first = mentions("青岛顺达建筑工程有限公司拖欠工资。工人很着急。")
    second = mentions("工人很着急。青岛顺达建筑工程有限公司拖欠工资。")
    assert first == second == ("青岛顺达建筑工程有限公司",)
    assert list(mentions._pieces) == ["青岛顺达建筑工程有限公司拖欠工资。"]


def test_forked_workers_give_the_same_analyses(places: Places, monkeypatch) -> None:
    import laborwatch.opinion.engine.analyse as analyse

    monkeypatch.setattr(analyse, "PARALLEL_MIN_TEXTS", 2)
    posts = [
        _post(1, WAGE_PROTEST),
        _post(2, "今天去崂山玩了，风景很好，推荐大家周末去爬山。"),
        _post(3, "城阳区一家电子厂突然裁员，近百名员工被辞退，没有任何补偿，求转发！"),
        _post(4, WAGE_PROTEST),
        _post(5, "胶州湾隧道今天堵车严重，大家绕行。"),
    ]
    alone = analyse_posts(posts, places=places)
    assert analyse_posts(posts, places=places, workers=2) == alone
    assert [analysis.workers for analysis in alone] == [200, None, 90, 200, None]
