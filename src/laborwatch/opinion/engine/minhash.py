"""MinHash signatures of character shingles, datasketch's scheme computed for many texts at
once, and the LSH bands cut from them.

The scheme is datasketch's `MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32")`: its
permutations, its MurmurHash3 pre-mix, its 32-bit affine maps. What datasketch does one text
and one shingle-hash call at a time is done here over a whole batch with numpy, and the test
suite checks that the signatures are the ones `MinHash.update_batch` gives. The shingle hash is
numpy too: a shingle's code points packed into one integer (21 bits each) and folded to 32
bits by Fibonacci hashing; no Python call per shingle (measured: per-shingle hashing, even with
xxhash, costs more than the whole numpy signature).

The LSH bands are datasketch's MinHashLSH(params=(BANDS, ROWS)) cut (band i holds values
i*ROWS … i*ROWS+ROWS-1); each band is reduced to a 64-bit key, so that candidates are found by
sorting keys rather than by a dict of byte strings per band (datasketch's dict storage costs
~20-100 µs per insert here, over a minute for a million posts).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import cache

import numpy as np
from datasketch import MinHash

NUM_PERM = 64
SEED = 20261201
BANDS, ROWS = 16, 4  # candidates from Jaccard ≈ (1/BANDS)^(1/ROWS) = 0.5 on
SHINGLE = 3
# Shingles come from the first characters only: a long article reposted whole or cut is
# still the same article, and a signature should not cost more for a longer text.
MAX_SIGNATURE_CHARS = 300
# Fewer shingles than this (转发微博, 顶, a lone emoji) say nothing about which event a post is.
MIN_SHINGLES = 6
# Texts signed at once: their (shingles × NUM_PERM) table must stay in the CPU cache (~2 MB);
# measured here, 64 texts sign 3-4 times faster than 2,000 (the table spills to memory).
SIGN_BATCH = 64

_FIBONACCI = np.uint64(0x9E3779B97F4A7C15)
_FMIX = (
    np.uint32(16),
    np.uint32(0x85EBCA6B),
    np.uint32(13),
    np.uint32(0xC2B2AE35),
    np.uint32(16),
)
_BAND_MIX = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5],
    dtype=np.uint64,
)
# Kept for shingles: letters and digits of every script; punctuation, spaces, emoji go.
_NOT_WORD = re.compile(r"[\W_]+")


@cache
def permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's (a, b) for NUM_PERM and SEED, uint32."""
    a, b = MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32").permutations
    return a.astype(np.uint32), b.astype(np.uint32)


def shingle_text(text: str) -> str:
    """What is shingled: NFKC, lower case, letters and digits only, the first
    MAX_SIGNATURE_CHARS of them (punctuation, spaces and emoji edits change nothing)."""
    # Punctuation goes first: Chinese text is full of full-width marks that NFKC would map,
    # and what is left (letters, digits, Chinese) is mostly normal already.
    text = _NOT_WORD.sub("", text)
    if not unicodedata.is_normalized("NFKC", text):
        text = _NOT_WORD.sub("", unicodedata.normalize("NFKC", text))
    return text.lower()[:MAX_SIGNATURE_CHARS]


def shingle_hashes(text: str) -> np.ndarray:
    """The 32-bit hashes of the SHINGLE-character shingles of an already shingle_text'ed text
    (one per position; a repeated shingle repeats its hash, which a minimum ignores)."""
    return _chunk_hashes([text])[0]


def _premix(hashes: np.ndarray) -> np.ndarray:
    """datasketch's MurmurHash3 finaliser on 32 bits (wrapping arithmetic)."""
    s1, m1, s2, m2, s3 = _FMIX
    hashes = hashes ^ (hashes >> s1)
    hashes = hashes * m1
    hashes = hashes ^ (hashes >> s2)
    hashes = hashes * m2
    return hashes ^ (hashes >> s3)


def _chunk_hashes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The shingle hashes of all `texts` end to end, and how many each text has: one pass of
    numpy over the joined texts (shingles across a boundary are dropped)."""
    lengths = np.fromiter((len(text) for text in texts), dtype=np.int64, count=len(texts))
    points = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
    points = points.astype(np.uint64)
    count = len(points) - SHINGLE + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint32), np.zeros(len(texts), dtype=np.int64)
    packed = points[:count].copy()
    for offset in range(1, SHINGLE):
        packed = (packed << np.uint64(21)) | points[offset : offset + count]
    owner = np.repeat(np.arange(len(texts)), lengths)
    inside = owner[:count] == owner[SHINGLE - 1 :]
    hashes = ((packed[inside] * _FIBONACCI) >> np.uint64(32)).astype(np.uint32)
    return hashes, np.maximum(lengths - SHINGLE + 1, 0)


def signatures(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(signatures, signed): a (texts, NUM_PERM) uint32 array of MinHash values of the texts
    (already shingle_text'ed), and whether each text had MIN_SHINGLES shingles (rows of the
    others are all 0xFFFFFFFF and must not be matched)."""
    a, b = permutations()
    result = np.full((len(texts), NUM_PERM), np.iinfo(np.uint32).max, dtype=np.uint32)
    signed = np.zeros(len(texts), dtype=bool)
    with np.errstate(over="ignore"):
        for start in range(0, len(texts), SIGN_BATCH):
            chunk = texts[start : start + SIGN_BATCH]
            hashes, counts = _chunk_hashes(chunk)
            enough = counts >= MIN_SHINGLES
            if not enough.any():
                continue
            keep = np.repeat(enough, counts)
            kept_counts = counts[enough]
            mixed = _premix(hashes[keep])
            offsets = np.concatenate([[0], np.cumsum(kept_counts)[:-1]])
            permuted = np.multiply(mixed[:, np.newaxis], a[np.newaxis, :])
            permuted += b[np.newaxis, :]
            rows = start + np.flatnonzero(enough)
            result[rows] = np.minimum.reduceat(permuted, offsets, axis=0)
            signed[rows] = True
    return result, signed


def band_keys(signatures: np.ndarray) -> np.ndarray:
    """(texts, BANDS) uint64: each band's ROWS values reduced to one 64-bit key."""
    bands = signatures[:, : BANDS * ROWS].astype(np.uint64).reshape(len(signatures), BANDS, ROWS)
    with np.errstate(over="ignore"):
        mixed = bands * _BAND_MIX[np.newaxis, np.newaxis, :ROWS]
        keys = mixed[:, :, 0]
        for row in range(1, ROWS):
            keys = (keys ^ (keys >> np.uint64(29))) * _BAND_MIX[0] + mixed[:, :, row]
    return keys


def similarity(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of signature rows taken pairwise (same shape)."""
    return (left == right).mean(axis=-1)


PAIRS_AT_ONCE = 100_000


def pair_similarity(
    rows: np.ndarray, left: np.ndarray, other_rows: np.ndarray, right: np.ndarray
) -> np.ndarray:
    """similarity(rows[left], other_rows[right]) a slice of pairs at a time (memory stays
    about PAIRS_AT_ONCE × NUM_PERM bytes however many candidate pairs there are)."""
    result = np.empty(len(left), dtype=np.float64)
    for start in range(0, len(left), PAIRS_AT_ONCE):
        end = start + PAIRS_AT_ONCE
        result[start:end] = similarity(rows[left[start:end]], other_rows[right[start:end]])
    return result
