"""Enterprise linking (企业关联): which registered enterprises a text speaks of.

Exact forms (the name, the name without its region, former names, short names, the name
without its legal form, the trade name with or without its industry words; see link_build)
are looked up in the index (link_index) for every substring of a text that may open one;
mentions ending in a legal form that no exact form explains (typos) are matched with
rapidfuzz against the few registry names that share rare character pairs with them.

The `Linker` is the one index of the registry the application links with: besides texts, it
answers which enterprises bear a former or short name (`known_as`) and which registered names
a told name most resembles (`closest_names`, the last resort when nothing else matched).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein
from scipy.sparse import csr_matrix

from laborwatch.text.link_build import (
    FORMER,
    FULL,
    FUZZY,
    MAX_CANDIDATES,
    SHORT,
    TRADE,
    Alias,
    Distinctiveness,
    build_index,
)
from laborwatch.text.link_index import (
    FORMS_ARRAYS,
    KIND_CODES,
    Entries,
    Forms,
    blob_from,
    open_arrays,
    postings_from,
    save_arrays,
    tfidf_vector,
)
from laborwatch.text.names import (
    ANONYMISED,
    INDUSTRY,
    core_name,
    normalise,
    normalise_keep,
    strip_legal_form,
    strip_region,
)
from laborwatch.text.registry import RegistryEntry, entry_from_row, read_registry

FUZZY_MIN_SCORE = 85.0
# After a short name these make it likelier a company is meant: 海尔的工地, 海尔公司.
_COMPANY_CONTEXT = re.compile(r"^(?:的)?(?:公司|集团|厂|店|工地|项目|门店|总部|超市|老板|工厂)")
_ANCHOR = re.compile(r"有限责任公司|股份有限公司|有限公司|集团|公司|厂")
# What follows a trade name when a worker names the firm by it: 国联公司, 国联集团, 国联的厂.
_TRADE_ENDING = re.compile(r"(?:的)?(?:有限公司|公司|集团|厂|店|超市|酒店|门店|工地|项目部)")
_WINDOW_BREAK = re.compile(r"[，。！？、；：,.!?;:\s“”\"'()\[\]《》]|某|[XxＸｘ×*＊]")
_WINDOW = 20
# Characters that continue a number written in digits (180万, 3个, 5号): no name starts there.
_NUMBER_UNITS = frozenset("十百千万亿元角年月日号个名人位次届期")


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


class Linker:
    """Links texts to a registry of enterprises; build once (or open a saved index), call
    `link` per text."""

    def __init__(self, entries: Sequence[RegistryEntry]):
        arrays, meta = build_index(list(entries))
        self._attach(arrays, meta)

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> Linker:
        return cls([entry_from_row(row) for row in rows])

    @classmethod
    def from_file(cls, path: Path) -> Linker:
        return cls(read_registry(path))

    @classmethod
    def open(cls, folder: Path) -> Linker:
        """A saved index (see `save`), memory-mapped: opened in a fraction of a second, its
        pages shared by every process that opens the same folder."""
        linker = cls.__new__(cls)
        linker._attach(*open_arrays(folder))
        return linker

    def warm(self) -> None:
        """Read the pages that every text's search touches (the forms' hashes, lengths, texts
        and aliases) into this process, so the first text after opening is as fast as the rest.
        The pages are the page cache's, shared by every process that maps the same files."""
        forms = self._forms
        hot = [
            forms.hashes,
            forms.lengths,
            forms.entry_counts,
            forms.first_pairs,
            forms.first_pair_longest,
            forms.texts.data,
            forms.texts.offsets,
            forms.alias_starts,
            forms.alias_entries,
            forms.alias_kinds,
            forms.alias_confidences,
            forms.alias_regions,
        ]
        for array in hot:
            # One element a page is enough to bring the page in; the copy is a few kB.
            np.array(array[:: max(1, 4096 // array.itemsize)])

    def save(self, folder: Path, **meta: Any) -> None:
        """Write the index to `folder` (replaced whole), with `meta` kept beside it."""
        save_arrays(folder, self._arrays, {**self.meta, **meta})

    def _attach(self, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
        self._arrays = arrays
        self.meta = meta
        self.entries = Entries(
            blob_from(arrays, "codes"),
            blob_from(arrays, "names"),
            blob_from(arrays, "shorts"),
            blob_from(arrays, "formers"),
        )
        self._forms = Forms(
            texts=blob_from(arrays, "form_texts"),
            **{name: arrays[f"form_{name}"] for name in FORMS_ARRAYS},
        )
        self._regions: list[str] = meta["regions"]
        self._places: list[str] = meta["places"]
        self._industries: list[str] = meta["industries"]
        self._place_ids = arrays["place_ids"]
        self._industry_ids = arrays["industry_ids"]
        self._is_distinctive = Distinctiveness(meta["common_pairs"])
        self._known_as = postings_from(arrays, "known_as")
        self._names_with_piece = postings_from(arrays, "pieces")
        self._pairs_to_names: csr_matrix | None = None
        if meta["has_fuzzy"]:
            self._vocabulary = arrays["fuzzy_vocabulary"]
            self._vocabulary_columns = arrays["fuzzy_columns"]
            self._idf = arrays["fuzzy_idf"]
            self._pairs_to_names = csr_matrix(
                (arrays["fuzzy_data"], arrays["fuzzy_indices"], arrays["fuzzy_indptr"]),
                shape=(len(self._idf), len(self.entries)),
                copy=False,
            )

    def _aliases_of(self, form: int) -> list[Alias]:
        forms = self._forms
        first, last = int(forms.alias_starts[form]), int(forms.alias_starts[form + 1])
        return [
            Alias(entry, KIND_CODES[kind], confidence, self._regions[region])
            for entry, kind, confidence, region in zip(
                forms.alias_entries[first:last].tolist(),
                forms.alias_kinds[first:last].tolist(),
                forms.alias_confidences[first:last].tolist(),
                forms.alias_regions[first:last].tolist(),
                strict=True,
            )
        ]

    # --- names ---------------------------------------------------------------------------

    def known_as(self, name: str) -> list[str]:
        """Credit codes of the enterprises with `name`, exactly, among their former or short
        names (their registered name is not looked at)."""
        return [
            self.entries.codes[index]
            for index in self._known_as.get(name).tolist()
            if name in (entry := self.entries[index]).former_names or name in entry.short_names
        ]

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
            for index in self._names_with_piece.get(piece).tolist():
                pool[self.entries.codes[index]] = self.entries.names[index]
        matches = process.extract(
            name, pool, scorer=fuzz.WRatio, limit=limit, score_cutoff=min_score
        )
        return [(code, registered, score) for registered, score, code in matches]

    # --- linking -------------------------------------------------------------------------

    def link(self, text: str, *, context: str = "") -> list[Candidate]:
        """Every candidate of every mention, by position, most likely first at each."""
        return [
            candidate
            for mention in self.mentions(text, context=context)
            for candidate in mention.candidates
        ]

    def mentions(self, text: str, *, context: str = "") -> list[Mention]:
        """The enterprises `text` names, by position. `context` is what else is known of the
        writer (at intake, the caller's district or street): its place and industry words rank
        the firms sharing a trade name as the text's own do."""
        folded = normalise_keep(text)
        chosen = self._exact_matches(folded, normalise_keep(context))
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

    def _exact_matches(self, folded: str, context: str) -> list[tuple[int, int, list[Candidate]]]:
        found = []
        forms = self._forms
        for start, end, form in forms.find(folded):
            if ANONYMISED.search(folded[max(0, start - 2) : start]):
                continue
            if start and folded[start - 1].isdigit() and folded[start] in _NUMBER_UNITS:
                continue  # 180万美元: a number's unit, not the short name 万美元
            first = int(forms.alias_starts[form])
            bare_trade_name = (
                KIND_CODES[int(forms.alias_kinds[first])] == TRADE
                and float(forms.alias_confidences[first]) == 0.0
            )
            if bare_trade_name and end - start < 3 and not _TRADE_ENDING.match(folded, end):
                # A bare trade name: a firm only where a company ending follows (国联公司),
                # else, three characters or more, a weak candidate; two bare characters are
                # as likely a word (国联 in 中国联通).
                continue
            aliases = self._aliases_of(form)
            share = 1.0 / int(forms.entry_counts[form]) ** 0.5
            candidates, start = self._candidates_at(folded, start, end, aliases, share, context)
            if candidates and candidates[0].match_kind in (FUZZY, SHORT, TRADE):
                # 鑫源物流公司: a name without its legal form followed by a shorter one.
                legal_form = _ANCHOR.match(folded, end)
                end = legal_form.end() if legal_form else end
            if candidates:
                found.append((start, end, candidates))
        return _non_overlapping(found)

    def _candidates_at(
        self,
        folded: str,
        start: int,
        end: int,
        aliases: list[Alias],
        share: float,
        context: str = "",
    ) -> tuple[list[Candidate], int]:
        """Candidates for one matched form; a region written before it extends the match."""
        candidates = []
        new_start = start
        for alias in aliases:
            code, name = self.entries.codes[alias.entry], self.entries.names[alias.entry]
            confidence = alias.confidence
            if alias.kind == SHORT:
                confidence = _short_confidence(end - start)
                if _COMPANY_CONTEXT.match(folded[end : end + 4]):
                    confidence += 0.15
            elif alias.kind == TRADE:
                confidence = self._trade_confidence(folded, start, end, alias, share, context)
                candidates.append(Candidate(code, name, "", start, end, TRADE, confidence))
                continue
            if alias.region and folded[max(0, start - len(alias.region)) : start] == alias.region:
                # The full registered name, region included.
                confidence = min(0.99, confidence + 0.04)
                new_start = min(new_start, start - len(alias.region))
            shared = confidence * share
            if alias.kind == FUZZY and share < 1:
                # A name without region and legal form is its trade name and industry words
                # (国联运输): among the firms sharing it, their places in the text or the
                # caller's context rank them, as for trade names.
                place = self._places[int(self._place_ids[alias.entry])]
                outside = f"{folded[:start]} {folded[end:]} {context}"
                shared = min(confidence, shared + 0.1 * place_cues(place, outside))
            candidates.append(
                Candidate(
                    credit_code=code,
                    name=name,
                    matched_text="",
                    start=start,
                    end=end,
                    match_kind=alias.kind,
                    confidence=round(shared, 3),
                )
            )
        return candidates, new_start

    def _trade_confidence(
        self, folded: str, start: int, end: int, alias: Alias, share: float, context: str
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
        place = self._places[int(self._place_ids[alias.entry])]
        industry = self._industries[int(self._industry_ids[alias.entry])]
        outside = f"{folded[:start]} {folded[end:]} {context}"
        cues = place_cues(place, outside)
        if industry and not alias.confidence and _any_part_in(industry, outside):
            cues += 1
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

    def _similar_names(
        self, columns: np.ndarray, values: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(names, cosine similarity) of the names sharing a gram with the query's TF-IDF row
        (the product of the row and the gram-to-name matrix, read straight off its arrays)."""
        assert self._pairs_to_names is not None
        matrix = self._pairs_to_names
        pieces = [
            (matrix.indices[matrix.indptr[c] : matrix.indptr[c + 1]], c, v)
            for c, v in zip(columns.tolist(), values.tolist(), strict=True)
        ]
        if not pieces or not sum(len(names) for names, _, _ in pieces):
            return np.zeros(0, dtype=np.int32), np.zeros(0)
        names = np.concatenate([names for names, _, _ in pieces])
        weights = np.concatenate(
            [matrix.data[matrix.indptr[c] : matrix.indptr[c + 1]] * v for _, c, v in pieces]
        )
        unique, inverse = np.unique(names, return_inverse=True)
        return unique, np.bincount(inverse, weights=weights)

    def _near_miss(self, query: str) -> tuple[int, int, list[Candidate]] | None:
        """Registry names that `query` (text ending in a legal form) misspells."""
        assert self._pairs_to_names is not None
        columns, values = tfidf_vector(
            strip_legal_form(query), self._vocabulary, self._vocabulary_columns, self._idf
        )
        names, similarity = self._similar_names(columns, values)
        if not len(names):
            return None
        keep = min(5 * MAX_CANDIDATES, len(names))
        nearest = np.argpartition(-similarity, keep - 1)[:keep]
        order = nearest[np.argsort(-similarity[nearest], kind="stable")]
        scored: list[tuple[float, int, int, int]] = []
        for position in order:
            index = int(names[position])
            fuzzy_name = strip_region(normalise(self.entries.names[index]))
            alignment = fuzz.partial_ratio_alignment(fuzzy_name, query)
            if alignment is None or alignment.score < FUZZY_MIN_SCORE:
                continue
            written = query[alignment.dest_start : alignment.dest_end]
            if not self._is_distinctive(written):
                continue  # 模具有限公司 is any mould maker
            confidence = _near_miss_confidence(_brand(fuzzy_name), _brand(written), alignment.score)
            if confidence > 0:
                scored.append((confidence, index, alignment.dest_start, alignment.dest_end))
        if not scored:
            return None
        scored.sort(key=lambda item: (-item[0], item[1]))
        best, _, start, end = scored[0]
        candidates = [
            Candidate(
                credit_code=self.entries.codes[index],
                name=self.entries.names[index],
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


def _short_confidence(length: int) -> float:
    # Two characters turn up inside other words (物流园一期 holds 园一): little certainty.
    return 0.4 if length <= 2 else (0.65 if length == 3 else 0.75)


# A registered name's place read unit by unit: 山东省青岛市黄岛区 → 山东省, 青岛市, 黄岛区.
_PLACE_UNIT = re.compile(r".+?(?:自治区|自治州|省|市|区|县|州|旗|镇|乡)|.+$")


def place_cues(place: str, text: str) -> int:
    """How many units of a registered name's place the text names, with or without their
    ending (黄岛区 or 黄岛): 青岛市李沧区 meets two in 青岛李沧的国联运输, one in 李沧区总工会."""
    found = 0
    for unit in _PLACE_UNIT.findall(place):
        stem = unit.rstrip("省市区县州旗镇乡").removesuffix("自治")
        if unit in text or (len(stem) >= 2 and stem in text):
            found += 1
    return found


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


def best_per_enterprise(candidates: Iterable[Candidate], *, limit: int) -> list[Candidate]:
    """The most confident candidate of each enterprise, most confident first."""
    seen: dict[str, Candidate] = {}
    for candidate in candidates:
        best = seen.get(candidate.credit_code)
        if best is None or candidate.confidence > best.confidence:
            seen[candidate.credit_code] = candidate
    ranked = sorted(seen.values(), key=lambda c: (-c.confidence, c.credit_code))
    return ranked[:limit]
