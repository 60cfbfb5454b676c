"""The trained demand classifier: character n-gram TF-IDF and logistic regression, learnt
from the centre's own labelled cases and stored as plain arrays (no pickle)."""

from __future__ import annotations

import json
import os
import random
import re
import warnings
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

SEED = 20240601
SEED_MODEL_FILE = Path(__file__).resolve().parent / "models" / "demand_classifier.npz"
_VECTORIZER_PARAMS = {
    "analyzer": "char",
    "ngram_range": (1, 3),
    "sublinear_tf": True,
    "lowercase": True,
    "dtype": np.float32,
}


# sklearn's character analyzer folds each run of whitespace to one space before counting.
_WHITESPACE_RUNS = re.compile(r"\s\s+")


def _pack(term: str) -> int:
    key = 0
    for char in term:
        key = (key << 21) | ord(char)
    return key


def _ngram_tables(vocabulary: dict[str, int]) -> list[tuple[np.ndarray, np.ndarray]]:
    """For n = 1, 2, 3: the packed n-grams of the vocabulary, sorted, and their columns."""
    tables = []
    for size in (1, 2, 3):
        terms = [(term, column) for term, column in vocabulary.items() if len(term) == size]
        keys = np.array([_pack(term) for term, _ in terms], dtype=np.uint64)
        columns = np.array([column for _, column in terms], dtype=np.int64)
        order = np.argsort(keys)
        tables.append((keys[order], columns[order]))
    return tables


def site_model_file() -> Path:
    """Where a deployment keeps the model retrained on its own cases."""
    return Path(os.environ.get("LABORWATCH_DATA_DIR", "var")) / "text" / "demand_classifier.npz"


def default_model_file() -> Path | None:
    """The site's retrained model if there is one, else the seed model shipped with us."""
    for path in (site_model_file(), SEED_MODEL_FILE):
        if path.exists():
            return path
    return None


def model_input(text: str, title: str | None) -> str:
    return f"{title}\n{text}" if title else text


@dataclass(frozen=True)
class LabelledText:
    text: str
    category: str
    title: str | None = None


@dataclass
class DemandModel:
    vectorizer: TfidfVectorizer
    coefficients: np.ndarray  # (classes, features), or (1, features) for two classes
    intercepts: np.ndarray
    classes: list[str]
    trained_on: int
    info: dict[str, object] = field(default_factory=dict)
    _ngram_tables: list[tuple[np.ndarray, np.ndarray]] | None = field(default=None, repr=False)

    def features(self, texts: Sequence[str]) -> csr_matrix:
        """The vectorizer's TF-IDF rows for `texts`, computed for the whole batch with numpy:
        the same numbers as `vectorizer.transform`, several times faster."""
        rows, columns, values = self._cells(texts)
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=len(texts)))])
        return csr_matrix((values, columns, indptr), shape=(len(texts), len(self.vectorizer.idf_)))

    def _cells(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, column, TF-IDF value) of every non-zero feature, rows in order. Each n-gram
        of up to three characters is packed into one integer (21 bits a code point) and looked
        up in the sorted packed vocabulary."""
        if self._ngram_tables is None:
            self._ngram_tables = _ngram_tables(self.vectorizer.vocabulary_)
        idf = self.vectorizer.idf_
        width = len(idf)
        folded = [_WHITESPACE_RUNS.sub(" ", text.lower()) for text in texts]
        lengths = np.fromiter((len(text) for text in folded), dtype=np.int64, count=len(folded))
        points = np.frombuffer("".join(folded).encode("utf-32-le"), dtype=np.uint32)
        points = points.astype(np.uint64)
        row_of = np.repeat(np.arange(len(folded), dtype=np.int64), lengths)
        found_rows, found_columns = [], []
        for size, (keys, columns) in enumerate(self._ngram_tables, start=1):
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
        values = ((1.0 + np.log(counts)) * idf[columns]).astype(np.float32)
        norms = np.sqrt(np.bincount(rows, weights=values**2, minlength=len(folded)))
        values /= norms[rows].astype(np.float32)
        return rows, columns, values

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """(texts, classes) probabilities."""
        if len(texts) == 1:
            # One text (a pushed work order): its few non-zero features pick their columns of
            # the coefficients; building a sparse matrix would cost more than the product.
            _, columns, values = self._cells(texts)
            logits = (self.coefficients[:, columns] @ values)[np.newaxis, :] + self.intercepts
        else:
            logits = np.asarray(self.features(texts) @ self.coefficients.T) + self.intercepts
        if len(self.classes) == 2:
            positive = 1.0 / (1.0 + np.exp(-logits[:, 0]))
            return np.column_stack([1.0 - positive, positive])
        logits -= logits.max(axis=1, keepdims=True)
        exponentials = np.exp(logits)
        return exponentials / exponentials.sum(axis=1, keepdims=True)

    def arrays(self, prefix: str = "") -> dict[str, np.ndarray]:
        """The model as named arrays, for np.savez (another model's file may hold it too)."""
        vocabulary = sorted(self.vectorizer.vocabulary_.items(), key=lambda item: item[1])
        return {
            f"{prefix}terms": np.array([term for term, _ in vocabulary]),
            f"{prefix}idf": self.vectorizer.idf_.astype(np.float32),
            f"{prefix}coefficients": self.coefficients.astype(np.float32),
            f"{prefix}intercepts": self.intercepts.astype(np.float32),
            f"{prefix}classes": np.array(self.classes),
            f"{prefix}meta": np.array(json.dumps({"trained_on": self.trained_on, **self.info})),
        }

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, Any] = self.arrays()
        with path.open("wb") as handle:
            np.savez_compressed(handle, **arrays)

    @classmethod
    def from_arrays(cls, stored: Mapping[str, np.ndarray], prefix: str = "") -> DemandModel:
        terms = [str(term) for term in stored[f"{prefix}terms"]]
        vectorizer = TfidfVectorizer(
            **_VECTORIZER_PARAMS, vocabulary={term: i for i, term in enumerate(terms)}
        )
        vectorizer.idf_ = stored[f"{prefix}idf"]
        meta = json.loads(str(stored[f"{prefix}meta"]))
        return cls(
            vectorizer=vectorizer,
            coefficients=stored[f"{prefix}coefficients"],
            intercepts=stored[f"{prefix}intercepts"],
            classes=[str(label) for label in stored[f"{prefix}classes"]],
            trained_on=int(meta.pop("trained_on")),
            info=meta,
        )

    @classmethod
    def load(cls, path: Path) -> DemandModel:
        with np.load(path, allow_pickle=False) as stored:
            return cls.from_arrays(stored)


def fit(examples: Sequence[LabelledText], regularisation: float = 20.0) -> DemandModel:
    """TF-IDF of character 1-3-grams and a class-balanced logistic regression; `regularisation`
    is scikit-learn's C (larger: less regularised)."""
    labels = sorted({example.category for example in examples})
    if len(labels) < 2:
        raise ValueError("training needs cases of at least two categories")
    vectorizer = TfidfVectorizer(**_VECTORIZER_PARAMS, max_features=300_000)
    features = vectorizer.fit_transform([model_input(e.text, e.title) for e in examples])
    regression = LogisticRegression(
        C=regularisation, max_iter=2000, class_weight="balanced", random_state=SEED
    )
    with warnings.catch_warnings():
        # Few cases per category is the normal start of a deployment, not a mistake.
        warnings.filterwarnings("ignore", message="The number of unique classes is greater")
        regression.fit(features, [example.category for example in examples])
    return DemandModel(
        vectorizer=vectorizer,
        coefficients=regression.coef_.astype(np.float32),
        intercepts=regression.intercept_.astype(np.float32),
        classes=[str(label) for label in regression.classes_],
        trained_on=len(examples),
    )


def held_out_split(
    examples: Sequence[LabelledText], fraction: float = 0.2, seed: int = SEED
) -> tuple[list[LabelledText], list[LabelledText]]:
    """Per-category split; a category with fewer than three cases stays in training."""
    by_category: dict[str, list[LabelledText]] = defaultdict(list)
    for example in examples:
        by_category[example.category].append(example)
    rng = random.Random(seed)
    training: list[LabelledText] = []
    held_out: list[LabelledText] = []
    for category in sorted(by_category):
        group = by_category[category][:]
        rng.shuffle(group)
        count = 0 if len(group) < 3 else max(1, round(len(group) * fraction))
        held_out.extend(group[:count])
        training.extend(group[count:])
    return training, held_out


def k_fold(
    examples: Sequence[LabelledText], folds: int, seed: int = SEED
) -> list[tuple[list[LabelledText], list[LabelledText]]]:
    """Stratified folds: each category's cases dealt round-robin after a seeded shuffle."""
    by_category: dict[str, list[int]] = defaultdict(list)
    for index, example in enumerate(examples):
        by_category[example.category].append(index)
    rng = random.Random(seed)
    assignment = [0] * len(examples)
    dealt = 0
    for category in sorted(by_category):
        indices = by_category[category][:]
        rng.shuffle(indices)
        for index in indices:
            assignment[index] = dealt % folds
            dealt += 1
    return [
        (
            [e for e, fold in zip(examples, assignment, strict=True) if fold != number],
            [e for e, fold in zip(examples, assignment, strict=True) if fold == number],
        )
        for number in range(folds)
    ]


def accuracy(
    predict: Callable[[Sequence[LabelledText]], list[str]], examples: Sequence[LabelledText]
) -> float:
    if not examples:
        return float("nan")
    predicted = predict(examples)
    return sum(p == e.category for p, e in zip(predicted, examples, strict=True)) / len(examples)
