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

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer

from laborwatch.text.link_index import (
    FORMS_ARRAYS,
    KIND_CODES,
    Entries,
    Forms,
    Postings,
    blob_arrays,
    blob_from,
    forms_of,
    open_arrays,
    postings_arrays,
    postings_from,
    save_arrays,
    string_hashes,
    tfidf_vector,
)
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

    def __init__(self, common_pairs: Iterable[str]):
        self.common_pairs = frozenset(common_pairs)

    @classmethod
    def of_stems(cls, stems: Iterable[str], count: int) -> _Distinctiveness:
        threshold = max(50, count // 2000)
        frequency = Counter(
            pair for stem in stems for pair in {stem[i : i + 2] for i in range(len(stem) - 1)}
        )
        return cls(pair for pair, seen in frequency.items() if seen >= threshold)

    def __call__(self, form: str) -> bool:
        core = core_name(form) if len(form) > 3 else form
        if ANONYMISED.search(form) or is_place_name(core) or len(INDUSTRY.sub("", core)) < 2:
            return False
        return any(core[i : i + 2] not in self.common_pairs for i in range(len(core) - 1))


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
    """Links texts to a registry of enterprises; build once (or open a saved index), call
    `link` per text."""

    def __init__(self, entries: Sequence[RegistryEntry]):
        arrays, meta = _build_index(list(entries))
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
        self._is_distinctive = _Distinctiveness(meta["common_pairs"])
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

    def _aliases_of(self, form: int) -> list[_Alias]:
        forms = self._forms
        first, last = int(forms.alias_starts[form]), int(forms.alias_starts[form + 1])
        return [
            _Alias(entry, KIND_CODES[kind], confidence, self._regions[region])
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
        aliases: list[_Alias],
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
            candidates.append(
                Candidate(
                    credit_code=code,
                    name=name,
                    matched_text="",
                    start=start,
                    end=end,
                    match_kind=alias.kind,
                    confidence=round(confidence * share, 3),
                )
            )
        return candidates, new_start

    def _trade_confidence(
        self, folded: str, start: int, end: int, alias: _Alias, share: float, context: str
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


def _build_index(entries: list[RegistryEntry]) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The index's arrays and metadata from the registry's entries."""
    stems = [strip_legal_form(strip_region(normalise(e.name))) for e in entries]
    is_distinctive = _Distinctiveness.of_stems(stems, len(entries))
    by_form: dict[str, list[_Alias]] = {}
    places: dict[str, int] = {"": 0}
    industries: dict[str, int] = {"": 0}
    place_ids, industry_ids = [], []
    for index, entry in enumerate(entries):
        forms = _name_forms(entry.name, FULL, is_distinctive)
        for former in entry.former_names:
            forms.extend(_name_forms(former, FORMER, is_distinctive))
        for short in entry.short_names:
            short_form = normalise(short)
            if len(short_form) >= 2 and is_distinctive(short_form):
                forms.append((short_form, _Alias(-1, SHORT, 0.0, "")))
        trade_forms, place, industry = _trade_forms(entry.name, is_distinctive)
        forms.extend(trade_forms)
        place_ids.append(places.setdefault(place, len(places)))
        industry_ids.append(industries.setdefault(industry, len(industries)))
        seen: set[str] = set()
        for form, alias in forms:
            if form in seen:
                continue
            seen.add(form)
            by_form.setdefault(form, []).append(
                _Alias(index, alias.kind, alias.confidence, alias.region)
            )
    counts: dict[str, int] = {}
    kept: dict[str, list[tuple[int, str, float, str]]] = {}
    for form, aliases in by_form.items():
        # A form many firms share (a common short name) keeps only its likeliest few.
        counts[form] = len({alias.entry for alias in aliases})
        aliases.sort(key=lambda alias: -alias.confidence)
        keep = MAX_TRADE_HOLDERS if aliases[-1].kind == TRADE else 2 * MAX_CANDIDATES
        kept[form] = [(a.entry, a.kind, a.confidence, a.region) for a in aliases[:keep]]
    indexed, regions = forms_of(kept, counts)
    stored = Entries.of(entries)
    arrays: dict[str, np.ndarray] = {
        **{f"form_{name}": getattr(indexed, name) for name in FORMS_ARRAYS},
        **blob_arrays("form_texts", indexed.texts),
        **blob_arrays("codes", stored.codes),
        **blob_arrays("names", stored.names),
        **blob_arrays("shorts", stored.shorts),
        **blob_arrays("formers", stored.formers),
        "place_ids": np.array(place_ids, dtype=np.int32),
        "industry_ids": np.array(industry_ids, dtype=np.int32),
        **postings_arrays("known_as", _known_as(entries)),
        **postings_arrays("pieces", _names_with_piece(entries)),
    }
    fuzzy = _fuzzy_arrays([strip_region(normalise(e.name)) for e in entries])
    arrays.update(fuzzy)
    meta = {
        "entries": len(entries),
        "regions": regions,
        "places": list(places),
        "industries": list(industries),
        "common_pairs": sorted(is_distinctive.common_pairs),
        "has_fuzzy": bool(fuzzy),
    }
    return arrays, meta


def _known_as(entries: Sequence[RegistryEntry]) -> Postings:
    """Former and short names exactly as registered → the enterprises bearing them."""
    holders: dict[str, list[int]] = {}
    for index, entry in enumerate(entries):
        for other in dict.fromkeys([*entry.former_names, *entry.short_names]):
            holders.setdefault(other, []).append(index)
    return Postings.of(holders)


def _names_with_piece(entries: Sequence[RegistryEntry]) -> Postings:
    """Each two-character piece → the first NAMES_PER_PIECE registered names holding it, by
    name."""
    holders: dict[str, list[int]] = {}
    for index in sorted(range(len(entries)), key=lambda i: entries[i].name):
        name = entries[index].name
        for piece in {name[start : start + 2] for start in range(len(name) - 1)}:
            found = holders.setdefault(piece, [])
            if len(found) < NAMES_PER_PIECE:
                found.append(index)
    return Postings.of(holders)


def _fuzzy_arrays(fuzzy_names: list[str]) -> dict[str, np.ndarray]:
    """Characters and character pairs of each name's stem → names (TF-IDF weights), leaving out
    those common to more than one name in fifty (有, 建筑 …) so that a look-up stays cheap."""
    if not fuzzy_names:
        return {}
    vectorizer = TfidfVectorizer(
        analyzer="char",
        ngram_range=(1, 2),
        max_df=max(100, len(fuzzy_names) // 50),
        lowercase=False,
        sublinear_tf=True,
        dtype=np.float32,
    )
    try:
        matrix = vectorizer.fit_transform([strip_legal_form(name) for name in fuzzy_names])
    except ValueError:  # every character is common: too uniform a registry to fuzz
        return {}
    pairs_to_names = matrix.T.tocsr()
    grams = list(vectorizer.vocabulary_)
    hashes = string_hashes(grams)
    order = np.argsort(hashes, kind="stable")
    return {
        "fuzzy_vocabulary": hashes[order],
        "fuzzy_columns": np.array([vectorizer.vocabulary_[grams[i]] for i in order], np.int32),
        "fuzzy_idf": vectorizer.idf_.astype(np.float32),
        "fuzzy_data": pairs_to_names.data.astype(np.float32),
        "fuzzy_indices": pairs_to_names.indices.astype(np.int32),
        "fuzzy_indptr": pairs_to_names.indptr.astype(np.int64),
    }


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
