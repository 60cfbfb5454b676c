"""Word lists, the window calendar and the brand-character builder script."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np

from laborwatch.synth.enterprise_names import brand_characters
from laborwatch.synth.months import Window
from laborwatch.synth.names import person_names, surnames
from laborwatch.synth.vocab import fill_templates, read_rows

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_synth_wordlists.py"


def load_script():
    spec = importlib.util.spec_from_file_location("build_synth_wordlists", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_brand_part_strips_places_legal_forms_and_industry_words() -> None:
    script = load_script()
    assert script.brand_part("青岛海尔集团有限公司") == "海尔"
    assert script.brand_part("中国工商银行纽约分行") == ""
    assert script.brand_part("北京链家地产") == "链家"
    assert script.brand_part("EA公司") == ""


def test_brand_weights_count_distinct_names_and_drop_implausible_characters() -> None:
    script = load_script()
    weights = dict(script.brand_character_weights({"青岛海尔集团", "海尔电子", "死海贸易有限公司"}))
    assert weights == {"海": 3, "尔": 2}  # 死 is dropped, 电子 is an industry


def test_the_shipped_brand_list_is_plausible() -> None:
    script = load_script()
    rows = read_rows("brand_chars.txt")
    chars = [row[0] for row in rows]
    assert len(chars) == len(set(chars)) >= 200
    assert not set(chars) & script.IMPLAUSIBLE_CHARS
    assert all(script.is_common_character(char) for char in chars)
    weights = [int(row[1]) for row in rows]
    assert weights == sorted(weights, reverse=True)
    assert len(brand_characters()) == len(chars)


def test_surnames_follow_real_frequencies() -> None:
    names = person_names(np.random.default_rng(1), np.ones(20_000, dtype=bool)).to_pylist()
    first = [name[0] for name in names]
    top = {s: first.count(s) for s in ("王", "李", "张", "刘")}
    assert min(top.values()) > 4 * first.count("郝")
    assert all(2 <= len(name) <= 3 for name in names)
    assert surnames().words.to_pylist()[:3] == ["王", "李", "张"]


def test_fill_templates_puts_each_row_in_its_own_template() -> None:
    import pyarrow as pa

    text = fill_templates(
        ["{who}欠薪{amount}元。", "{who}未缴社保。"],
        np.array([1, 0, 1]),
        {"who": pa.array(["甲", "乙", "丙"]), "amount": pa.array(["1", "2", "3"])},
    )
    assert text.to_pylist() == ["甲未缴社保。", "乙欠薪2元。", "丙未缴社保。"]


def test_window_months_and_spring_festival() -> None:
    window = Window.ending("2026-10", 24)
    assert window.labels[0] == "2024-11" and window.labels[-1] == "2026-10"
    festival = [
        label for label, flag in zip(window.labels, window.festival_months(), strict=True) if flag
    ]
    assert festival == ["2025-01", "2026-02"]  # 2025-01-29 and 2026-02-17
    days, probabilities = window.event_day_weights(window.first_day, window.last_day)
    weight = dict(zip(days.astype(str), probabilities, strict=True))
    # A Tuesday in the weeks before the festival against an ordinary Tuesday.
    assert weight["2026-01-20"] / weight["2026-04-21"] == 2.5
    assert str(window.month_end(np.int64(3))) == "2025-02-28"
