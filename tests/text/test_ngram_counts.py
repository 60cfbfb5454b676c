"""Character n-gram counts: one model's table, and a table shared by two models."""

from __future__ import annotations

import numpy as np

from laborwatch.text.ngram_counts import SharedTable, count_cells, ngram_table

FIRST = {"欠": 0, "薪": 1, "欠薪": 2, "工资": 3}
SECOND = {"工资": 0, "房东": 1, "押金": 2, "拖欠工": 3, "欠": 4}
TEXTS = ["老板欠薪，欠薪两个月", "房东不退押金", "拖欠工资"]


def _as_dict(cells) -> dict[tuple[int, int], int]:
    rows, columns, counts = cells
    return {(int(r), int(c)): int(n) for r, c, n in zip(rows, columns, counts, strict=True)}


def test_count_cells_counts_each_ngram_of_the_table_per_text():
    cells = count_cells(TEXTS, ngram_table(FIRST), len(FIRST))
    assert _as_dict(cells) == {
        (0, 0): 2,  # 欠
        (0, 1): 2,  # 薪
        (0, 2): 2,  # 欠薪
        (2, 0): 1,  # 欠 in 拖欠工资
        (2, 3): 1,  # 工资
    }


def test_ngrams_do_not_run_across_texts():
    cells = count_cells(["欠", "薪"], ngram_table(FIRST), len(FIRST))
    assert _as_dict(cells) == {(0, 0): 1, (1, 1): 1}


def test_a_shared_table_gives_each_model_its_own_counts():
    first, second = ngram_table(FIRST), ngram_table(SECOND)
    shared = SharedTable([first, second])
    from_first, from_second = shared.count_cells(TEXTS)
    assert _as_dict(from_first) == _as_dict(count_cells(TEXTS, first, len(FIRST)))
    assert _as_dict(from_second) == _as_dict(count_cells(TEXTS, second, len(SECOND)))
    assert _as_dict(from_second) == {
        (0, 4): 2,
        (1, 1): 1,
        (1, 2): 1,
        (2, 0): 1,
        (2, 3): 1,
        (2, 4): 1,
    }
    assert np.all(np.diff(from_second[0]) >= 0)
