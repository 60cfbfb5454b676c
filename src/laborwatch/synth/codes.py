"""Vectorised identity codes: 统一社会信用代码, 组织机构代码, 公民身份号码 and mobile numbers.

Codes are built as (rows × width) matrices of ASCII bytes, their check characters computed
with one weighted sum per matrix, and handed to Arrow as fixed-width strings without a
Python loop. laborwatch.lib.codes holds the scalar definitions (alphabets, weights).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa

from laborwatch.lib.codes import (
    CREDIT_CODE_ALPHABET,
    CREDIT_CODE_WEIGHTS,
    ID_NUMBER_CHECK_CHARS,
    ID_NUMBER_WEIGHTS,
    ORG_CODE_WEIGHTS,
)
from laborwatch.synth.months import yyyymmdd

ALPHABET_BYTES = np.frombuffer(CREDIT_CODE_ALPHABET.encode("ascii"), dtype=np.uint8)
ID_CHECK_BYTES = np.frombuffer(ID_NUMBER_CHECK_CHARS.encode("ascii"), dtype=np.uint8)
ZERO = ord("0")

# Byte → value lookups: GB 32100 values for credit codes, base-36 values for GB 11714.
CREDIT_VALUE = np.zeros(256, dtype=np.int64)
CREDIT_VALUE[ALPHABET_BYTES] = np.arange(len(ALPHABET_BYTES))
BASE36_VALUE = np.zeros(256, dtype=np.int64)
BASE36_VALUE[np.frombuffer(b"0123456789", dtype=np.uint8)] = np.arange(10)
BASE36_VALUE[np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8)] = np.arange(10, 36)

# Mainland mobile number segments (号段) of the three carriers.
MOBILE_PREFIXES = np.array(
    [134, 135, 136, 137, 138, 139, 147, 150, 151, 152, 157, 158, 159, 178, 182, 183, 184, 187, 188,
     198, 130, 131, 132, 145, 155, 156, 166, 175, 176, 185, 186, 133, 153, 173, 177, 180, 181, 189,
     191, 199]
)  # fmt: skip

# Body of post-2015 organisation codes issued inside credit codes in Shandong: "MA3" + 5.
NEW_BODY_PREFIX = np.frombuffer(b"MA3", dtype=np.uint8)
MAX_REDRAWS = 50


def as_strings(chars: np.ndarray) -> pa.StringArray:
    """A (rows × width) ASCII byte matrix as an Arrow string array, one row per string."""
    rows, width = chars.shape
    offsets = np.arange(rows + 1, dtype=np.int32) * width
    data = np.ascontiguousarray(chars, dtype=np.uint8)
    return pa.StringArray.from_buffers(rows, pa.py_buffer(offsets), pa.py_buffer(data))


def fixed_width_bytes(strings: pa.Array, width: int) -> np.ndarray:
    """The (rows × width) ASCII byte matrix of strings that are all `width` bytes long (a
    read-only view of the array's data)."""
    if strings.null_count:
        raise ValueError("fixed-width strings may not be null")
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int32)
    offsets = offsets[strings.offset : strings.offset + len(strings) + 1]
    if np.any(np.diff(offsets) != width):
        raise ValueError(f"strings are not all {width} bytes long")
    data = np.frombuffer(strings.buffers()[2], dtype=np.uint8)
    return data[offsets[0] : offsets[-1]].reshape(len(strings), width)


def decimal_digits(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal digits of non-negative integers as a (rows × width) byte matrix."""
    chars = np.empty((len(values), width), dtype=np.uint8)
    remaining = values.astype(np.int64)
    for position in range(width - 1, -1, -1):
        chars[:, position] = remaining % 10 + ZERO
        remaining = remaining // 10
    return chars


def first_occurrences(keys: np.ndarray) -> np.ndarray:
    """True where a key appears for the first time (in row order)."""
    order = np.argsort(keys, kind="stable")  # stable: ties keep row order on every CPU
    ordered = keys[order]
    repeat = np.zeros(len(keys), dtype=bool)
    repeat[order[1:]] = ordered[1:] == ordered[:-1]
    return ~repeat


def redraw_until_unique(
    keys: np.ndarray, redraw: Callable[[np.ndarray], np.ndarray], taken: np.ndarray | None = None
) -> np.ndarray:
    """Replace later duplicates of `keys` (and keys in `taken`) by `redraw(rows)` until all
    keys are unique. Only redrawn rows are checked again, against a sorted set of accepted keys."""
    keys = keys.copy()
    taken = np.empty(0, dtype=keys.dtype) if taken is None else taken
    clash = ~first_occurrences(keys) | np.isin(keys, taken)
    rows = np.flatnonzero(clash)
    accepted = np.sort(keys[~clash], kind="stable")
    for _ in range(MAX_REDRAWS):
        if len(rows) == 0:
            return keys
        fresh = redraw(rows)
        position = np.searchsorted(accepted, fresh)
        found = np.zeros(len(fresh), dtype=bool)
        if len(accepted):
            found = accepted[np.minimum(position, len(accepted) - 1)] == fresh
        good = first_occurrences(fresh) & ~found & ~np.isin(fresh, taken)
        keys[rows[good]] = fresh[good]
        order = np.argsort(fresh[good], kind="stable")
        accepted = np.insert(accepted, position[good][order], fresh[good][order])
        rows = rows[~good]
    raise RuntimeError(f"{len(rows)} codes still repeat after {MAX_REDRAWS} redraws")


def organisation_code_bodies(rng: np.random.Generator, new_style: np.ndarray) -> np.ndarray:
    """8-character GB 11714 bodies: "MA3" + 5 random characters, or 8 digits for older codes."""
    n = len(new_style)

    def draw(rows: np.ndarray) -> np.ndarray:
        body = np.empty((len(rows), 8), dtype=np.uint8)
        newer = new_style[rows]
        body[newer, :3] = NEW_BODY_PREFIX
        body[newer, 3:] = ALPHABET_BYTES[rng.integers(0, len(ALPHABET_BYTES), (newer.sum(), 5))]
        body[~newer, 0] = ZERO + rng.integers(1, 8, (~newer).sum())
        body[~newer, 1:] = ZERO + rng.integers(0, 10, ((~newer).sum(), 7))
        return body.view("S8").ravel()

    return redraw_until_unique(draw(np.arange(n)), draw)


def organisation_check_bytes(bodies: np.ndarray) -> np.ndarray:
    """GB 11714 check character of each 8-character body ("X" for 10, "0" for 11)."""
    matrix = bodies.view(np.uint8).reshape(len(bodies), 8)
    total = BASE36_VALUE[matrix] @ np.array(ORG_CODE_WEIGHTS)
    check = 11 - total % 11
    result = (ZERO + check % 10).astype(np.uint8)
    result[check == 10] = ord("X")
    result[check == 11] = ZERO
    return result


def credit_codes(
    rng: np.random.Generator, *, kind: np.ndarray, division: np.ndarray, new_style: np.ndarray
) -> pa.StringArray:
    """Unique GB 32100-2015 credit codes issued by market regulation (first char "9").

    `kind` holds the second character as bytes ("1" company, "2" individual business,
    "3" co-operative), `division` the 6-digit division code, `new_style` whether the
    embedded organisation code is a post-2015 "MA3…" one.
    """
    n = len(kind)
    chars = np.empty((n, 18), dtype=np.uint8)
    chars[:, 0] = ord("9")
    chars[:, 1] = kind
    chars[:, 2:8] = decimal_digits(division, 6)
    bodies = organisation_code_bodies(rng, new_style)
    chars[:, 8:16] = bodies.view(np.uint8).reshape(n, 8)
    chars[:, 16] = organisation_check_bytes(bodies)
    chars[:, 17] = credit_check_bytes(chars)
    return as_strings(chars)


def credit_check_bytes(chars: np.ndarray) -> np.ndarray:
    """GB 32100 check character of each row of a (rows × 18) credit-code byte matrix."""
    total = CREDIT_VALUE[chars[:, :17]] @ np.array(CREDIT_CODE_WEIGHTS)
    return ALPHABET_BYTES[(31 - total % 31) % 31]


def id_numbers(
    rng: np.random.Generator, *, region: np.ndarray, birth: np.ndarray, male: np.ndarray
) -> pa.StringArray:
    """Unique GB 11643 citizen identity numbers.

    `region` holds 6-digit division codes, `birth` datetime64[D] birth dates, `male` the sex
    that the parity of the 17th digit encodes (odd for men).
    """
    stem = (region.astype(np.int64) * 100_000_000 + yyyymmdd(birth)) * 1000

    def sequence(rows: np.ndarray) -> np.ndarray:
        # Order numbers 001-999; the last digit is odd for men and even for women.
        tens = rng.integers(0, 100, len(rows))
        units = 2 * rng.integers(0, 5, len(rows)) + male[rows]
        number = tens * 10 + units
        return stem[rows] + np.where(number == 0, 2, number)

    first17 = redraw_until_unique(sequence(np.arange(len(stem))), sequence)
    chars = np.empty((len(stem), 18), dtype=np.uint8)
    chars[:, :17] = decimal_digits(first17, 17)
    chars[:, 17] = id_check_bytes(chars)
    return as_strings(chars)


def id_check_bytes(chars: np.ndarray) -> np.ndarray:
    """GB 11643 check character of each row of a (rows × 18) identity-number byte matrix."""
    total = (chars[:, :17].astype(np.int64) - ZERO) @ np.array(ID_NUMBER_WEIGHTS)
    return ID_CHECK_BYTES[total % 11]


def mobile_phones(rng: np.random.Generator, n: int) -> pa.StringArray:
    """`n` distinct mainland mobile numbers (11 digits, 1[3-9]…)."""

    def draw(rows: np.ndarray) -> np.ndarray:
        prefix = MOBILE_PREFIXES[rng.integers(0, len(MOBILE_PREFIXES), len(rows))]
        return prefix * 100_000_000 + rng.integers(0, 100_000_000, len(rows))

    numbers = redraw_until_unique(draw(np.arange(n)), draw)
    return as_strings(decimal_digits(numbers, 11))
