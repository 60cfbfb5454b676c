"""Word lists shipped in synth/data, and vectorised drawing and joining of Chinese text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from string import Formatter

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


@cache
def read_rows(filename: str) -> tuple[tuple[str, ...], ...]:
    """Tab-separated rows of a shipped data file, without `#` comment lines."""
    text = (
        resources.files("laborwatch.synth").joinpath("data").joinpath(filename).read_text("utf-8")
    )
    rows = (line.split("\t") for line in text.splitlines() if line and not line.startswith("#"))
    return tuple(tuple(row) for row in rows)


@dataclass(frozen=True)
class Vocabulary:
    """Words and the probability of drawing each."""

    words: pa.Array
    probabilities: np.ndarray

    @classmethod
    def of(cls, words: Sequence[str], weights: Sequence[float] | None = None) -> Vocabulary:
        if weights is None:
            weights = [1.0] * len(words)
        probabilities = np.asarray(weights, dtype=np.float64)
        return cls(pa.array(list(words), pa.string()), probabilities / probabilities.sum())

    @classmethod
    def from_file(cls, filename: str, word_column: int = 0, weight_column: int = 1) -> Vocabulary:
        rows = read_rows(filename)
        return cls.of(
            [row[word_column] for row in rows], [float(row[weight_column]) for row in rows]
        )

    def __len__(self) -> int:
        return len(self.words)

    def draw_index(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return rng.choice(len(self.words), size=n, p=self.probabilities)

    def draw(self, rng: np.random.Generator, n: int) -> pa.Array:
        return self.words.take(self.draw_index(rng, n))


def join(*parts: pa.Array | str) -> pa.Array:
    """Concatenate string arrays (and literal strings) element-wise."""
    return pc.binary_join_element_wise(*parts, "")


def words_by_group(
    rng: np.random.Generator, group: np.ndarray, vocabularies: Sequence[Vocabulary]
) -> pa.Array:
    """For each row, a word drawn from the vocabulary of its group (`group` indexes them)."""
    words = pa.concat_arrays([vocabulary.words for vocabulary in vocabularies])
    offsets = np.cumsum([0] + [len(vocabulary) for vocabulary in vocabularies])
    index = np.zeros(len(group), dtype=np.int64)
    for number, vocabulary in enumerate(vocabularies):
        rows = np.flatnonzero(group == number)
        index[rows] = offsets[number] + vocabulary.draw_index(rng, len(rows))
    return words.take(index)


def where(condition: np.ndarray, when_true: pa.Array, when_false: pa.Array | str) -> pa.Array:
    """Element-wise choice between two string arrays (or an array and a literal)."""
    return pc.if_else(pa.array(condition), when_true, when_false)


def fill_templates(
    templates: Sequence[str], choice: np.ndarray, fields: dict[str, pa.Array]
) -> pa.Array:
    """Row i gets templates[choice[i]] with each {field} replaced by the row's value."""
    texts, placed = [], []
    for number, template in enumerate(templates):
        rows = np.flatnonzero(choice == number)
        if len(rows) == 0:
            continue
        parts: list[pa.Array | str] = []
        for literal, field, _, _ in Formatter().parse(template):
            if literal:
                parts.append(literal)
            if field:
                parts.append(fields[field].take(rows))
        texts.append(join(*parts) if field_count(template) else pa.repeat(template, len(rows)))
        placed.append(rows)
    if not texts:
        return pa.array([], pa.string())
    position = np.empty(len(choice), dtype=np.int64)
    position[np.concatenate(placed)] = np.arange(len(choice))
    return pa.concat_arrays(texts).take(position)


def field_count(template: str) -> int:
    return sum(1 for _, field, _, _ in Formatter().parse(template) if field)
