"""Character 1-3-gram counts for the linear text models, with numpy: a batch is folded, each
n-gram packed into one integer (21 bits a code point) and looked up in a sorted table. Several
models can share one table, so that a batch is packed, looked up and counted once for all."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

# sklearn's character analyzer folds each run of whitespace to one space before counting.
_WHITESPACE_RUNS = re.compile(r"\s\s+")
SIZES = (1, 2, 3)

Table = list[tuple[np.ndarray, np.ndarray]]  # per n-gram size: sorted packed keys, columns
Cells = tuple[np.ndarray, np.ndarray, np.ndarray]  # rows, columns, values (or counts)


def _pack(term: str) -> int:
    key = 0
    for char in term:
        key = (key << 21) | ord(char)
    return key


def ngram_table(vocabulary: dict[str, int]) -> Table:
    """For n = 1, 2, 3: the packed n-grams of the vocabulary, sorted, and their columns."""
    tables = []
    for size in SIZES:
        terms = [(term, column) for term, column in vocabulary.items() if len(term) == size]
        keys = np.array([_pack(term) for term, _ in terms], dtype=np.uint64)
        columns = np.array([column for _, column in terms], dtype=np.int64)
        order = np.argsort(keys)
        tables.append((keys[order], columns[order]))
    return tables


def count_cells(texts: Sequence[str], table: Table, width: int) -> Cells:
    """(row, column, count) of every n-gram of `table` found in `texts`, rows in order."""
    folded = [_WHITESPACE_RUNS.sub(" ", text.lower()) for text in texts]
    lengths = np.fromiter((len(text) for text in folded), dtype=np.int64, count=len(folded))
    points = np.frombuffer("".join(folded).encode("utf-32-le"), dtype=np.uint32)
    points = points.astype(np.uint64)
    row_of = np.repeat(np.arange(len(folded), dtype=np.int64), lengths)
    found_rows, found_columns = [], []
    for size, (keys, columns) in zip(SIZES, table, strict=True):
        count = len(points) - size + 1
        if count <= 0 or len(keys) == 0:
            continue
        packed = points[:count].copy()
        for offset in range(1, size):
            packed = (packed << np.uint64(21)) | points[offset : offset + count]
        position = np.minimum(np.searchsorted(keys, packed), len(keys) - 1)
        hit = (keys[position] == packed) & (row_of[:count] == row_of[size - 1 :])
        found_rows.append(row_of[:count][hit])
        found_columns.append(columns[position[hit]])
    if found_rows:
        cells = np.concatenate(found_rows) * width + np.concatenate(found_columns)
    else:
        cells = np.zeros(0, dtype=np.int64)
    cells, counts = np.unique(cells, return_counts=True)
    rows, columns = np.divmod(cells, width)
    return rows, columns, counts


def tfidf(cells: Cells, idf: np.ndarray, texts: int) -> Cells:
    """Counts made sublinear TF-IDF values, each row scaled to unit length (as sklearn's
    TfidfVectorizer with sublinear_tf and the l2 norm)."""
    rows, columns, counts = cells
    values = ((1.0 + np.log(counts)) * idf[columns]).astype(np.float32)
    norms = np.sqrt(np.bincount(rows, weights=values**2, minlength=texts))
    values /= norms[rows].astype(np.float32)
    return rows, columns, values


class SharedTable:
    """The union of several models' n-gram tables: one lookup and one count for a batch, then
    each model's cells are picked out by a column map (-1 where a model lacks the n-gram)."""

    def __init__(self, tables: Sequence[Table]):
        union: Table = []
        maps: list[list[np.ndarray]] = [[] for _ in tables]
        offset = 0
        for index in range(len(SIZES)):
            keys = np.unique(np.concatenate([table[index][0] for table in tables]))
            union.append((keys, np.arange(offset, offset + len(keys), dtype=np.int64)))
            for model, table in enumerate(tables):
                column_map = np.full(len(keys), -1, dtype=np.int64)
                model_keys, model_columns = table[index]
                column_map[np.searchsorted(keys, model_keys)] = model_columns
                maps[model].append(column_map)
            offset += len(keys)
        self.table = union
        self.width = offset
        self.column_maps = [np.concatenate(parts) for parts in maps]

    def count_cells(self, texts: Sequence[str]) -> list[Cells]:
        """Each model's (row, column, count) cells for `texts`."""
        rows, shared_columns, counts = count_cells(texts, self.table, self.width)
        per_model = []
        for column_map in self.column_maps:
            columns = column_map[shared_columns]
            known = columns >= 0
            per_model.append((rows[known], columns[known], counts[known]))
        return per_model
