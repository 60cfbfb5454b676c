"""Emerging issues for the monthly report: categories and terms whose share of this month's
demands rose against the trailing baseline, by an exact test with a false-discovery control.

Pure: no Django. The test is conditional on the two months' totals, so a month that is busier
overall does not make every category "rise": given x mentions this month and y in the baseline,
under "no change" x ~ Binomial(x + y, N / (N + M)) where N and M are the demands of this month
and of the baseline months. One-sided p-values, Benjamini–Hochberg q-values per family.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from scipy.stats import binomtest, false_discovery_control

from laborwatch.text.tokenize import tokenizer

FALSE_DISCOVERY_RATE = 0.05
MIN_CATEGORY_COUNT = 3
MIN_TERM_COUNT = 5
# Words every demand says, or that say who rather than what: they never make an issue.
_STOPWORDS_TEXT = """
    本人 我们 他们 公司 单位 企业 老板 工作 要求 希望 一直 现在 目前 已经 没有 问题 情况 反映
    进行 相关 自己 共计 一共 至今 以后 之后 之前 后来 然后 但是 因为 所以 如果 还是 就是 这个
    那个 什么 怎么 能否 是否 可以 需要 不能 不给 不予 提出 表示 告知 联系 咨询 求助 投诉 建议
    有限公司 有限责任公司 股份有限公司 集团 分公司 青岛 青岛市 山东 山东省 个月 多个 期间
    拒绝 支付 元钱 人民币 左右 以上 以下 起来 出来 一下 一些 这些 那些 其中 以及 并且
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
_HAN = re.compile(r"[\u4e00-\u9fff]")
_DIGITS = re.compile(r"[0-9０-９一二三四五六七八九十百千万亿两几]+[年月日号元人个天次]?")


@dataclass(frozen=True)
class Rise:
    """A significant rise of one category or term's share of the month's demands."""

    key: str
    count: int
    baseline_count: int
    share: float  # of this month's demands
    baseline_share: float  # of the baseline months' demands
    p_value: float
    q_value: float

    @property
    def ratio(self) -> float:
        """Share this month over share in the baseline (inf when the baseline never had it)."""
        return self.share / self.baseline_share if self.baseline_share else float("inf")


def significant_rises(
    now: Mapping[str, int],
    baseline: Mapping[str, int],
    *,
    total_now: int,
    total_baseline: int,
    min_count: int,
    rate: float = FALSE_DISCOVERY_RATE,
) -> list[Rise]:
    """Keys whose share rose with q < rate; tested are the keys with at least min_count now."""
    if total_now <= 0 or total_baseline <= 0:
        return []
    expected_share = total_now / (total_now + total_baseline)
    tested = sorted(key for key, count in now.items() if count >= min_count)
    if not tested:
        return []
    p_values = [
        binomtest(
            now[key], now[key] + baseline.get(key, 0), expected_share, alternative="greater"
        ).pvalue
        for key in tested
    ]
    q_values = false_discovery_control(p_values, method="bh")
    rises = [
        Rise(
            key=key,
            count=now[key],
            baseline_count=baseline.get(key, 0),
            share=now[key] / total_now,
            baseline_share=baseline.get(key, 0) / total_baseline,
            p_value=float(p),
            q_value=float(q),
        )
        for key, p, q in zip(tested, p_values, q_values, strict=True)
    ]
    return sorted(
        (rise for rise in rises if rise.q_value < rate and rise.share > rise.baseline_share),
        key=lambda rise: (rise.q_value, -rise.count, rise.key),
    )


def terms(text: str, *, names: Iterable[str] = ()) -> set[str]:
    """The distinct content words of one demand; employer names are taken out first, since
    who the demand is about is counted in the enterprise table, not as an issue."""
    for name in names:
        if name:
            text = text.replace(name, " ")
    return {
        word
        for word in tokenizer().lcut(text)
        if len(word) >= 2
        and _HAN.search(word)
        and not _DIGITS.fullmatch(word)
        and word not in STOPWORDS
    }


def term_counts(documents: Iterable[set[str]]) -> Counter[str]:
    """In how many demands each term occurs (a demand counts a term once)."""
    counts: Counter[str] = Counter()
    for words in documents:
        counts.update(words)
    return counts
