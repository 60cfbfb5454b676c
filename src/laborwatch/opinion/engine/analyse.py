"""Triage of posts in bulk: labour or not and the demand category (the text engine's
classifier with its labour triage), the district named, the workers involved, escalation
cues and organisation mentions.

This is the hot path of an ingest of a million posts: every distinct (title, text) is
analysed once, the classifier sees the texts in large batches (its n-gram counting and model
products are numpy), and the costly organisation tagger runs only on labour posts, one
sentence piece at a time with the pieces already tagged remembered (copies share them).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

import ahocorasick

from laborwatch.opinion.engine.forked import can_fork, forked_map
from laborwatch.opinion.engine.records import DATA, PostIn, reposted_text
from laborwatch.text.classify import DemandClassifier, Prediction
from laborwatch.text.demand_model import default_model_file
from laborwatch.text.orgs import chunk_offsets, extract_post_orgs, post_tagger
from laborwatch.text.triage import TRIAGE_MODEL_FILE

PLACES_FILE = DATA / "places.csv"
CUES_FILE = DATA / "escalation_cues.csv"
WORKER_COUNTS_FILE = DATA / "worker_counts.csv"
# Texts handed to the classifier at once: large enough for numpy, small enough for memory.
CLASSIFY_BATCH = 20_000
# Fewer distinct texts than this are analysed in this process whatever `workers` says.
PARALLEL_MIN_TEXTS = 20_000
# How much a mention says about the district: a district's own name most, a road least.
PLACE_WEIGHTS = {"district": 3.0, "street": 2.0, "landmark": 1.5, "road": 1.0}
# Places narrow enough to tell one incident from another of the same district and days.
FINE_PLACE_KINDS = frozenset({"street", "road"})
# A vague number "近200名" reads as this share of the number.
NEAR_SHARE = 0.9
# Posts this likely to be about labour (the triage's P(labour)), or naming work and pay, may be
# retellings of a labour incident: they are worth linking to enterprises too (the list holds
# only `labour` posts, but a retelling the triage doubts still joins its incident's event when
# it names the same enterprise).
LINK_MIN_PROBABILITY = 0.1
_WORK_WORDS = re.compile(
    r"工资|工钱|薪|工友|工人|员工|职工|农民工|干活|上班|裁员|辞退|开除|补偿|工伤|社保|加班|老板|停工"
)
# Pieces of text the organisation tagger has seen, kept per process (bounded).
MAX_REMEMBERED_PIECES = 200_000


@dataclass(frozen=True, slots=True)
class PostAnalysis:
    key: str
    labour: bool
    labour_probability: float
    category: str | None  # taxonomy code (text/data/demand_taxonomy.csv); None when not labour
    district: str | None  # org-unit code of the district named in the text
    workers: int | None  # workers involved when the text says how many (labour posts only)
    cues: tuple[str, ...]  # escalation cues found, in order of first appearance
    escalation: float  # sum of the cues' weights (data/escalation_cues.csv)
    organisations: tuple[str, ...]  # organisation mentions, for the app's linker
    # Whether the app should link the post to enterprises: labour posts, and posts the triage
    # doubts but that may retell a labour incident (LINK_MIN_PROBABILITY or words of work).
    worth_linking: bool = False
    # Streets and roads named (Places.fine), in order: a retelling that names no enterprise
    # (某企业, 一家工厂) joins its incident by the road it names (engine.nodes).
    places: tuple[str, ...] = ()


# --- places ----------------------------------------------------------------------------------


class Places:
    """District, street, landmark and road names → the district's org-unit code.

    The districts come from the city file (core/data/qingdao.json: each district's short
    name, and that name without 区/市); streets, towns, landmarks and roads from
    data/places.csv, whose `district` column holds a district's short name as the city file
    writes it. A name found inside a longer known name counts as the longer one (胶州 in
    胶州湾 is no mention of 胶州市: 胶州湾 is listed with no district)."""

    def __init__(self, names: Iterable[tuple[str, str | None, str]]):
        self._automaton = ahocorasick.Automaton()
        count = 0
        for name, district, kind in names:
            self._automaton.add_word(
                name,
                (len(name), district, PLACE_WEIGHTS.get(kind, 0.0), kind in FINE_PLACE_KINDS),
            )
            count += 1
        if count:
            self._automaton.make_automaton()
        self._empty = count == 0

    @classmethod
    def from_city(cls, city: Mapping, places_file: Path = PLACES_FILE) -> Places:
        by_short_name: dict[str, str] = {}
        names: list[tuple[str, str | None, str]] = []
        for district in city["districts"]:
            short = district["short_name"]
            by_short_name[short] = district["code"]
            names.append((short, district["code"], "district"))
            if len(short) >= 3 and short[-1] in "区市":
                names.append((short[:-1], district["code"], "district"))
        with places_file.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["district"] and row["district"] not in by_short_name:
                    raise ValueError(f"{places_file.name}: unknown district {row['district']!r}")
                names.append((row["name"], by_short_name.get(row["district"]), row["kind"]))
        return cls(names)

    def _hits(self, text: str) -> list[tuple[str, str | None, float, bool]]:
        """(name, district code or None, weight, whether a street or road) of each place
        named; a name inside a longer one found at the same place counts as the longer."""
        if self._empty:
            return []
        found = sorted(
            (
                (end - length + 1, end + 1, district, weight, fine)
                for end, (length, district, weight, fine) in self._automaton.iter(text)
            ),
            key=lambda hit: (hit[0], -hit[1]),
        )
        kept: list[tuple[str, str | None, float, bool]] = []
        covered_until = -1
        for start, end, district, weight, fine in found:
            if end <= covered_until:
                continue
            covered_until = end
            kept.append((text[start:end], district, weight, fine))
        return kept

    def mentions(self, text: str) -> list[tuple[str, str | None]]:
        """(name, district code or None) of each place named, in order."""
        return [(name, district) for name, district, _, _ in self._hits(text)]

    def district(self, text: str) -> str | None:
        """The district the text speaks of: the weightiest named; None when none or a tie."""
        return self.district_and_fine(text)[0]

    def fine(self, text: str) -> tuple[str, ...]:
        """The streets and roads named (FINE_PLACE_KINDS), each once, in order."""
        return self.district_and_fine(text)[1]

    def district_and_fine(self, text: str) -> tuple[str | None, tuple[str, ...]]:
        """district() and fine() from one reading of the text."""
        hits = self._hits(text)
        fine = tuple(dict.fromkeys(name for name, _, _, narrow in hits if narrow))
        return _weightiest(hits), fine


def _weightiest(hits: list[tuple[str, str | None, float, bool]]) -> str | None:
    scores: dict[str, float] = {}
    for _, district, weight, _ in hits:
        if district is not None:
            scores[district] = scores.get(district, 0.0) + weight
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


# --- escalation cues -------------------------------------------------------------------------


@dataclass(frozen=True)
class Cue:
    words: str
    weight: float
    kind: str


@cache
def cue_lexicon() -> dict[str, Cue]:
    with CUES_FILE.open(encoding="utf-8", newline="") as handle:
        return {
            row["cue"]: Cue(row["cue"], float(row["weight"]), row["kind"])
            for row in csv.DictReader(handle)
        }


@cache
def _cue_automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for words in cue_lexicon():
        automaton.add_word(words, (len(words), words))
    automaton.make_automaton()
    return automaton


def escalation_cues(text: str) -> tuple[tuple[str, ...], float]:
    """The cues in `text` (a cue inside a longer one counts once, as the longer) and the sum
    of their weights; each cue counts once however often it is said."""
    found = sorted(
        (
            (end - length + 1, end + 1, words)
            for end, (length, words) in _cue_automaton().iter(text)
        ),
        key=lambda hit: (hit[0], -hit[1]),
    )
    cues: list[str] = []
    covered_until = -1
    for _start, end, words in found:
        if end <= covered_until:
            continue
        covered_until = end
        if words not in cues:
            cues.append(words)
    lexicon = cue_lexicon()
    return tuple(cues), round(float(sum(lexicon[words].weight for words in cues)), 3)


# --- workers involved ------------------------------------------------------------------------

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_DIGITS.update({"六": 6, "七": 7, "八": 8, "九": 9})
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000}
_WORKER_NOUNS = (
    "工人|员工|职工|农民工|民工|工友|骑手|司机|快递员|外卖员|师傅|老乡|保安|保洁|教师|护士"
)


@cache
def vague_counts() -> dict[str, int]:
    with WORKER_COUNTS_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["words"]: int(row["count"]) for row in csv.DictReader(handle)}


@cache
def _worker_pattern() -> re.Pattern[str]:
    vague = "|".join(sorted(map(re.escape, vague_counts()), key=len, reverse=True))
    return re.compile(
        rf"(?<![第\d])(近)?({vague}|\d+|[零〇一二两三四五六七八九十百千万]+)\s*(?:余|多|来)?\s*"
        rf"(?:名|位|人(?!民币)|个(?=(?:{_WORKER_NOUNS})))"
    )


def chinese_number(words: str) -> int | None:
    """一百二十 → 120, 两百 → 200, 十五 → 15, 三千五百 → 3500; None when not a number."""
    total = section = 0
    digit: int | None = None
    for char in words:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in _UNITS:
            unit = _UNITS[char]
            if unit == 10_000:
                total = (total + section + (digit or 0)) * unit
                section = 0
            else:
                section += (1 if digit is None else digit) * unit
            digit = None
        else:
            return None
    return total + section + (digit or 0)


def workers_involved(text: str) -> int | None:
    """The largest number of people the text says are involved.

    Rule: a number followed by a measure word for people (名, 位, 人, or 个 before a word for
    workers: 个工人); 余/多/来 after the number are read as the number itself (200余名 →
    200); vague quantities take the lower round figure of data/worker_counts.csv (数十名 →
    20, 上百名 → 100, 近百人 → 90); 近 before a number takes NEAR_SHARE of it (近200名 →
    180); 第三名 is a rank, not a count. None when no count is said."""
    best: int | None = None
    vague = vague_counts()
    for match in _worker_pattern().finditer(text):
        near, words = match.groups()
        if words in vague:
            count: int | None = vague[words]
        elif words.isdigit():
            count = int(words)
            if near:
                count = round(count * NEAR_SHARE)
        else:
            count = chinese_number(words)
            if count is not None and near:
                count = round(count * NEAR_SHARE)
        if count and (best is None or count > best):
            best = count
    return best


# --- organisations ---------------------------------------------------------------------------


# The tagger runs only on pieces holding a word that ends or names an organisation: it costs
# about a millisecond a piece, and a piece without one of these rarely names a firm that the
# app's linker would not find by the registry's own names anyway.
_ORGANISATION_WORDS = re.compile(
    r"公司|集团|工厂|厂|项目|工地|门店|店|酒店|医院|学校|超市|物流|物业|银行|商场|车间|中心|"
    r"局|委员会|协会|工会|合作社|研究院|研究所"
)


class OrganisationMentions:
    """The text engine's organisation tagger, run piece by piece (its own sentence pieces)
    on the pieces naming an organisation word, with every piece's result remembered: copies
    and light edits share most pieces."""

    def __init__(self) -> None:
        self._pieces: dict[str, tuple[str, ...]] = {}

    def __call__(self, text: str) -> tuple[str, ...]:
        names: list[str] = []
        for start, end in chunk_offsets(text):
            piece = text[start:end]
            if not _ORGANISATION_WORDS.search(piece):
                continue
            found = self._pieces.get(piece)
            if found is None:
                found = tuple(span.text for span in extract_post_orgs(piece))
                if len(self._pieces) >= MAX_REMEMBERED_PIECES:
                    self._pieces.clear()
                self._pieces[piece] = found
            names.extend(name for name in found if name not in names)
        return tuple(names)


# --- the bulk analysis -----------------------------------------------------------------------


@cache
def labour_classifier() -> DemandClassifier:
    """The text engine's demand classifier with its labour triage (text/triage.py)."""
    return DemandClassifier.from_model_file(default_model_file(), TRIAGE_MODEL_FILE)


def analysis_text(post: PostIn) -> str:
    return f"{post.title}\n{post.text}" if post.title else post.text


def analyse_posts(
    posts: Sequence[PostIn],
    *,
    places: Places,
    classifier: DemandClassifier | None = None,
    organisations: OrganisationMentions | None = None,
    workers: int = 1,
) -> list[PostAnalysis]:
    """One PostAnalysis per post, in order; each distinct (title, text) analysed once, a
    repost with a short comment as the text it reposts (`reposted_text`).

    `workers` > 1 shares the distinct texts among that many forked processes (POSIX only;
    elsewhere, or for a small batch, the texts are analysed here)."""
    distinct: dict[tuple[str, str], int] = {}
    position: list[int] = []
    for post in posts:
        item = (reposted_text(post.text), post.title)
        position.append(distinct.setdefault(item, len(distinct)))
    items = list(distinct)
    if workers > 1 and len(items) >= PARALLEL_MIN_TEXTS and can_fork():
        # Loaded here, so that the forked workers share them rather than load them again.
        labour_classifier()
        post_tagger()
        results = forked_map(partial(_analyse_slice, places), items, workers)
    else:
        results = _analyse_items(
            items,
            places,
            classifier or labour_classifier(),
            organisations or OrganisationMentions(),
        )
    return [
        PostAnalysis(post.key, *results[number])
        for post, number in zip(posts, position, strict=True)
    ]


def _analyse_items(
    items: Sequence[tuple[str, str]],
    places: Places,
    classifier: DemandClassifier,
    organisations: OrganisationMentions,
) -> list[tuple]:
    predictions: list[Prediction] = []
    for start in range(0, len(items), CLASSIFY_BATCH):
        batch = items[start : start + CLASSIFY_BATCH]
        predictions.extend(
            classifier.classify_many([(text, title or None) for text, title in batch])
        )
    return [
        _analyse(text, title, prediction, places, organisations)
        for (text, title), prediction in zip(items, predictions, strict=True)
    ]


def _analyse_slice(places: Places, items: Sequence[tuple[str, str]]) -> list[tuple]:
    """A forked worker's slice of the distinct texts."""
    return _analyse_items(items, places, labour_classifier(), OrganisationMentions())


def _analyse(
    text: str,
    title: str,
    prediction: Prediction,
    places: Places,
    organisations: OrganisationMentions,
) -> tuple:
    full = f"{title}\n{text}" if title else text
    probability = (
        prediction.labor_probability
        if prediction.labor_probability is not None
        else (prediction.confidence if prediction.is_labor else 1.0 - prediction.confidence)
    )
    cues, escalation = escalation_cues(full)
    district, fine = places.district_and_fine(full)
    if not prediction.is_labor:
        worth_linking = probability >= LINK_MIN_PROBABILITY or bool(_WORK_WORDS.search(full))
        return (
            False,
            probability,
            None,
            district,
            None,
            cues,
            escalation,
            (),
            worth_linking,
            fine if worth_linking else (),
        )
    return (
        True,
        probability,
        prediction.category,
        district,
        workers_involved(full),
        cues,
        escalation,
        organisations(full),
        True,
        fine,
    )
