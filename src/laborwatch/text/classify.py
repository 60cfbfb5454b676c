"""Demand classification (诉求分类): lexicon rules from day one, blended with a model trained
on the centre's own labelled cases as they accumulate."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from laborwatch.text.demand_model import DemandModel, default_model_file, model_input
from laborwatch.text.lexicon import leaf_scores
from laborwatch.text.taxonomy import NON_LABOR, categories, label

# Below this lexicon score no labour matter is clearly raised: the message is not labour.
MIN_LABOR_SCORE = 2.0
# Added to the sum of scores, so that one weak hit does not give a confident answer.
RULE_PRIOR = 2.0
# The model's share grows with the cases it learnt from: n / (n + HALF_WEIGHT_CASES).
HALF_WEIGHT_CASES = 500
MAX_MODEL_WEIGHT = 0.85


@dataclass(frozen=True)
class Prediction:
    category: str
    category_label: str
    is_labor: bool
    confidence: float
    source: str  # "rules" or "rules+model"

    def as_dict(self) -> dict[str, object]:
        return {
            "category": self.category,
            "category_label": self.category_label,
            "is_labor": self.is_labor,
            "confidence": self.confidence,
        }


def rule_distribution(text: str, title: str | None = None) -> dict[str, float]:
    """Lexicon scores turned into shares, NON_LABOR standing in when nothing labour is said."""
    scores, _ = leaf_scores(text, title)
    labour = max((value for code, value in scores.items() if code != NON_LABOR), default=0.0)
    if labour < MIN_LABOR_SCORE:
        scores[NON_LABOR] = scores.get(NON_LABOR, 0.0) + MIN_LABOR_SCORE
    total = sum(scores.values()) + RULE_PRIOR
    return {code: value / total for code, value in scores.items()}


def _prediction(code: str, confidence: float, source: str) -> Prediction:
    category = categories()[code]
    return Prediction(
        category=code,
        category_label=label(code),
        is_labor=category.is_labor,
        confidence=round(float(confidence), 3),
        source=source,
    )


class DemandClassifier:
    def __init__(self, model: DemandModel | None = None, model_weight: float | None = None):
        self.model = model
        if model is None:
            self.model_weight = 0.0
        elif model_weight is None:
            share = model.trained_on / (model.trained_on + HALF_WEIGHT_CASES)
            self.model_weight = min(MAX_MODEL_WEIGHT, share)
        else:
            self.model_weight = model_weight
        known = categories()
        self._columns = {code: i for i, code in enumerate(model.classes)} if model else {}
        if model is not None:
            unknown = [code for code in model.classes if code not in known]
            if unknown:
                raise ValueError(f"model has categories not in the taxonomy: {unknown}")

    @classmethod
    def from_model_file(cls, path: Path | None) -> DemandClassifier:
        return cls(DemandModel.load(path) if path is not None else None)

    def classify(self, text: str, title: str | None = None) -> Prediction:
        return self.classify_many([(text, title)])[0]

    def classify_many(self, items: Sequence[tuple[str, str | None]]) -> list[Prediction]:
        rules = [rule_distribution(text, title) for text, title in items]
        if self.model is None or self.model_weight == 0.0:
            return [self._rules_only(distribution) for distribution in rules]
        probabilities = self.model.probabilities([model_input(t, title) for t, title in items])
        return [
            self._blend(distribution, row)
            for distribution, row in zip(rules, probabilities, strict=True)
        ]

    def _rules_only(self, distribution: dict[str, float]) -> Prediction:
        code, share = max(distribution.items(), key=lambda item: (item[1], item[0]))
        return _prediction(code, share, "rules")

    def _blend(self, distribution: dict[str, float], model_row: np.ndarray) -> Prediction:
        assert self.model is not None
        weight = self.model_weight
        blended = weight * model_row
        outside: dict[str, float] = {}  # rule categories the model never saw
        for code, share in distribution.items():
            column = self._columns.get(code)
            if column is None:
                outside[code] = (1.0 - weight) * share
            else:
                blended[column] += (1.0 - weight) * share
        best = int(np.argmax(blended))
        code, share = self.model.classes[best], float(blended[best])
        for other, other_share in outside.items():
            if other_share > share:
                code, share = other, other_share
        return _prediction(code, share, "rules+model")


@cache
def default_classifier() -> DemandClassifier:
    return DemandClassifier.from_model_file(default_model_file())


def classify(text: str, title: str | None = None) -> Prediction:
    """The demand category of a citizen's message, with the default rules and model."""
    return default_classifier().classify(text, title)
