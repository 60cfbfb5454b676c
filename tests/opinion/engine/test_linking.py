"""Where a registered full name may be said, for linking without the index."""

from __future__ import annotations

from laborwatch.opinion.engine.linking import full_names_told


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
