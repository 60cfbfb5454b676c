"""Labour triage (劳动类识别): is a message a labour matter at all? A character n-gram logistic
regression learnt from real public text (government message boards, legal consultations,
news, reviews) and the curated messages, stacked with the lexicon's labour score, its output
calibrated on a dev split (Platt scaling) and cut at a threshold chosen there.

Stored as plain arrays (no pickle) beside the demand model; loads without Django.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from laborwatch.text.demand_model import DemandModel
from laborwatch.text.lexicon import leaf_scores
from laborwatch.text.ngram_counts import Cells
from laborwatch.text.taxonomy import NON_LABOR

TRIAGE_MODEL_FILE = Path(__file__).resolve().parent / "models" / "labor_triage.npz"


def site_triage_file() -> Path:
    """Where a deployment keeps a triage retrained on its own corpus (`train-triage --out`)."""
    return Path(os.environ.get("LABORWATCH_DATA_DIR", "var")) / "text" / "labor_triage.npz"


def default_triage_file() -> Path:
    """The site's retrained triage if there is one, else the one shipped with us."""
    site = site_triage_file()
    return site if site.exists() else TRIAGE_MODEL_FILE


LABOUR = "labour"
OTHER = "other"
TEXT_MODEL_PREFIX = "text_"


def rule_features(scores: dict[str, float]) -> tuple[float, float]:
    """From the lexicon's scores by category (lexicon.leaf_scores): the strongest labour score
    and the non-labour score, log-scaled."""
    labour = max((value for code, value in scores.items() if code != NON_LABOR), default=0.0)
    return math.log1p(labour), math.log1p(scores.get(NON_LABOR, 0.0))


@dataclass(frozen=True)
class Calibration:
    """An increasing map from the stacked score to P(labour), as points joined by lines."""

    scores: np.ndarray
    probabilities: np.ndarray

    def __call__(self, raw: np.ndarray) -> np.ndarray:
        return np.interp(raw, self.scores, self.probabilities)


@dataclass
class LaborTriage:
    text_model: DemandModel  # two classes: "labour", "other"
    stack_weights: np.ndarray  # (text logit, rule labour, rule non-labour)
    stack_intercept: float
    calibration: Calibration
    threshold: float
    info: dict[str, object] = field(default_factory=dict)

    @property
    def precise_threshold(self) -> float:
        """A higher cut, chosen on dev for precision 0.90 (for lists that want few false
        alarms, such as the opinion list); the F1 threshold where the model has none."""
        return float(self.info.get("precise_threshold", self.threshold))  # type: ignore[arg-type]

    def raw_scores(
        self,
        items: Sequence[tuple[str, str | None]],
        rules: Sequence[tuple[float, float]] | None = None,
        counts: Cells | None = None,
    ) -> np.ndarray:
        """The stacked, uncalibrated score of each (text, title). `rules` (their rule_features)
        and `counts` (the text model's n-gram counts) where the caller has them already."""
        if counts is None:
            texts = [f"{title}\n{text}" if title else text for text, title in items]
            probabilities = self.text_model.probabilities(texts)
        else:
            probabilities = self.text_model.probabilities_of_counts(counts, len(items))
        column = self.text_model.classes.index(LABOUR)
        labour = np.clip(probabilities[:, column], 1e-6, 1 - 1e-6)
        logits = np.log(labour / (1 - labour))
        if rules is None:
            rules = [rule_features(leaf_scores(text, title)[0]) for text, title in items]
        rule_columns = np.array(rules, dtype=np.float64).reshape(len(items), 2)
        stacked = np.column_stack([logits, rule_columns])
        return stacked @ self.stack_weights + self.stack_intercept

    def probabilities(
        self,
        items: Sequence[tuple[str, str | None]],
        rules: Sequence[tuple[float, float]] | None = None,
        counts: Cells | None = None,
    ) -> np.ndarray:
        """Calibrated P(labour) of each (text, title)."""
        if not items:
            return np.zeros(0)
        return self.calibration(self.raw_scores(items, rules, counts))

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, Any] = {
            **self.text_model.arrays(prefix=TEXT_MODEL_PREFIX),
            "stack_weights": self.stack_weights.astype(np.float64),
            "stack_intercept": np.array(self.stack_intercept, dtype=np.float64),
            "calibration_scores": self.calibration.scores.astype(np.float64),
            "calibration_probabilities": self.calibration.probabilities.astype(np.float64),
            "threshold": np.array(self.threshold, dtype=np.float64),
            "meta": np.array(json.dumps(self.info, ensure_ascii=False)),
        }
        with path.open("wb") as handle:
            np.savez_compressed(handle, **arrays)

    @classmethod
    def load(cls, path: Path) -> LaborTriage:
        with np.load(path, allow_pickle=False) as stored:
            return cls(
                text_model=DemandModel.from_arrays(stored, prefix=TEXT_MODEL_PREFIX),
                stack_weights=stored["stack_weights"],
                stack_intercept=float(stored["stack_intercept"]),
                calibration=Calibration(
                    scores=stored["calibration_scores"],
                    probabilities=stored["calibration_probabilities"],
                ),
                threshold=float(stored["threshold"]),
                info=json.loads(str(stored["meta"])),
            )


# --- calibration measures ------------------------------------------------------------------


@dataclass(frozen=True)
class ReliabilityBin:
    low: float
    high: float
    count: int
    mean_predicted: float
    observed: float


def reliability_table(
    probabilities: np.ndarray, outcomes: np.ndarray, bins: int = 10
) -> list[ReliabilityBin]:
    """Predicted P(labour) in equal-width bins against the observed share of labour."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(probabilities, edges[1:-1]), 0, bins - 1)
    table = []
    for number in range(bins):
        inside = index == number
        count = int(inside.sum())
        table.append(
            ReliabilityBin(
                low=float(edges[number]),
                high=float(edges[number + 1]),
                count=count,
                mean_predicted=float(probabilities[inside].mean()) if count else float("nan"),
                observed=float(outcomes[inside].mean()) if count else float("nan"),
            )
        )
    return table


def expected_calibration_error(probabilities: np.ndarray, outcomes: np.ndarray, bins: int = 10):
    """Count-weighted mean gap between predicted and observed labour share over the bins."""
    table = reliability_table(probabilities, outcomes, bins)
    total = sum(row.count for row in table)
    if total == 0:
        return float("nan")
    return sum(row.count * abs(row.mean_predicted - row.observed) for row in table if row.count) / (
        total
    )


@dataclass(frozen=True)
class BinaryScores:
    count: int
    positives: int
    predicted_positives: int
    precision: float
    recall: float
    f1: float
    accuracy: float

    def as_dict(self) -> dict[str, float | int]:
        return {
            "texts": self.count,
            "labour": self.positives,
            "predicted_labour": self.predicted_positives,
            "precision": round(self.precision, 3),
            "recall": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "accuracy": round(self.accuracy, 3),
        }


def binary_scores(predicted: np.ndarray, outcomes: np.ndarray) -> BinaryScores:
    predicted = predicted.astype(bool)
    outcomes = outcomes.astype(bool)
    true_positives = int((predicted & outcomes).sum())
    precision = true_positives / int(predicted.sum()) if predicted.any() else 0.0
    recall = true_positives / int(outcomes.sum()) if outcomes.any() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BinaryScores(
        count=len(outcomes),
        positives=int(outcomes.sum()),
        predicted_positives=int(predicted.sum()),
        precision=precision,
        recall=recall,
        f1=f1,
        accuracy=float((predicted == outcomes).mean()) if len(outcomes) else float("nan"),
    )
