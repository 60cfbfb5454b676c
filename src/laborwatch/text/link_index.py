"""The linker's index as flat arrays (链接索引): built once from the registry, saved as a folder
of .npy files and opened memory-mapped, so that every process of a server shares one copy in
the page cache and opens it in a fraction of a second.

Strings are found by a 64-bit polynomial hash: the indexed forms (names and their shorter
forms) as a sorted hash array pointing into their aliases, the registry's fields as UTF-8
blobs with offsets. A text is searched by hashing its substrings that start where some form
starts (vectorised with numpy) and looking them up in the sorted array; a hit is checked
against the stored form, so a hash collision never links.
"""

from __future__ import annotations

import json
import math
import os
import shutil
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from laborwatch.text.registry import RegistryEntry

FORMAT = 1
BASE = 0x100000001B3  # the FNV prime, as the polynomial's base
_MASK = (1 << 64) - 1
_FIELD_SEPARATOR = "\x1f"
KIND_CODES = ("full", "former", "short", "fuzzy", "trade")


def string_hash(text: str) -> int:
    """The hash `substring_hashes` gives `text` (h = h·BASE + code point, modulo 2⁶⁴)."""
    value = 0
    for character in text:
        value = (value * BASE + ord(character)) & _MASK
    return value


def string_hashes(texts: Iterable[str]) -> np.ndarray:
    """`string_hash` of each text, computed for all at once, a character position at a time."""
    texts = list(texts)
    if not texts:
        return np.zeros(0, dtype=np.uint64)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    starts = np.zeros(len(texts), dtype=np.int64)
    np.cumsum(lengths[:-1], out=starts[1:])
    hashes = np.zeros(len(texts), dtype=np.uint64)
    for position in range(int(lengths.max())):
        alive = np.flatnonzero(lengths > position)
        hashes[alive] = hashes[alive] * np.uint64(BASE) + codes[starts[alive] + position]
    return hashes


_POWERS = np.array([pow(BASE, n, 1 << 64) for n in range(257)], dtype=np.uint64)
_INVERSE = pow(BASE, -1, 1 << 64)  # BASE is odd: it has an inverse modulo 2⁶⁴
_powers_cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}


def _powers_for(length: int) -> tuple[np.ndarray, np.ndarray]:
    """BASE**i and BASE**-i (modulo 2⁶⁴) for i < length, rounded up to a power of two."""
    size = 1 << max(8, (length - 1).bit_length())
    if size not in _powers_cache:
        base, inverse = [1] * size, [1] * size
        for index in range(1, size):
            base[index] = base[index - 1] * BASE & _MASK
            inverse[index] = inverse[index - 1] * _INVERSE & _MASK
        _powers_cache[size] = (np.array(base, np.uint64), np.array(inverse, np.uint64))
    return _powers_cache[size]


def _prefix_hashes(text: str) -> np.ndarray:
    """The hash of each prefix of `text` (prefix[i] for its first i characters), with numpy:
    prefix[i] = BASE**(i-1) · Σ_{j<i} code[j]·BASE**-j, all modulo 2⁶⁴."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    base, inverse = _powers_for(len(codes) + 1)
    prefix = np.zeros(len(codes) + 1, dtype=np.uint64)
    if len(codes):
        sums = np.cumsum(codes * inverse[: len(codes)], dtype=np.uint64)
        prefix[1:] = base[: len(codes)] * sums
    return prefix


class Blob:
    """Strings stored end to end in UTF-8 with their offsets; item i decoded on demand."""

    def __init__(self, data: np.ndarray, offsets: np.ndarray):
        self.data = data
        self.offsets = offsets

    @classmethod
    def of(cls, strings: Iterable[str]) -> Blob:
        encoded = [text.encode("utf-8") for text in strings]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(item) for item in encoded], out=offsets[1:])
        data = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        return cls(data, offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, index: int) -> str:
        start, end = int(self.offsets[index]), int(self.offsets[index + 1])
        return self.data[start:end].tobytes().decode("utf-8")


class Entries(Sequence[RegistryEntry]):
    """The registry's entries read from blobs: credit code, name, short and former names."""

    def __init__(self, codes: Blob, names: Blob, shorts: Blob, formers: Blob):
        self.codes, self.names, self.shorts, self.formers = codes, names, shorts, formers

    @classmethod
    def of(cls, entries: Sequence[RegistryEntry]) -> Entries:
        return cls(
            Blob.of(entry.credit_code for entry in entries),
            Blob.of(entry.name for entry in entries),
            Blob.of(_FIELD_SEPARATOR.join(entry.short_names) for entry in entries),
            Blob.of(_FIELD_SEPARATOR.join(entry.former_names) for entry in entries),
        )

    def __len__(self) -> int:
        return len(self.codes)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        shorts, formers = self.shorts[index], self.formers[index]
        return RegistryEntry(
            credit_code=self.codes[index],
            name=self.names[index],
            short_names=tuple(shorts.split(_FIELD_SEPARATOR)) if shorts else (),
            former_names=tuple(formers.split(_FIELD_SEPARATOR)) if formers else (),
        )

    def __iter__(self) -> Iterator[RegistryEntry]:
        return (self[index] for index in range(len(self)))


@dataclass
class Postings:
    """Sorted string hashes, each pointing to a run of integers (a CSR list)."""

    hashes: np.ndarray  # uint64, sorted
    starts: np.ndarray  # int64, len(hashes) + 1
    values: np.ndarray  # int32

    @classmethod
    def of(cls, lists: dict[str, list[int]]) -> Postings:
        keys = list(lists)
        hashes = string_hashes(keys)
        order = np.argsort(hashes, kind="stable")
        lengths = np.array([len(lists[keys[i]]) for i in order], dtype=np.int64)
        starts = np.zeros(len(keys) + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        values = np.fromiter(
            (value for i in order for value in lists[keys[i]]), dtype=np.int32, count=starts[-1]
        )
        return cls(hashes[order], starts, values)

    def get(self, key: str) -> np.ndarray:
        value = np.uint64(string_hash(key))
        position = int(np.searchsorted(self.hashes, value))
        if position == len(self.hashes) or self.hashes[position] != value:
            return self.values[:0]
        return self.values[self.starts[position] : self.starts[position + 1]]


@dataclass
class Forms:
    """The indexed forms and their aliases: form f has hash hashes[f], length lengths[f], text
    texts[f], and aliases alias_*[alias_starts[f]:alias_starts[f + 1]], likeliest first."""

    hashes: np.ndarray  # uint64, sorted
    lengths: np.ndarray  # int16
    entry_counts: np.ndarray  # int32: how many enterprises bear the form
    texts: Blob
    alias_starts: np.ndarray  # int64
    alias_entries: np.ndarray  # int32
    alias_kinds: np.ndarray  # uint8, into KIND_CODES
    alias_confidences: np.ndarray  # float32
    alias_regions: np.ndarray  # int32, into the regions table
    first_pairs: np.ndarray  # uint64, sorted: hashes of the forms' first two characters
    first_pair_longest: np.ndarray  # int16: the longest form opening with each of them

    def __post_init__(self) -> None:
        self.longest = int(self.lengths.max()) if len(self.lengths) else 0

    def find(self, text: str) -> Iterator[tuple[int, int, int]]:
        """(start, end, form) of every occurrence of an indexed form in `text`."""
        if len(text) < 2 or not len(self.hashes):
            return
        prefix = _prefix_hashes(text)
        pairs = prefix[2:] - prefix[:-2] * _POWERS[2]
        position = np.searchsorted(self.first_pairs, pairs)
        position[position == len(self.first_pairs)] = 0
        starts = np.flatnonzero(self.first_pairs[position] == pairs)
        if not len(starts):
            return
        # Only as long as the longest form opening with the start's two characters.
        reach = self.first_pair_longest[position[starts]]
        longest = min(int(reach.max()), len(text), len(_POWERS) - 1)
        lengths = np.arange(2, longest + 1)
        ends = starts[:, None] + lengths[None, :]
        inside = (ends <= len(text)) & (lengths[None, :] <= reach[:, None])
        hashes = prefix[np.minimum(ends, len(text))] - prefix[starts][:, None] * _POWERS[lengths]
        hashes, ends = hashes[inside], ends[inside]
        begins = np.broadcast_to(starts[:, None], inside.shape)[inside]
        count = len(self.hashes)
        found = np.searchsorted(self.hashes, hashes)
        found[found == count] = 0
        hit = self.hashes[found] == hashes
        for start, end, form, value in zip(
            begins[hit].tolist(),
            ends[hit].tolist(),
            found[hit].tolist(),
            hashes[hit].tolist(),
            strict=True,
        ):
            # Forms sharing a hash sit side by side: the one spelt as the text, if any.
            while form < count and int(self.hashes[form]) == value:
                if int(self.lengths[form]) == end - start and (self.texts[form] == text[start:end]):
                    yield start, end, form
                    break
                form += 1


FORMS_ARRAYS = (
    "hashes",
    "lengths",
    "entry_counts",
    "alias_starts",
    "alias_entries",
    "alias_kinds",
    "alias_confidences",
    "alias_regions",
    "first_pairs",
    "first_pair_longest",
)


def forms_of(
    by_form: dict[str, list[tuple[int, str, float, str]]], entry_counts: dict[str, int]
) -> tuple[Forms, list[str]]:
    """Forms from {form: [(entry, kind, confidence, region), …]} (already ranked and cut) and
    how many enterprises bear each; with the table of regions the aliases point into."""
    keys = list(by_form)
    hashes = string_hashes(keys)
    order = np.argsort(hashes, kind="stable")
    ordered = [keys[index] for index in order.tolist()]
    runs = [by_form[key] for key in ordered]
    flat = [alias for run in runs for alias in run]
    kind_codes = {kind: code for code, kind in enumerate(KIND_CODES)}
    regions: dict[str, int] = {}
    starts = np.zeros(len(runs) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, runs), dtype=np.int64, count=len(runs)), out=starts[1:])
    forms = Forms(
        hashes=hashes[order],
        lengths=np.fromiter(map(len, ordered), dtype=np.int16, count=len(ordered)),
        entry_counts=np.fromiter(
            (entry_counts[key] for key in ordered), dtype=np.int32, count=len(ordered)
        ),
        texts=Blob.of(ordered),
        alias_starts=starts,
        alias_entries=np.fromiter((a[0] for a in flat), dtype=np.int32, count=len(flat)),
        alias_kinds=np.fromiter((kind_codes[a[1]] for a in flat), dtype=np.uint8, count=len(flat)),
        alias_confidences=np.fromiter((a[2] for a in flat), dtype=np.float32, count=len(flat)),
        alias_regions=np.fromiter(
            (regions.setdefault(a[3], len(regions)) for a in flat), dtype=np.int32, count=len(flat)
        ),
        **_first_pairs(keys),
    )
    return forms, list(regions)


def _first_pairs(keys: list[str]) -> dict[str, np.ndarray]:
    """The hashes of the forms' first two characters, sorted, and the longest form opening
    with each."""
    pairs = string_hashes(key[:2] for key in keys)
    lengths = np.fromiter(map(len, keys), dtype=np.int16, count=len(keys))
    unique, inverse = np.unique(pairs, return_inverse=True)
    longest = np.zeros(len(unique), dtype=np.int16)
    np.maximum.at(longest, inverse, lengths)
    return {"first_pairs": unique, "first_pair_longest": longest}


# --- saving and opening ----------------------------------------------------------------------


def save_arrays(folder: Path, arrays: dict[str, np.ndarray], meta: dict) -> None:
    """Write the arrays and the metadata into `folder`, replacing it whole: written beside it
    first, then swapped in, so a process opening the index never sees half of one."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    building = folder.with_name(f"{folder.name}.building-{os.getpid()}")
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir()
    for name, array in arrays.items():
        np.save(building / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
    (building / "meta.json").write_text(
        json.dumps({"format": FORMAT, **meta}, ensure_ascii=False), encoding="utf-8"
    )
    retired = folder.with_name(f"{folder.name}.retired-{os.getpid()}")
    if folder.exists():
        folder.rename(retired)
    building.rename(folder)
    # Processes that opened the old files keep their mapping; the files go when they close.
    shutil.rmtree(retired, ignore_errors=True)


def open_arrays(folder: Path) -> tuple[dict[str, np.ndarray], dict]:
    folder = Path(folder)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT:
        raise ValueError(f"{folder}: link index format {meta.get('format')}, expected {FORMAT}")
    # Plain arrays over the mapped files: numpy's memmap class costs a call per element read.
    arrays = {
        path.stem: np.load(path, mmap_mode="r", allow_pickle=False).view(np.ndarray)
        for path in folder.glob("*.npy")
    }
    return arrays, meta


def blob_arrays(prefix: str, blob: Blob) -> dict[str, np.ndarray]:
    return {f"{prefix}_data": blob.data, f"{prefix}_offsets": blob.offsets}


def blob_from(arrays: dict[str, np.ndarray], prefix: str) -> Blob:
    return Blob(arrays[f"{prefix}_data"], arrays[f"{prefix}_offsets"])


def postings_arrays(prefix: str, postings: Postings) -> dict[str, np.ndarray]:
    return {
        f"{prefix}_hashes": postings.hashes,
        f"{prefix}_starts": postings.starts,
        f"{prefix}_values": postings.values,
    }


def postings_from(arrays: dict[str, np.ndarray], prefix: str) -> Postings:
    return Postings(
        arrays[f"{prefix}_hashes"], arrays[f"{prefix}_starts"], arrays[f"{prefix}_values"]
    )


def char_grams(text: str) -> list[str]:
    """Characters and character pairs, as scikit-learn's char analyzer with (1, 2) gives them
    for a text without spaces."""
    return list(text) + [text[i : i + 2] for i in range(len(text) - 1)]


def tfidf_vector(
    text: str, vocabulary: np.ndarray, columns: np.ndarray, idf: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(columns, values) of `text`'s TF-IDF row over character 1–2-grams: sublinear counts,
    times idf, L2-normalised; `vocabulary` is the sorted hashes of the known grams and
    `columns` their column numbers."""
    grams = string_hashes(char_grams(text))
    position = np.searchsorted(vocabulary, grams)
    position[position == len(vocabulary)] = 0
    known = columns[position[vocabulary[position] == grams]].tolist()
    counts: dict[int, int] = {}
    for column in known:
        counts[column] = counts.get(column, 0) + 1
    if not counts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    found = np.array(sorted(counts), dtype=np.int64)
    values = np.array([(1.0 + math.log(counts[c])) * float(idf[c]) for c in found])
    return found, values / np.linalg.norm(values)
