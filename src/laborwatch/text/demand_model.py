"""The trained demand classifier: character n-gram TF-IDF and logistic regression, learnt
from the centre's own labelled cases and stored as plain arrays (no pickle)."""

from __future__ import annotations

import json
import os
import random
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

from laborwatch.text.ngram_counts import Cells, Table, count_cells, ngram_table, tfidf

SEED = 20240601
SEED_MODEL_FILE = Path(__file__).resolve().parent / "models" / "demand_classifier.npz"
_VECTORIZER_PARAMS = {
    "analyzer": "char",
    "ngram_range": (1, 3),
    "sublinear_tf": True,
    "lowercase": True,
    "dtype": np.float32,
}


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
    _ngram_table: Table | None = field(default=None, repr=False)

    def features(self, texts: Sequence[str]) -> csr_matrix:
        """The vectorizer's TF-IDF rows for `texts`, computed for the whole batch with numpy:
        the same numbers as `vectorizer.transform`, several times faster."""
        return self._matrix(self._cells(texts), len(texts))

    def _matrix(self, cells: Cells, texts: int) -> csr_matrix:
        rows, columns, values = cells
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=texts))])
        return csr_matrix((values, columns, indptr), shape=(texts, len(self.vectorizer.idf_)))

    def ngram_table(self) -> Table:
        if self._ngram_table is None:
            self._ngram_table = ngram_table(self.vectorizer.vocabulary_)
        return self._ngram_table

    def _cells(self, texts: Sequence[str]) -> Cells:
        """(row, column, TF-IDF value) of every non-zero feature, rows in order."""
        counts = count_cells(texts, self.ngram_table(), len(self.vectorizer.idf_))
        return tfidf(counts, self.vectorizer.idf_, len(texts))

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """(texts, classes) probabilities."""
        return self.probabilities_of_counts(
            count_cells(texts, self.ngram_table(), len(self.vectorizer.idf_)), len(texts)
        )

    def probabilities_of_counts(self, counts: Cells, texts: int) -> np.ndarray:
        """Probabilities from n-gram counts already made (count_cells or a SharedTable)."""
        cells = tfidf(counts, self.vectorizer.idf_, texts)
        if texts == 1:
            # One text (a pushed work order): its few non-zero features pick their columns of
            # the coefficients; building a sparse matrix would cost more than the product.
            _, columns, values = cells
            logits = (self.coefficients[:, columns] @ values)[np.newaxis, :] + self.intercepts
        else:
            logits = np.asarray(self._matrix(cells, texts) @ self.coefficients.T) + self.intercepts
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
