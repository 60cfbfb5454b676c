"""Chinese personal names: a surname by real frequency and a one- or two-character given name."""

from __future__ import annotations

from functools import cache

import numpy as np
import pyarrow as pa

from laborwatch.synth.vocab import Vocabulary, join, read_rows, where, words_by_group

TWO_CHARACTER_GIVEN_NAME_SHARE = 0.7


@cache
def surnames() -> Vocabulary:
    return Vocabulary.from_file("surnames.tsv")


@cache
def given_characters() -> tuple[Vocabulary, Vocabulary]:
    """(men's, women's) given-name characters; characters marked u serve both."""
    rows = read_rows("given_chars.tsv")

    def pool(gender: str) -> Vocabulary:
        chosen = [row for row in rows if row[1] in (gender, "u")]
        return Vocabulary.of([row[0] for row in chosen], [float(row[2]) for row in chosen])

    return pool("m"), pool("f")


def person_names(rng: np.random.Generator, male: np.ndarray) -> pa.Array:
    """A name for each person; `male` picks the pool of given-name characters."""
    n = len(male)
    pools = given_characters()
    group = np.where(male, 0, 1)
    first = words_by_group(rng, group, pools)
    second = words_by_group(rng, group, pools)
    has_second = rng.random(n) < TWO_CHARACTER_GIVEN_NAME_SHARE
    return join(surnames().draw(rng, n), first, where(has_second, second, ""))


def draw_surnames(rng: np.random.Generator, n: int) -> pa.Array:
    return surnames().draw(rng, n)
