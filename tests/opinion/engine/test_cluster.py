"""Events from posts: near-duplicates by MinHash-LSH (datasketch's scheme), retellings by
enterprise, place and time; the index of stored posts; the most central post."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
from datasketch import MinHash, MinHashLSH

from laborwatch.opinion.engine.cluster import (
    Assignment,
    ClusterPost,
    EventIndex,
    central_key,
    cluster_posts,
)
from laborwatch.opinion.engine.minhash import (
    BANDS,
    NUM_PERM,
    ROWS,
    SEED,
    band_keys,
    shingle_hashes,
    shingle_text,
    signatures,
)

T = datetime(2026, 5, 1, 9, tzinfo=UTC)
PROTEST = (
    "青岛顺达建筑工程有限公司拖欠200余名农民工工资三个月，工人们在黄岛区长江中路项目部"
    "门口拉横幅讨薪。"
)
OUTING = "今天去崂山玩了，风景很好，推荐大家周末去爬山，顺便吃海鲜。"


def _post(
    key: str,
    text: str,
    hours: float = 0,
    enterprise: int | None = None,
    district: str | None = None,
    category: str | None = None,
) -> ClusterPost:
    return ClusterPost(key, text, T + timedelta(hours=hours), enterprise, district, category)


def test_signatures_are_datasketchs_minhash() -> None:
    texts = [shingle_text(PROTEST), shingle_text(OUTING), shingle_text("短")]
    rows, signed = signatures(texts)
    assert signed.tolist() == [True, True, False]
    for text, row in zip(texts[:2], rows[:2], strict=True):
        reference = MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32", hashfunc=int)
        reference.update_batch(shingle_hashes(text).tolist())
        assert np.array_equal(reference.hashvalues, row)


def test_band_keys_find_the_pairs_datasketchs_lsh_finds() -> None:
    variants = [
        PROTEST,
        "转发：" + PROTEST,
        PROTEST.replace("三个月", "半年"),
        PROTEST[:30] + "，大家帮忙转发",
        OUTING,
        OUTING.replace("海鲜", "烧烤"),
    ]
    rows, _ = signatures([shingle_text(text) for text in variants])
    lsh = MinHashLSH(num_perm=NUM_PERM, params=(BANDS, ROWS))
    sketches = [
        MinHash(num_perm=NUM_PERM, seed=SEED, hashvalues=row, scheme="affine32") for row in rows
    ]
    for index, sketch in enumerate(sketches):
        lsh.insert(index, sketch)
    keys = band_keys(rows)
    for index, sketch in enumerate(sketches):
        shares_a_band = {
            other for other in range(len(variants)) if (keys[other] == keys[index]).any()
        }
        assert shares_a_band == set(lsh.query(sketch))


def test_copies_quotes_and_edits_join_and_other_texts_do_not() -> None:
    posts = [
        _post("weibo:1", PROTEST),
        _post("weibo:2", "转发：" + PROTEST + "太过分了！", hours=1),
        _post("douyin:3", PROTEST.replace("三个月", "半年"), hours=2),
        _post("weibo:4", OUTING),
        _post("weibo:5", OUTING.replace("海鲜", "烧烤"), hours=3),
        _post("weibo:6", "顶"),
        _post("weibo:7", "顶"),
    ]
    assert cluster_posts(posts) == [
        ["weibo:1", "weibo:2", "douyin:3"],
        ["weibo:4", "weibo:5"],
        ["weibo:6"],
        ["weibo:7"],
    ]


def test_retellings_join_by_enterprise_place_and_time_when_one_is_about_labour() -> None:
    retelling = "黄岛顺达建筑的工地上，几百个工人半年没拿到钱了，今天都堵在门口要说法"
    posts = [
        _post("a", PROTEST, enterprise=7, district="huangdao", category="WAGE.ARREARS.MIGRANT"),
        _post("b", retelling, 30, enterprise=7, district="huangdao", category="WAGE.ARREARS"),
        _post("c", "顺达建筑又欠薪了，工人们去年的钱还没结清", 24 * 8, 7, "huangdao", "WAGE"),
        _post("d", "顺达建筑招聘钢筋工，待遇优厚，欢迎来电。", 31),  # not linked, not labour
        _post("e", "即墨这边顺达建筑的项目也停工了，工资没发", 32, 7, "jimo", "WAGE"),
        # The triage doubts it, but it names the enterprise of a labour post nearby.
        _post("f", "有人知道顺达建筑怎么回事吗？我爸在那干活，好久没拿到钱", 40, 7, "huangdao"),
    ]
    assert cluster_posts(posts) == [["a", "b", "f"], ["d"], ["e"], ["c"]]


def test_an_unlinked_retelling_joins_through_its_candidates() -> None:
    posts = [
        _post("a", PROTEST, enterprise=7, district="huangdao", category="WAGE"),
        ClusterPost(
            "b",
            "顺达那边又闹起来了，工人说钱还是没给",
            T + timedelta(hours=5),
            None,
            "huangdao",
            "WAGE",
            (3, 7),
        ),
        ClusterPost(
            "c",
            "顺达的工人还在等工资，真可怜",
            T + timedelta(hours=6),
            None,
            "huangdao",
            "WAGE",
            (3,),
        ),
        ClusterPost(
            "d",
            "顺达的员工说年终奖没了，唉",
            T + timedelta(hours=7),
            None,
            "huangdao",
            "WAGE",
            (7,),
        ),
    ]
    assert cluster_posts(posts) == [["a", "b", "d"], ["c"]]
    index = EventIndex()
    index.add_existing([(posts[0], 101)])
    assert index.assign(posts[1:]) == Assignment(
        to_existing={"b": 101, "d": 101}, new_events=[["c"]]
    )


def test_posts_of_different_enterprises_never_join() -> None:
    posts = [
        _post("a", PROTEST, enterprise=7),
        _post("b", PROTEST, hours=1),
        _post("c", PROTEST, hours=2, enterprise=8),
    ]
    assert cluster_posts(posts) == [["a", "b"], ["c"]]


def test_copies_further_apart_than_the_window_are_two_events() -> None:
    posts = [_post("a", OUTING), _post("b", OUTING, hours=24 * 31), _post("c", OUTING, hours=1)]
    assert cluster_posts(posts) == [["a", "c"], ["b"]]


def test_a_batch_joins_stored_events_and_leaves_the_index_unchanged() -> None:
    index = EventIndex()
    index.add_existing(
        [
            (_post("weibo:1", PROTEST, enterprise=7, category="WAGE"), 101),
            (_post("weibo:2", "转发：" + PROTEST, 1, enterprise=7, category="WAGE"), 101),
            (_post("weibo:3", OUTING), 102),
        ]
    )
    assert (len(index), index.posts) == (3, 3)
    batch = [
        _post("toutiao:9", "【转】" + PROTEST, 48),
        _post(
            "weibo:10", "顺达建筑的工人今天还在讨薪，没人管吗", 50, enterprise=7, category="WAGE"
        ),
        _post("weibo:11", "青岛今天天气晴朗，气温二十度，适合出门散步。", 50),
        _post("weibo:12", PROTEST, 52, enterprise=8),
    ]
    assert index.assign(batch) == Assignment(
        to_existing={"toutiao:9": 101, "weibo:10": 101},
        new_events=[["weibo:11"], ["weibo:12"]],
    )
    assert (len(index), index.posts) == (3, 3)


def test_rebuilding_from_stored_signatures_gives_the_same_answers() -> None:
    stored = [(_post("weibo:1", PROTEST), 101), (_post("weibo:3", OUTING), 102)]
    by_text = EventIndex()
    by_text.add_existing(stored)
    by_signature = EventIndex()
    by_signature.add_signed(
        [
            (ClusterPost(post.key, "", post.published_at), by_text.signature(post), event)
            for post, event in stored
        ]
    )
    batch = [_post("n:1", PROTEST + "！", 5), _post("n:2", OUTING, 5)]
    assert by_signature.assign(batch) == by_text.assign(batch)
    assert by_signature.assign(batch).to_existing == {"n:1": 101, "n:2": 102}
    assert by_text.signature(_post("x", "顶")) == b""
    assert len(by_text.signature(stored[0][0])) == NUM_PERM * 4


def test_pruning_forgets_what_is_older_than_the_window() -> None:
    index = EventIndex()
    index.add_existing([(_post("weibo:1", PROTEST), 101), (_post("weibo:3", OUTING, 24 * 20), 102)])
    index.prune(T + timedelta(days=10))
    assert len(index) == 1
    assert index.assign([_post("n", PROTEST, 24 * 21), _post("m", OUTING, 24 * 21)]) == Assignment(
        to_existing={"m": 102}, new_events=[["n"]]
    )


def test_the_central_post_is_the_most_like_the_others() -> None:
    posts = [
        _post("first", "现场图片"),
        _post("copy", "转发：" + PROTEST, 1),
        _post("original", PROTEST, 2),
        _post("edit", PROTEST.replace("三个月", "半年"), 3),
    ]
    assert central_key(posts) == "original"
    assert central_key([_post("b", "顶", 1), _post("a", "顶", 1)]) == "a"


def test_stored_posts_of_one_moment_with_and_without_a_district_are_indexed() -> None:
    index = EventIndex()
    index.add_existing(
        [
            (_post("a", PROTEST, enterprise=7, district="huangdao", category="WAGE"), 101),
            (_post("b", PROTEST + "！", enterprise=7, category="WAGE"), 101),
        ]
    )
    retelling = _post("n", "顺达建筑的工人今天还在讨薪", 5, enterprise=7, category="WAGE")
    assert index.assign([retelling]).to_existing == {"n": 101}


def test_a_post_bridging_two_stored_events_joins_them_into_the_earlier() -> None:
    # Two retellings of one incident stored apart (a post naming the enterprise, a copy of
    # the text without it); a new post of the text naming the enterprise bridges them.
    index = EventIndex()
    index.add_existing(
        [
            (_post("weibo:1", "顺达建筑的工人在讨薪", enterprise=7, category="WAGE"), 101),
            (_post("weibo:2", PROTEST, 1), 102),
        ]
    )
    assignment = index.assign([_post("weibo:3", "转发：" + PROTEST, 2, enterprise=7)])
    assert assignment == Assignment(to_existing={"weibo:3": 101}, merged={102: 101})
    index.merge_events(assignment.merged)
    assert index.assign([_post("weibo:4", PROTEST + "！", 3)]).to_existing == {"weibo:4": 101}


def test_stored_events_of_different_enterprises_stay_apart() -> None:
    index = EventIndex()
    index.add_existing(
        [
            (_post("weibo:1", PROTEST, enterprise=7), 101),
            (_post("weibo:2", "转发：" + PROTEST, 1, enterprise=8), 102),
        ]
    )
    assignment = index.assign([_post("weibo:3", PROTEST, 2)])
    assert assignment == Assignment(to_existing={"weibo:3": 101})


def test_a_labour_retelling_joins_a_stored_post_of_its_enterprise_not_about_labour() -> None:
    # In one batch the two would join (one of them is about labour); across batches too.
    stored = _post("weibo:1", "海岸电子厂门口今天围了很多人", enterprise=7, district="370202")
    later = _post("weibo:2", "海岸电子拖欠工资三个月，工人讨薪", 3, enterprise=7, category="WAGE")
    assert cluster_posts([stored, later]) == [["weibo:1", "weibo:2"]]
    index = EventIndex()
    index.add_existing([(stored, 101)])
    assert index.assign([later]).to_existing == {"weibo:2": 101}
    unrelated = _post("weibo:3", "海岸电子新品发布会今天举行", 4, enterprise=7)
    assert index.assign([unrelated]).new_events == [["weibo:3"]]


def _told(key: str, text: str, hours: float, places: tuple[str, ...], **kw) -> ClusterPost:
    fields = {"district": "huangdao", "category": "WAGE", **kw}
    return ClusterPost(key, text, T + timedelta(hours=hours), places=places, **fields)


def test_a_retelling_naming_no_enterprise_joins_the_nearest_labour_post_of_its_road() -> None:
    posts = [
        _told("a", PROTEST, 0, ("长江中路",), enterprise_id=7),
        # 某企业: no enterprise, but the same road, district and days.
        _told(
            "b", "长江中路附近一个工地静坐，听说是某企业欠薪快3个月，有没有人管管", 5, ("长江中路",)
        ),
        # The same road in another district, or too late: apart.
        _told(
            "c",
            "长江中路一家工厂拖欠工资，工人讨薪无门，求帮助转发",
            6,
            ("长江中路",),
            district="jimo",
        ),
        _told("d", "一家工厂在长江中路拖欠工资两个月，几十名工人堵门讨薪", 24 * 4, ("长江中路",)),
        # One the triage doubts (the analysis keeps its roads as it is worth linking) joins.
        _told(
            "e", "有人知道长江中路那个工地怎么回事吗？我爸在那干活", 7, ("长江中路",), category=None
        ),
        # Two posts not about labour never join by their road alone.
        _told("f", "长江中路那个工地的老板跑了？", 24 * 7 + 1, ("长江中路",), category=None),
        _told(
            "g", "听说长江中路的工地停了，工人都回家了", 24 * 7 + 2, ("长江中路",), category=None
        ),
    ]
    assert cluster_posts(posts) == [["a", "b", "e"], ["c"], ["d"], ["f"], ["g"]]
    # Across batches: the stored labour post of the road takes the retelling.
    index = EventIndex()
    index.add_existing([(posts[0], 101)])
    assert index.assign(posts[1:2]) == Assignment(to_existing={"b": 101})
    assert index.assign(posts[3:4]).new_events == [["d"]]
    index.prune(T + timedelta(hours=1))
    assert index.assign(posts[1:2]).new_events == [["b"]]


def test_a_batch_shingled_and_signed_in_forked_workers_gets_the_same_events(
    monkeypatch,
) -> None:
    import laborwatch.opinion.engine.nodes as nodes

    monkeypatch.setattr(nodes, "PARALLEL_MIN_TEXTS", 2)
    posts = [
        _post(f"weibo:{number}", text, hours=number, enterprise=enterprise)
        for number, (text, enterprise) in enumerate(
            [
                (PROTEST, 7),
                ("转发：" + PROTEST + "太过分了！", None),
                (PROTEST.replace("三个月", "半年"), None),
                (OUTING, None),
                (OUTING.replace("海鲜", "烧烤"), None),
                ("顶", None),
                (f"哈哈//@网友: {PROTEST}", 8),
            ]
            * 3
        )
    ]
    window = int(timedelta(days=30).total_seconds())
    alone, forked = nodes.group_nodes(posts, window), nodes.group_nodes(posts, window, workers=2)
    assert forked.posts == alone.posts
    assert np.array_equal(forked.signatures, alone.signatures)
    assert np.array_equal(forked.signed, alone.signed) and alone.signed.sum() >= 4
    stored = EventIndex()
    stored.add_existing([(posts[0], 101)])
    assert stored.assign(posts[1:], workers=2) == stored.assign(posts[1:])
    assert EventIndex().assign(posts, workers=2) == EventIndex().assign(posts)


def test_an_index_saved_and_loaded_gives_the_same_answers(tmp_path) -> None:
    road = ("长江中路",)
    stored = [
        (_post("weibo:1", PROTEST, enterprise=7, district="huangdao", category="WAGE"), 101),
        (_post("weibo:2", OUTING, 1), 102),
        (_told("weibo:3", "长江中路一家工厂拖欠工资，工人堵门讨薪", 2, road), 103),
    ]
    index = EventIndex(window=timedelta(days=20))
    index.add_existing(stored)
    index.save(tmp_path / "index.npz")
    loaded = EventIndex.load(tmp_path / "index.npz")
    assert (loaded.window, loaded.posts, len(loaded)) == (timedelta(days=20), 3, 3)
    batch = [
        _post("n:1", PROTEST + "！", 5),  # a copy
        _post("n:2", "顺达的工人还在等工资", 6, enterprise=7, category="WAGE"),  # a retelling
        _told("n:3", "听说长江中路有个工地欠薪，某企业老板跑了", 7, road),  # by its road
        _post("n:4", OUTING, 8),
    ]
    expected = Assignment(to_existing={"n:1": 101, "n:2": 101, "n:3": 103, "n:4": 102})
    assert index.assign(batch) == expected
    assert loaded.assign(batch) == expected
