"""Rule-based demand scoring from the curated lexicon (诉求词表): works on day one.

Each lexicon term adds its weight to a category. A long, chatty message mentions many things
in passing, so a term counts more in the sentences that carry the request (请问, 希望, 怎么办 …)
and in the title, and less in sentences that set a matter aside (这个我也不想追究了).
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import ahocorasick

from laborwatch.text.taxonomy import NON_LABOR, categories, is_within

LEXICON_FILE = Path(__file__).resolve().parent / "data" / "demand_lexicon.csv"
# Cues a term list cannot hold: words apart (工资一直未发放, 未给本人缴纳社会保险).
PATTERN_FILE = Path(__file__).resolve().parent / "data" / "demand_patterns.csv"
TITLE_WEIGHT = 2.0
REQUEST_WEIGHT = 2.0
SET_ASIDE_WEIGHT = 0.3
_SENTENCES = re.compile(r"[^。！？!?；;\n]+[。！？!?；;\n]*")
_REQUEST = re.compile(
    r"请问|请求|要求|希望|诉求|帮忙|帮帮|帮我|帮我们|怎么办|怎么|能不能|可不可以|可以吗|能否|"
    r"如何|咨询|反映|投诉|举报|想问|问问|找谁|合法吗|合理吗|对吗|有效吗|该不该|有没有|吗[？?]"
)
_SET_ASIDE = re.compile(
    r"不想追究|不追究|老黄历|不是重点|跟工作没关系|和工作没关系|与工作无关|跟.{0,6}没关系|"
    r"不是.{0,6}的问题|但我只想|我只想"
)
# A term followed closely by a legal form is part of a firm's name: 青岛某某劳务派遣有限公司.
_IN_A_NAME = re.compile(
    r"[^的了在是和与跟给把被对向，。！？、；：,.!?;:\s]{0,6}?(?:有限责任公司|股份有限公司|有限公司|集团|公司)"
)
NAME_SHARE = 0.2
# Said of wage arrears, these make it a migrant worker's case (农民工工资拖欠).
_MIGRANT_MARKERS = re.compile(
    r"农民工|工地|包工头|工头|项目部|施工|班组|钢筋|木工|瓦工|架子工|劳务队|劳务公司|分包|总包|"
    r"工程|挖掘机|搅拌|脚手架|打工的老乡|民工"
)


@dataclass(frozen=True)
class RuleScores:
    """Lexicon scores by category code, after sentence weighting, and the terms that hit."""

    scores: dict[str, float]
    hits: dict[str, list[str]]


@cache
def _automaton() -> ahocorasick.Automaton:
    known = categories()
    terms: dict[str, list[tuple[str, float]]] = defaultdict(list)
    with LEXICON_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["code"] not in known:
                raise ValueError(f"{LEXICON_FILE}: unknown category {row['code']!r}")
            terms[row["term"].upper()].append((row["code"], float(row["weight"])))
    automaton = ahocorasick.Automaton()
    for term, entries in terms.items():
        automaton.add_word(term, (len(term), tuple(entries)))
    automaton.make_automaton()
    return automaton


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str], float], ...]:
    known = categories()
    patterns = []
    with PATTERN_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["code"] not in known:
                raise ValueError(f"{PATTERN_FILE}: unknown category {row['code']!r}")
            patterns.append((row["code"], re.compile(row["pattern"]), float(row["weight"])))
    return tuple(patterns)


@cache
def _any_pattern() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern, _ in _patterns()))


# Constructs that may match in a sentence and not in the whole text around it (anchors, word
# boundaries, lookarounds): with any of them a pattern is searched sentence by sentence only.
_CONTEXT_SENSITIVE = re.compile(r"\(\?[=!<]|\^|\$|\\[bBAZ]")


@cache
def _patterns_found_in_sentences_are_found_in_text() -> bool:
    """Whether no match of a pattern in a sentence can be lost by searching the whole text
    (true of patterns without anchors or lookarounds): then a text where none matches has no
    sentence where one does."""
    return not any(_CONTEXT_SENSITIVE.search(pattern.pattern) for _, pattern, _ in _patterns())


Hit = tuple[int, int, tuple[tuple[str, float], ...]]  # start, end, (code, weight) of the term
Term = tuple[str, tuple[tuple[str, float], ...], float]  # term, (code, weight), share


def _sorted_hits(text: str) -> list[Hit]:
    """Every lexicon term in `text`, by start and the longer first at a start."""
    found = [
        (end - length + 1, end + 1, entries)
        for end, (length, entries) in _automaton().iter(text.upper())
    ]
    found.sort(key=lambda hit: (hit[0], -(hit[1] - hit[0])))
    return found


def _longest(text: str, hits: list[Hit], end_of_piece: int) -> list[Term]:
    """Of one piece's sorted hits, those not inside a longer one, with the share they count
    for (NAME_SHARE inside a firm's name, read up to the piece's end)."""
    kept: list[Term] = []
    covered_until = -1
    for start, end, entries in hits:
        if end <= covered_until:
            continue
        share = NAME_SHARE if _IN_A_NAME.match(text, end, end_of_piece) else 1.0
        kept.append((text[start:end], entries, share))
        covered_until = max(covered_until, end)
    return kept


def _longest_hits(sentence: str) -> list[Term]:
    """Terms in `sentence` with the share they count for. A term inside a longer one is not
    counted (欠薪 in 农民工欠薪…); one inside a firm's name (XX劳务派遣有限公司) barely."""
    return _longest(sentence, _sorted_hits(sentence), len(sentence))


def sentence_weight(sentence: str) -> float:
    if _SET_ASIDE.search(sentence):
        return SET_ASIDE_WEIGHT
    return REQUEST_WEIGHT if _REQUEST.search(sentence) else 1.0


def _sentence_terms(text: str, bounds: list[tuple[int, int]]) -> list[list[Term]]:
    """_longest_hits of each sentence (start, end) of `text`, from one pass of the automaton
    over the whole text where upper-casing keeps its length (a term across two sentences is
    no term of either)."""
    if len(text.upper()) != len(text):
        return [_longest_hits(text[start:end]) for start, end in bounds]
    hits = _sorted_hits(text)
    terms: list[list[Term]] = []
    first = 0
    for start, end in bounds:
        while first < len(hits) and hits[first][0] < start:
            first += 1
        inside = []
        number = first
        while number < len(hits) and hits[number][0] < end:
            if hits[number][1] <= end:
                inside.append(hits[number])
            number += 1
        terms.append(_longest(text, inside, end) if inside else [])
    return terms


def score(text: str, title: str | None = None) -> RuleScores:
    scores: dict[str, float] = defaultdict(float)
    hits: dict[str, list[str]] = defaultdict(list)
    # (piece, its terms, its weight or None for the sentence's own, whether a pattern may match)
    pieces: list[tuple[str, list[Term], float | None, bool]] = (
        [(title, _longest_hits(title), TITLE_WEIGHT, True)] if title else []
    )
    bounds = [match.span() for match in _SENTENCES.finditer(text)]
    # A sentence adds nothing unless a term or a pattern is in it, and no pattern is in a
    # sentence of a text that holds none: most sentences of most posts need no search at all.
    patterns_in_text = (
        not _patterns_found_in_sentences_are_found_in_text()
        or _any_pattern().search(text) is not None
    )
    for (start, end), terms in zip(bounds, _sentence_terms(text, bounds), strict=True):
        if terms or patterns_in_text:
            pieces.append((text[start:end], terms, None, patterns_in_text))
    for piece, terms, piece_weight, patterns_may_match in pieces:
        from_terms: dict[str, float] = defaultdict(float)
        for term, entries, share in terms:
            for code, term_weight in entries:
                from_terms[code] += term_weight * share
                hits[code].append(term)
        # Most sentences match no pattern: one search for all of them says so.
        patterns = _patterns() if patterns_may_match and _any_pattern().search(piece) else ()
        for code, pattern, pattern_weight in patterns:
            # A pattern and the terms may say the same thing: count the stronger, not both.
            if pattern_weight > from_terms.get(code, 0.0):
                match = pattern.search(piece)
                if match:
                    from_terms[code] = pattern_weight
                    hits[code].append(match.group())
        if from_terms:
            weight = sentence_weight(piece) if piece_weight is None else piece_weight
            for code, value in from_terms.items():
                scores[code] += value * weight
    return RuleScores(scores=dict(scores), hits=dict(hits))


def resolve_leaf(code: str, text: str) -> str:
    """A category that must be refined before it is reported: wage arrears of whom."""
    if code == "WAGE.ARREARS":
        is_migrant = bool(_MIGRANT_MARKERS.search(text))
        return "WAGE.ARREARS.MIGRANT" if is_migrant else "WAGE.ARREARS.STAFF"
    return code


def leaf_scores(text: str, title: str | None = None) -> tuple[dict[str, float], RuleScores]:
    """Scores by reportable category; a category's group adds a little to break ties, so
    that three pension words outweigh one stray wage word."""
    rule = score(text, title)
    by_leaf: dict[str, float] = defaultdict(float)
    full_text = f"{title or ''}\n{text}"
    for code, value in rule.scores.items():
        by_leaf[resolve_leaf(code, full_text)] += value
    groups: dict[str, float] = defaultdict(float)
    for code, value in by_leaf.items():
        groups[code.split(".")[0]] += value
    adjusted = {
        code: value + 0.3 * (groups[code.split(".")[0]] - value)
        for code, value in by_leaf.items()
        if not is_within(code, NON_LABOR)
    }
    if NON_LABOR in by_leaf:
        adjusted[NON_LABOR] = by_leaf[NON_LABOR]
    return adjusted, rule
