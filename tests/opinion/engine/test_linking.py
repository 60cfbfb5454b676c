"""Linking posts: in forked workers as alone; where a registered full name may be said, for
linking without the index."""

from __future__ import annotations

from datetime import UTC, datetime

from laborwatch.opinion.engine.analyse import PostAnalysis
from laborwatch.opinion.engine.linking import full_names_told
from laborwatch.opinion.engine.records import PostIn
from laborwatch.text.link import Linker


def test_each_legal_form_gives_the_name_characters_ending_there_longest_first():
    # Punctuation bounds a name; 海岸厂 has fewer than four characters.
    assert full_names_told("转发：青岛海岸电子有限公司欠薪，海岸厂门口见") == [
        (
            "青岛海岸电子有限公司",
            "岛海岸电子有限公司",
            "海岸电子有限公司",
            "岸电子有限公司",
            "电子有限公司",
            "子有限公司",
            "有限公司",
        )
    ]


def test_two_names_are_told_in_order_and_a_long_run_is_cut_to_the_longest_name():
    text = "甲" * 50 + "乙丙丁服装厂与戊己庚辛商行"
    told = full_names_told(text)
    assert [endings[0] for endings in told] == [text[-47:-7], text[-40:]]
    assert [endings[-1] for endings in told] == ["丁服装厂", "庚辛商行"]
    assert "戊己庚辛商行" in told[1]


def test_no_legal_form_or_too_short_a_name_tells_nothing():
    assert full_names_told("去厂里") == []
    assert full_names_told("今天天气很好") == []


def test_forked_workers_give_the_same_links(monkeypatch):
    import laborwatch.opinion.engine.linking as linking

    monkeypatch.setattr(linking, "PARALLEL_MIN_TEXTS", 2)
    linker = Linker.from_rows(
        [
            {"credit_code": "91370202MA3C4HL11X", "name": "青岛海岸电子有限公司"},
            {"credit_code": "91370211MA3C4HL22Y", "name": "青岛西海岸造船有限公司"},
        ]
    )
    texts = [
        "青岛海岸电子有限公司拖欠工人工资三个月",
        "青岛西海岸造船有限公司的工人在讨薪",
        "今天天气很好",
        "青岛海岸电子有限公司拖欠工人工资三个月",
    ]
    posts = [_post(number, text) for number, text in enumerate(texts, start=1)]
    analyses = [_worth_linking(post.key, number != 3) for number, post in enumerate(posts, 1)]
    alone = linking.link_posts(posts, analyses, linker.link)
    assert linking.link_posts(posts, analyses, linker.link, workers=2) == alone
    assert {key: link.linked and link.linked.name for key, link in alone.items()} == {
        "weibo:1": "青岛海岸电子有限公司",
        "weibo:2": "青岛西海岸造船有限公司",
        "weibo:4": "青岛海岸电子有限公司",
    }


def _post(number: int, text: str) -> PostIn:
    return PostIn(
        row=number,
        platform="weibo",
        post_id=str(number),
        url=None,
        author="网友",
        published_at=datetime(2026, 5, 1, tzinfo=UTC),
        title="",
        text=text,
        reposts=0,
        comments=0,
        likes=0,
        views=0,
        ip_region="",
    )


def _worth_linking(key: str, worth: bool) -> PostAnalysis:
    return PostAnalysis(key, worth, 0.9, None, None, None, (), 0.0, (), worth_linking=worth)
