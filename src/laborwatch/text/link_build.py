"""Building the linker's index (链接索引构建): from the registry's entries, the forms each
name is found by (full name, without region, former and short names, without the legal form,
trade name with and without its industry words) with their kind and confidence, the
distinctiveness test that keeps generic forms out, and the arrays `link_index` stores."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from laborwatch.text.link_index import (
    FORMS_ARRAYS,
    Entries,
    Postings,
    blob_arrays,
    forms_of,
    postings_arrays,
    string_hashes,
)
from laborwatch.text.names import (
    ANONYMISED,
    INDUSTRY,
    core_name,
    is_industry_word,
    is_place_name,
    name_parts,
    normalise,
    strip_legal_form,
    strip_region,
)
from laborwatch.text.registry import RegistryEntry

FULL, FORMER, SHORT, FUZZY = "full", "former", "short", "fuzzy"
# The trade name (字号) with its industry (国联运输), with a generic ending (国联公司) or bare.
TRADE = "trade"
MAX_CANDIDATES = 10
# How many firms one trade name keeps before ranking by the text's place and industry words.
MAX_TRADE_HOLDERS = 100
# A told name is compared with at most this many registered names per two-character piece, so
# that the last resort stays cheap on a large registry.
NAMES_PER_PIECE = 200


@dataclass(frozen=True)
class Alias:
    """One indexed form: which entry, what kind, base confidence, and the region dropped."""

    entry: int
    kind: str
    confidence: float
    region: str


class Distinctiveness:
    """Whether a form carries a trade name, not just region and industry words.

    Industry words come from a list and from the registry itself: a character pair found in
    more than one name in two thousand (通信, 模具, 热电 …) names a trade, not a firm.
    """

    def __init__(self, common_pairs: Iterable[str]):
        self.common_pairs = frozenset(common_pairs)

    @classmethod
    def of_stems(cls, stems: Iterable[str], count: int) -> Distinctiveness:
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

    def trade_name(self, trade: str) -> bool:
        """Whether a trade name read by `name_parts` names a firm: not a place nor an industry
        word read whole (置业, 建筑工程) nor one character before one (阳食品), and with a pair of
        characters not common in the registry. An industry word inside it is no matter: 科技园
        is a trade name."""
        if len(trade) < 2 or ANONYMISED.search(trade) or is_place_name(trade):
            return False
        if is_industry_word(trade):
            return False
        ends_in_industry = any(match.end() == len(trade) for match in INDUSTRY.finditer(trade))
        if ends_in_industry and len(INDUSTRY.sub("", trade)) < 2:
            return False  # 阳食品: one character and an industry word
        return any(trade[i : i + 2] not in self.common_pairs for i in range(len(trade) - 1))


def _name_forms(
    name: str, kind: str, is_distinctive: Callable[[str], bool]
) -> list[tuple[str, Alias]]:
    """Forms of a registered (or former) name, each with the region prefix it drops."""
    full = normalise(name)
    without_region = strip_region(full)
    strong = 0.99 if kind == FULL else 0.95
    if without_region != full and not is_distinctive(without_region):
        # 青岛建筑工程有限公司 without 青岛 is any building firm: only the whole name counts.
        without_region = full
    region = full[: len(full) - len(without_region)]
    forms = [(without_region, Alias(-1, kind, strong if not region else strong - 0.04, region))]
    stem = strip_legal_form(without_region)
    if stem != without_region and len(stem) >= 3 and is_distinctive(stem):
        # Without the legal form people still mean the firm, but the shorter string could
        # equally be a project or a brand: a near miss rather than the name itself.
        # A name registered without a region, met as written, ranks just above one that
        # drops its region to match (凯奕投资咨询管理 for 凯奕投资咨询管理有限公司 before
        # 上海凯奕投资咨询管理有限公司), as the full name does.
        forms.append((stem, Alias(-1, FUZZY, 0.85 if not region else 0.84, region)))
    return forms


def _trade_forms(
    name: str, is_distinctive: Distinctiveness
) -> tuple[list[tuple[str, Alias]], str, str]:
    """The trade-name forms of a registered name (国联运输, and 国联 to be met with 公司/厂/店
    after it or as a bare candidate), with the name's place and industry words, which rank
    the firms sharing a trade name."""
    parts = name_parts(name)
    trade = parts.trade_name
    if not is_distinctive.trade_name(trade):
        return [], parts.place, parts.industry
    forms = [(trade, Alias(-1, TRADE, 0.0, ""))]
    if parts.industry:
        forms.insert(0, (trade + parts.industry, Alias(-1, TRADE, 0.8, "")))
    return forms, parts.place, parts.industry


def build_index(entries: list[RegistryEntry]) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The index's arrays and metadata from the registry's entries."""
    stems = [strip_legal_form(strip_region(normalise(e.name))) for e in entries]
    is_distinctive = Distinctiveness.of_stems(stems, len(entries))
    by_form: dict[str, list[Alias]] = {}
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
                forms.append((short_form, Alias(-1, SHORT, 0.0, "")))
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
                Alias(index, alias.kind, alias.confidence, alias.region)
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
