"""Enterprise linking (企业关联): which registered enterprises a text speaks of.

Exact forms (the name, the name without its region, former names, short names, the name
without its legal form) are found in one pass of an Aho-Corasick automaton; mentions ending in
a legal form that no exact form explains (typos) are matched with rapidfuzz against the few
registry names that share rare character pairs with them.

The `Linker` is the one index of the registry the application links with: besides texts, it
answers which enterprises bear a former or short name (`known_as`) and which registered names
a told name most resembles (`closest_names`, the last resort when nothing else matched).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ahocorasick
import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein
from sklearn.feature_extraction.text import TfidfVectorizer

from laborwatch.text.names import (
    ANONYMISED,
    INDUSTRY,
    core_name,
    is_place_name,
    name_parts,
    normalise,
    normalise_keep,
    strip_legal_form,
    strip_region,
)
from laborwatch.text.registry import RegistryEntry, entry_from_row, read_registry

FULL, FORMER, SHORT, FUZZY = "full", "former", "short", "fuzzy"
# The trade name (字号) with its industry (国联运输), with a generic ending (国联公司) or bare.
TRADE = "trade"
MAX_CANDIDATES = 10
# How many firms one trade name keeps before ranking by the text's place and industry words.
MAX_TRADE_HOLDERS = 100
FUZZY_MIN_SCORE = 85.0
# A told name is compared with at most this many registered names per two-character piece, so
# that the last resort stays cheap on a large registry.
NAMES_PER_PIECE = 200
# After a short name these make it likelier a company is meant: 海尔的工地, 海尔公司.
_COMPANY_CONTEXT = re.compile(r"^(?:的)?(?:公司|集团|厂|店|工地|项目|门店|总部|超市|老板|工厂)")
_ANCHOR = re.compile(r"有限责任公司|股份有限公司|有限公司|集团|公司|厂")
# What follows a trade name when a worker names the firm by it: 国联公司, 国联集团, 国联的厂.
_TRADE_ENDING = re.compile(r"(?:的)?(?:有限公司|公司|集团|厂|店|超市|酒店|门店|工地|项目部)")
_WINDOW_BREAK = re.compile(r"[，。！？、；：,.!?;:\s“”\"'()\[\]《》]|某|[XxＸｘ×*＊]")
_WINDOW = 20


@dataclass(frozen=True)
class Candidate:
    credit_code: str
    name: str
    matched_text: str
    start: int
    end: int  # exclusive
    match_kind: str  # full / former / short / fuzzy
    confidence: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "credit_code": self.credit_code,
            "name": self.name,
            "matched_text": self.matched_text,
            "start": self.start,
            "end": self.end,
            "match_kind": self.match_kind,
            "confidence": self.confidence,
        }


@dataclass(frozen=True)
class Mention:
    """One place in the text and the enterprises it may name, most likely first."""

    start: int
    end: int
    text: str
    candidates: tuple[Candidate, ...]

    @property
    def best(self) -> Candidate:
        return self.candidates[0]

    def as_dict(self) -> dict[str, Any]:
        best = self.best
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "credit_code": best.credit_code,
            "name": best.name,
            "match_kind": best.match_kind,
            "confidence": best.confidence,
            "candidates": [
                {
                    "credit_code": c.credit_code,
                    "name": c.name,
                    "match_kind": c.match_kind,
                    "confidence": c.confidence,
                }
                for c in self.candidates
            ],
        }


@dataclass(frozen=True)
class _Alias:
    """One indexed form: which entry, what kind, base confidence, and the region dropped."""

    entry: int
    kind: str
    confidence: float
    region: str


class _Distinctiveness:
    """Whether a form carries a trade name, not just region and industry words.

    Industry words come from a list and from the registry itself: a character pair found in
    more than one name in two thousand (通信, 模具, 热电 …) names a trade, not a firm.
    """

    def __init__(self, stems: Iterable[str], count: int):
        threshold = max(50, count // 2000)
        frequency = Counter(
            pair for stem in stems for pair in {stem[i : i + 2] for i in range(len(stem) - 1)}
        )
        self._common_pairs = {pair for pair, seen in frequency.items() if seen >= threshold}

    def __call__(self, form: str) -> bool:
        core = core_name(form) if len(form) > 3 else form
        if ANONYMISED.search(form) or is_place_name(core) or len(INDUSTRY.sub("", core)) < 2:
            return False
        return any(core[i : i + 2] not in self._common_pairs for i in range(len(core) - 1))


def _short_confidence(length: int) -> float:
    # Two characters turn up inside other words (物流园一期 holds 园一): little certainty.
    return 0.4 if length <= 2 else (0.65 if length == 3 else 0.75)


def _name_forms(
    name: str, kind: str, is_distinctive: Callable[[str], bool]
) -> list[tuple[str, _Alias]]:
    """Forms of a registered (or former) name, each with the region prefix it drops."""
    full = normalise(name)
    without_region = strip_region(full)
    strong = 0.99 if kind == FULL else 0.95
    if without_region != full and not is_distinctive(without_region):
        # 青岛建筑工程有限公司 without 青岛 is any building firm: only the whole name counts.
        without_region = full
    region = full[: len(full) - len(without_region)]
    forms = [(without_region, _Alias(-1, kind, strong if not region else strong - 0.04, region))]
    stem = strip_legal_form(without_region)
    if stem != without_region and len(stem) >= 3 and is_distinctive(stem):
        # Without the legal form people still mean the firm, but the shorter string could
        # equally be a project or a brand: a near miss rather than the name itself.
        forms.append((stem, _Alias(-1, FUZZY, 0.85, region)))
    return forms


def _trade_forms(
    name: str, is_distinctive: Callable[[str], bool]
) -> tuple[list[tuple[str, _Alias]], str, str]:
    """The trade-name forms of a registered name (国联运输, and 国联 to be met with 公司/厂/店
    after it or as a bare candidate), with the name's place and industry words, which rank
    the firms sharing a trade name."""
    parts = name_parts(name)
    trade = parts.trade_name
    if len(trade) < 2 or ANONYMISED.search(trade) or not is_distinctive(trade):
        return [], parts.place, parts.industry
    forms = [(trade, _Alias(-1, TRADE, 0.0, ""))]
    if parts.industry:
        forms.insert(0, (trade + parts.industry, _Alias(-1, TRADE, 0.8, "")))
    return forms, parts.place, parts.industry


class Linker:
    """Links texts to a registry of enterprises; build once, call `link` per text."""

    def __init__(self, entries: Sequence[RegistryEntry]):
        self.entries = list(entries)
        self._places: list[str] = []
        self._industries: list[str] = []
        self._aliases: list[list[_Alias]] = []
        self._alias_entries: list[int] = []
        self._form_lengths: list[int] = []
        self._automaton = ahocorasick.Automaton()
        self._build_automaton()
        self._build_fuzzy_index()
        self._build_name_indexes()

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> Linker:
        return cls([entry_from_row(row) for row in rows])

    @classmethod
    def from_file(cls, path: Path) -> Linker:
        return cls(read_registry(path))

    def _build_automaton(self) -> None:
        self._is_distinctive = is_distinctive = _Distinctiveness(
            (strip_legal_form(strip_region(normalise(e.name))) for e in self.entries),
            len(self.entries),
        )
        by_form: dict[str, list[_Alias]] = {}
        for index, entry in enumerate(self.entries):
            forms = _name_forms(entry.name, FULL, is_distinctive)
            for former in entry.former_names:
                forms.extend(_name_forms(former, FORMER, is_distinctive))
            for short in entry.short_names:
                short_form = normalise(short)
                if len(short_form) >= 2 and is_distinctive(short_form):
                    forms.append((short_form, _Alias(-1, SHORT, 0.0, "")))
            trade_forms, place, industry = _trade_forms(entry.name, is_distinctive)
            forms.extend(trade_forms)
            self._places.append(place)
            self._industries.append(industry)
            seen: set[str] = set()
            for form, alias in forms:
                if form in seen:
                    continue
                seen.add(form)
                by_form.setdefault(form, []).append(
                    _Alias(index, alias.kind, alias.confidence, alias.region)
                )
        for form, aliases in by_form.items():
            self._automaton.add_word(form, len(self._aliases))
            # A form many firms share (a common short name) keeps only its likeliest few.
            self._alias_entries.append(len({alias.entry for alias in aliases}))
            aliases.sort(key=lambda alias: -alias.confidence)
            keep = MAX_TRADE_HOLDERS if aliases[-1].kind == TRADE else 2 * MAX_CANDIDATES
            self._aliases.append(aliases[:keep])
            self._form_lengths.append(len(form))
        if by_form:
            self._automaton.make_automaton()

    def _build_fuzzy_index(self) -> None:
        """Characters and character pairs of each name's stem → names, leaving out those
        common to more than one name in fifty (有, 建筑 …) so that a look-up stays cheap."""
        self._fuzzy_names = [strip_region(normalise(entry.name)) for entry in self.entries]
        self._brands = [_brand(name) for name in self._fuzzy_names]
        self._pairs_to_names = None
        if not self.entries:
            return
        self._vectorizer = TfidfVectorizer(
            analyzer="char",
            ngram_range=(1, 2),
            max_df=max(100, len(self.entries) // 50),
            lowercase=False,
            sublinear_tf=True,
            dtype=np.float32,
        )
        try:
            matrix = self._vectorizer.fit_transform(
                [strip_legal_form(name) for name in self._fuzzy_names]
            )
        except ValueError:  # every character is common: too uniform a registry to fuzz
            return
        self._pairs_to_names = matrix.T.tocsr()

    def _build_name_indexes(self) -> None:
        """Former and short names exactly as registered → credit codes of the enterprises
        bearing them; each two-character piece → the first NAMES_PER_PIECE registered names
        holding it, by name."""
        self._known_as: dict[str, list[str]] = {}
        self._names_with_piece: dict[str, list[int]] = {}
        for entry in self.entries:
            for other in dict.fromkeys([*entry.former_names, *entry.short_names]):
                self._known_as.setdefault(other, []).append(entry.credit_code)
        by_name = sorted(range(len(self.entries)), key=lambda index: self.entries[index].name)
        for index in by_name:
            name = self.entries[index].name
            for piece in {name[start : start + 2] for start in range(len(name) - 1)}:
                holders = self._names_with_piece.setdefault(piece, [])
                if len(holders) < NAMES_PER_PIECE:
                    holders.append(index)

    # --- names ---------------------------------------------------------------------------

    def known_as(self, name: str) -> list[str]:
        """Credit codes of the enterprises with `name`, exactly, among their former or short
        names (their registered name is not looked at)."""
        return list(self._known_as.get(name, ()))

    def closest_names(
        self, name: str, *, limit: int, min_score: float
    ) -> list[tuple[str, str, float]]:
        """(credit code, registered name, score 0–100) of the registered names most like a
        told name, best first: compared whole (rapidfuzz WRatio) with the names sharing one of
        its two-character pieces. Catches what `link`'s distinctiveness filter skips in a small
        registry."""
        pool: dict[str, str] = {}
        for start in range(0, max(len(name) - 1, 1), 2):
            piece = name[start : start + 2]
            if len(piece) < 2:
                continue
            for index in self._names_with_piece.get(piece, ()):
                entry = self.entries[index]
                pool[entry.credit_code] = entry.name
        matches = process.extract(
            name, pool, scorer=fuzz.WRatio, limit=limit, score_cutoff=min_score
        )
        return [(code, registered, score) for registered, score, code in matches]

    # --- linking -------------------------------------------------------------------------

    def link(self, text: str) -> list[Candidate]:
        """Every candidate of every mention, by position, most likely first at each."""
        return [candidate for mention in self.mentions(text) for candidate in mention.candidates]

    def mentions(self, text: str) -> list[Mention]:
        folded = normalise_keep(text)
        chosen = self._exact_matches(folded)
        chosen = self._add_near_misses(folded, chosen)
        mentions = []
        for start, end, candidates in sorted(chosen, key=lambda match: match[0]):
            ranked = sorted(candidates, key=lambda c: (-c.confidence, c.credit_code))
            ranked_tuple = tuple(
                Candidate(
                    credit_code=c.credit_code,
                    name=c.name,
                    matched_text=text[start:end],
                    start=start,
                    end=end,
                    match_kind=c.match_kind,
                    confidence=c.confidence,
                )
                for c in ranked[:MAX_CANDIDATES]
            )
            mentions.append(Mention(start, end, text[start:end], ranked_tuple))
        return mentions

    def _exact_matches(self, folded: str) -> list[tuple[int, int, list[Candidate]]]:
        if not self._aliases:
            return []
        found = []
        for last, alias_id in self._automaton.iter(folded):
            aliases = self._aliases[alias_id]
            start, end = last - self._form_lengths[alias_id] + 1, last + 1
            if ANONYMISED.search(folded[max(0, start - 2) : start]):
                continue
            if aliases[0].kind == TRADE and aliases[0].confidence == 0.0:
                # A bare trade name: a firm only where a company ending follows (国联公司),
                # else, three characters or more, a weak candidate; two bare characters are
                # as likely a word (国联 in 中国联通).
                if not _TRADE_ENDING.match(folded, end) and end - start < 3:
                    continue
            share = 1.0 / self._alias_entries[alias_id] ** 0.5
            candidates, start = self._candidates_at(folded, start, end, aliases, share)
            if candidates and candidates[0].match_kind in (FUZZY, SHORT, TRADE):
                # 鑫源物流公司: a name without its legal form followed by a shorter one.
                legal_form = _ANCHOR.match(folded, end)
                end = legal_form.end() if legal_form else end
            if candidates:
                found.append((start, end, candidates))
        return _non_overlapping(found)

    def _candidates_at(
        self, folded: str, start: int, end: int, aliases: list[_Alias], share: float
    ) -> tuple[list[Candidate], int]:
        """Candidates for one matched form; a region written before it extends the match."""
        candidates = []
        new_start = start
        for alias in aliases:
            entry = self.entries[alias.entry]
            confidence = alias.confidence
            if alias.kind == SHORT:
                confidence = _short_confidence(end - start)
                if _COMPANY_CONTEXT.match(folded[end : end + 4]):
                    confidence += 0.15
            elif alias.kind == TRADE:
                confidence = self._trade_confidence(folded, start, end, alias, share)
                candidates.append(
                    Candidate(entry.credit_code, entry.name, "", start, end, TRADE, confidence)
                )
                continue
            if alias.region and folded[max(0, start - len(alias.region)) : start] == alias.region:
                # The full registered name, region included.
                confidence = min(0.99, confidence + 0.04)
                new_start = min(new_start, start - len(alias.region))
            candidates.append(
                Candidate(
                    credit_code=entry.credit_code,
                    name=entry.name,
                    matched_text="",
                    start=start,
                    end=end,
                    match_kind=alias.kind,
                    confidence=round(confidence * share, 3),
                )
            )
        return candidates, new_start

    def _trade_confidence(
        self, folded: str, start: int, end: int, alias: _Alias, share: float
    ) -> float:
        """A trade name met in a text: 0.8 with its industry words, 0.75 with a company
        ending, else 0.35 (a candidate only), shared among the firms bearing it; among those,
        the firm whose place or industry words the text also holds ranks first."""
        if alias.confidence:
            base = alias.confidence
        elif _TRADE_ENDING.match(folded, end):
            base = 0.75
        else:
            base = 0.35
        place, industry = self._places[alias.entry], self._industries[alias.entry]
        outside = folded[:start] + " " + folded[end:]
        cues = sum(
            1
            for words in (place, industry if not alias.confidence else "")
            if words and _any_part_in(words, outside)
        )
        return round(min(base, base * share + 0.1 * cues), 3)

    def _add_near_misses(
        self, folded: str, chosen: list[tuple[int, int, list[Candidate]]]
    ) -> list[tuple[int, int, list[Candidate]]]:
        if self._pairs_to_names is None:
            return chosen
        for anchor in _ANCHOR.finditer(folded):
            if any(
                start <= anchor.start() < end and candidates[0].match_kind in (FULL, FORMER)
                for start, end, candidates in chosen
            ):
                continue
            window_start = anchor.start()
            while window_start > max(0, anchor.start() - _WINDOW):
                if _WINDOW_BREAK.match(folded[window_start - 1]):
                    break
                window_start -= 1
            if window_start > 0 and ANONYMISED.match(folded[window_start - 1]):
                continue  # 某某建筑公司, XX物流公司: a name withheld, not misspelt
            if anchor.start() - window_start < 2:
                continue
            near = self._near_miss(folded[window_start : anchor.end()])
            if near is None:
                continue
            offset, end, candidates = near
            span_start, span_end = window_start + offset, window_start + end
            overlapping = [m for m in chosen if m[0] < span_end and span_start < m[1]]
            if any(
                m[2][0].match_kind in (FULL, FORMER)
                or not (span_start <= m[0] and m[1] <= span_end)
                for m in overlapping
            ):
                continue
            chosen = [m for m in chosen if m not in overlapping]
            chosen.append((span_start, span_end, candidates))
        return chosen

    def _near_miss(self, query: str) -> tuple[int, int, list[Candidate]] | None:
        """Registry names that `query` (text ending in a legal form) misspells."""
        assert self._pairs_to_names is not None
        vector = self._vectorizer.transform([strip_legal_form(query)])
        if vector.nnz == 0:
            return None
        similarity = (vector @ self._pairs_to_names).tocsr()
        if similarity.nnz == 0:
            return None
        keep = min(5 * MAX_CANDIDATES, similarity.nnz)
        nearest = np.argpartition(-similarity.data, keep - 1)[:keep]
        order = nearest[np.argsort(-similarity.data[nearest], kind="stable")]
        scored: list[tuple[float, int, int, int]] = []
        for position in order:
            index = int(similarity.indices[position])
            alignment = fuzz.partial_ratio_alignment(self._fuzzy_names[index], query)
            if alignment is None or alignment.score < FUZZY_MIN_SCORE:
                continue
            written = query[alignment.dest_start : alignment.dest_end]
            if not self._is_distinctive(written):
                continue  # 模具有限公司 is any mould maker
            confidence = _near_miss_confidence(
                self._brands[index], _brand(written), alignment.score
            )
            if confidence > 0:
                scored.append((confidence, index, alignment.dest_start, alignment.dest_end))
        if not scored:
            return None
        scored.sort(key=lambda item: (-item[0], item[1]))
        best, _, start, end = scored[0]
        candidates = [
            Candidate(
                credit_code=self.entries[index].credit_code,
                name=self.entries[index].name,
                matched_text="",
                start=0,
                end=0,
                match_kind=FUZZY,
                confidence=round(confidence, 3),
            )
            for confidence, index, _, _ in scored
            if confidence >= best - 0.1
        ]
        return start, end, candidates


def _any_part_in(words: str, text: str) -> bool:
    """Whether the text holds the words, or a two-character piece of them that is not a
    place ending (柳州市 → 柳州; 道路运输 → 运输)."""
    if words in text:
        return True
    return any(
        words[i : i + 2] in text
        for i in range(0, len(words) - 1, 2)
        if words[i + 1 : i + 2] not in "省市区县"
    )


def _brand(name: str) -> str:
    """The trade name (字号): the name without region, industry words and legal form."""
    return INDUSTRY.sub("", core_name(name))


def _near_miss_confidence(registered_brand: str, written_brand: str, score: float) -> float:
    """A typo in the industry words or legal form is forgiven; in the trade name only one
    character, and in a two-character trade name that leaves little certainty."""
    if not registered_brand or ANONYMISED.search(written_brand):
        return 0.0
    distance = Levenshtein.distance(registered_brand, written_brand)
    if distance == 0:
        return 0.85 * score / 100.0
    if distance == 1 and len(registered_brand) >= 3:
        return 0.75 * score / 100.0
    if distance == 1 and len(registered_brand) == 2 and len(written_brand) == 2:
        return 0.55 * score / 100.0
    return 0.0


def _non_overlapping(
    found: list[tuple[int, int, list[Candidate]]],
) -> list[tuple[int, int, list[Candidate]]]:
    """Longest matches first; a match overlapping a kept one is dropped."""
    kept: list[tuple[int, int, list[Candidate]]] = []
    occupied = bytearray()
    for start, end, candidates in sorted(
        found, key=lambda m: (-(m[1] - m[0]), -max(c.confidence for c in m[2]), m[0])
    ):
        if len(occupied) < end:
            occupied.extend(b"\0" * (end - len(occupied)))
        if any(occupied[start:end]):
            continue
        occupied[start:end] = b"\1" * (end - start)
        kept.append((start, end, candidates))
    return kept
