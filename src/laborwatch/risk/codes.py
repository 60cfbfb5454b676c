"""Vectorised credit-code checking for millions of feed rows (scalar reference: lib.codes)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from laborwatch.lib.codes import (
    CREDIT_CODE_ALPHABET,
    CREDIT_CODE_AUTHORITIES,
    CREDIT_CODE_WEIGHTS,
)

CODE_LENGTH = 18
# Byte → position in the alphabet, -1 for a byte outside it.
_VALUE_OF_BYTE = np.full(256, -1, dtype=np.int64)
for _index, _char in enumerate(CREDIT_CODE_ALPHABET):
    _VALUE_OF_BYTE[ord(_char)] = _index
_IS_AUTHORITY = np.zeros(256, dtype=bool)
for _char in CREDIT_CODE_AUTHORITIES:
    _IS_AUTHORITY[ord(_char)] = True
_DIGIT_OF_BYTE = np.where(_VALUE_OF_BYTE < 0, 255, _VALUE_OF_BYTE).astype(np.uint8)
_SMALL_VALUE_OF_BYTE = _VALUE_OF_BYTE.astype(np.int8)
_WEIGHT_LIST = [int(weight) for weight in CREDIT_CODE_WEIGHTS]
WHITESPACE = r"\s+"  # what normalising removes (RE2's \s: ASCII whitespace only)
# The bytes a normalised code cannot keep as they are: outside ASCII, lower case, and the
# ASCII characters the whitespace pattern removes (asked of the pattern itself).
_CHANGED_BY_NORMALIZING = np.zeros(256, dtype=bool)
_CHANGED_BY_NORMALIZING[0x80:] = True
_CHANGED_BY_NORMALIZING[ord("a") : ord("z") + 1] = True
_ascii = pa.array([chr(_byte) for _byte in range(0x80)], pa.string())
_CHANGED_BY_NORMALIZING[:0x80] |= pc.equal(
    pc.replace_substring_regex(_ascii, WHITESPACE, ""), ""
).to_numpy(zero_copy_only=False)


def normalize_codes(codes: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Strip spaces and fold to upper case, as `lib.codes.normalize_code` does for one."""
    text = codes if codes.type == pa.string() else pc.cast(codes, pa.string())
    if isinstance(text, pa.ChunkedArray):
        text = text.combine_chunks()
    if not _CHANGED_BY_NORMALIZING[_data_bytes(text)].any():
        # The usual block: codes already as they should be, returned as they are, the same
        # object (the regular expression and the case folding were a third of a block's
        # loading; `validate` hands over only codes that changed).
        return text
    folded = pc.utf8_upper(pc.replace_substring_regex(text, WHITESPACE, ""))
    assert isinstance(folded, pa.Array)
    return folded


def _data_bytes(text: pa.Array) -> np.ndarray:
    """The UTF-8 bytes of a string array's values (nulls have none), without copying."""
    buffers = text.buffers()
    if buffers[2] is None or len(text) == 0:
        return np.zeros(0, dtype=np.uint8)
    offsets = np.frombuffer(buffers[1], dtype=np.int32)[text.offset : text.offset + len(text) + 1]
    return np.frombuffer(buffers[2], dtype=np.uint8)[offsets[0] : offsets[-1]]


# Problem keys in the order `credit_code_problem_indices` numbers them; 0 is a valid code.
PROBLEM_KEYS: tuple[str | None, ...] = (
    None, "missing", "length", "charset", "authority", "division", "check"
)  # fmt: skip
_PROBLEM = {key: index for index, key in enumerate(PROBLEM_KEYS)}


def credit_code_problems(
    codes: pa.Array | pa.ChunkedArray, *, normalized: bool = False
) -> np.ndarray:
    """One reason key per code, as `lib.codes.credit_code_problem` gives; None when valid."""
    keys = np.array(PROBLEM_KEYS, dtype=object)
    return keys[credit_code_problem_indices(codes, normalized=normalized)]


def credit_code_problem_indices(
    codes: pa.Array | pa.ChunkedArray, *, normalized: bool = False
) -> np.ndarray:
    """The index in PROBLEM_KEYS of each code's problem (int8; 0 when valid).

    Null codes get "missing". Works on the bytes of all codes at once: no Python loop per row.
    `normalized`: the codes already went through `normalize_codes`.
    """
    text = codes if normalized and isinstance(codes, pa.Array) else normalize_codes(codes)
    problems = np.zeros(len(text), dtype=np.int8)
    is_null = text.is_null().to_numpy(zero_copy_only=False)
    problems[is_null] = _PROBLEM["missing"]
    char_length = pc.fill_null(pc.utf8_length(text), 0).to_numpy(zero_copy_only=False)
    byte_length = pc.fill_null(pc.binary_length(text), 0).to_numpy(zero_copy_only=False)
    problems[~is_null & (char_length != CODE_LENGTH)] = _PROBLEM["length"]
    wrong_bytes = ~is_null & (char_length == CODE_LENGTH) & (byte_length != CODE_LENGTH)
    problems[wrong_bytes] = _PROBLEM["charset"]
    ascii_rows = np.flatnonzero(~is_null & (byte_length == CODE_LENGTH))
    if len(ascii_rows) == 0:
        return problems
    everything_ascii = len(ascii_rows) == len(text)
    chars = _bytes_matrix(text if everything_ascii else text.take(pa.array(ascii_rows)))
    values = _SMALL_VALUE_OF_BYTE[chars]  # int8: a column at a time, in the cache
    bad_charset = (values < 0).any(axis=1)
    bad_authority = ~_IS_AUTHORITY[chars[:, 0]]
    bad_division = (values[:, 2:8] > 9).any(axis=1)
    # The weighted sum column by column in int32 (numpy's integer matrix product is slow);
    # a character outside the alphabet counts 0, as the row is charset's already.
    weighted = np.zeros(len(values), dtype=np.int32)
    for column, weight in enumerate(_WEIGHT_LIST):
        weighted += np.maximum(values[:, column], 0).astype(np.int32) * weight
    check = (31 - weighted % 31) % 31
    bad_check = check != values[:, 17]
    # The first failing test names the problem, in the scalar function's order.
    reason = np.zeros(len(ascii_rows), dtype=np.int8)
    reason[bad_check] = _PROBLEM["check"]
    reason[bad_division] = _PROBLEM["division"]
    reason[bad_authority] = _PROBLEM["authority"]
    reason[bad_charset] = _PROBLEM["charset"]
    problems[ascii_rows] = reason
    return problems


def _bytes_matrix(text: pa.Array) -> np.ndarray:
    """An (n, 18) uint8 matrix of codes that are all exactly 18 bytes and not null."""
    text = pa.concat_arrays([text])  # a fresh array: offset 0, contiguous data
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int32)[: len(text) + 1]
    data = np.frombuffer(text.buffers()[2], dtype=np.uint8)
    return data[offsets[0] : offsets[-1]].reshape(len(text), CODE_LENGTH)


# ---- the enterprise key -----------------------------------------------------------------

_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)
_SPLITMIX = (np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))
_HALF = 9  # the first 9 characters (< 31**9 < 2**45) and the next 8 (< 31**8 < 2**40)


def _mix64(values: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: a bijection of 64-bit words that spreads every input bit."""
    z = values.copy()
    z ^= z >> np.uint64(30)
    z *= _SPLITMIX[0]
    z ^= z >> np.uint64(27)
    z *= _SPLITMIX[1]
    z ^= z >> np.uint64(31)
    return z & _MASK


def _base31(digits: np.ndarray) -> np.ndarray:
    number = np.zeros(len(digits), dtype=np.uint64)
    for column in range(digits.shape[1]):  # column by column: numpy has no fast integer @
        number *= np.uint64(31)
        number += digits[:, column].astype(np.uint64)
    return number


def enterprise_keys(codes: pa.Array | pa.ChunkedArray, *, normalized: bool = False) -> pa.Array:
    """The 64-bit enterprise key of each valid credit code (null for a null code).

    The feed store carries it beside the code so that scoring groups and joins on an
    integer instead of an 18-character string (several times faster in DuckDB). The key is
    a fixed function of the code's first 17 characters (the 18th is their check character):
    the two halves as base-31 numbers, mixed by SplitMix64. It does not depend on the
    engine or its version, so a store written today is read alike tomorrow and by Spark.
    Distinct codes giving one key is possible in principle (about one chance in 10^8 for a
    city's 350,000 codes); the scoring run checks the registry for it and stops if so.
    A code in a feed but not in the registry that shared a key with a registry code would
    count as that enterprise's: as unlikely, about one chance in 5 × 10^13 per such code.
    `normalized`: the codes already went through `normalize_codes`.
    """
    plain = isinstance(codes, pa.Array) and codes.type == pa.string()
    text = codes if normalized and plain else normalize_codes(codes)
    valid = text.is_valid().to_numpy(zero_copy_only=False)
    keys = np.zeros(len(text), dtype=np.uint64)
    if valid.any():
        present = text if valid.all() else text.filter(pa.array(valid))
        if not pc.all(pc.equal(pc.binary_length(present), CODE_LENGTH)).as_py():
            raise ValueError("enterprise_keys: every code must be 18 ASCII characters")
        values = _DIGIT_OF_BYTE[_bytes_matrix(present)[:, :17]]
        if (values > 30).any():
            raise ValueError("enterprise_keys: a code has a character outside the alphabet")
        high, low = _base31(values[:, :_HALF]), _base31(values[:, _HALF:17])
        keys[valid] = _mix64(_mix64(high) + low)
    return pa.array(keys.view(np.int64), pa.int64(), mask=~valid)
