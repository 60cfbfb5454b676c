"""Demand classification (诉求分类): lexicon rules from day one, blended with a model trained
on the centre's own labelled cases as they accumulate; the labour triage (calibrated on real
public text) decides labour or not and the blend picks the category."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from laborwatch.text.demand_model import DemandModel, default_model_file, model_input
from laborwatch.text.lexicon import leaf_scores
from laborwatch.text.ngram_counts import Cells, SharedTable
from laborwatch.text.taxonomy import NON_LABOR, categories, label
from laborwatch.text.triage import LaborTriage, default_triage_file, rule_features

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
    source: str  # "rules" or "rules+model", "+triage" when the triage decided labour or not
    # Calibrated P(labour) from the triage; None without one.
    labor_probability: float | None = None

    def as_dict(self) -> dict[str, object]:
        fields: dict[str, object] = {
            "category": self.category,
            "category_label": self.category_label,
            "is_labor": self.is_labor,
            "confidence": self.confidence,
        }
        if self.labor_probability is not None:
            fields["labor_probability"] = self.labor_probability
        return fields


def rule_distribution(text: str, title: str | None = None) -> dict[str, float]:
    """Lexicon scores turned into shares, NON_LABOR standing in when nothing labour is said."""
    scores, _ = leaf_scores(text, title)
    return _shares_of(scores)


def _shares_of(scores: dict[str, float]) -> dict[str, float]:
    scores = dict(scores)
    labour = max((value for code, value in scores.items() if code != NON_LABOR), default=0.0)
    if labour < MIN_LABOR_SCORE:
        scores[NON_LABOR] = scores.get(NON_LABOR, 0.0) + MIN_LABOR_SCORE
    total = sum(scores.values()) + RULE_PRIOR
    return {code: value / total for code, value in scores.items()}


@cache
def _label(code: str) -> str:
    return label(code)


def _prediction(
    code: str, confidence: float, source: str, labor_probability: float | None = None
) -> Prediction:
    category = categories()[code]
    return Prediction(
        category=code,
        category_label=_label(code),
        is_labor=category.is_labor,
        confidence=round(float(confidence), 3),
        source=source,
        labor_probability=labor_probability,
    )


class DemandClassifier:
    def __init__(
        self,
        model: DemandModel | None = None,
        model_weight: float | None = None,
        triage: LaborTriage | None = None,
    ):
        self.model = model
        self.triage = triage
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
        # Both models read character n-grams: one table counts a batch once for the two.
        self._shared = (
            SharedTable([model.ngram_table(), triage.text_model.ngram_table()])
            if model is not None and triage is not None
            else None
        )

    @classmethod
    def from_model_file(
        cls, path: Path | None, triage_path: Path | None = None
    ) -> DemandClassifier:
        return cls(
            DemandModel.load(path) if path is not None else None,
            triage=LaborTriage.load(triage_path) if triage_path is not None else None,
        )

    def classify(self, text: str, title: str | None = None) -> Prediction:
        return self.classify_many([(text, title)])[0]

    def classify_many(self, items: Sequence[tuple[str, str | None]]) -> list[Prediction]:
        """One Prediction per (text, title), in order; each distinct pair classified once
        (reposts and copies in a batch of posts share theirs)."""
        distinct = list(dict.fromkeys((text, title) for text, title in items))
        if len(distinct) == len(items):
            return self._classify_distinct(distinct)
        found = dict(zip(distinct, self._classify_distinct(distinct), strict=True))
        return [found[(text, title)] for text, title in items]

    def _classify_distinct(self, items: Sequence[tuple[str, str | None]]) -> list[Prediction]:
        scores = [leaf_scores(text, title)[0] for text, title in items]
        inputs = [model_input(text, title) for text, title in items]
        model_counts: Cells | None = None
        triage_counts: Cells | None = None
        if self._shared is not None:
            model_counts, triage_counts = self._shared.count_cells(inputs)
        blended = self.model is not None and self.model_weight > 0.0
        source = "rules+model" if blended else "rules"
        if self.triage is None:
            shares = [_shares_of(item) for item in scores]
            if blended:
                shares = self._blended(shares, inputs, model_counts)
            return [_prediction(*_top(distribution), source) for distribution in shares]
        labour = self.triage.probabilities(
            items, [rule_features(item) for item in scores], triage_counts
        )
        source = f"{source}+triage"
        # The category matters only where the triage says labour: the rest are non-labour
        # whatever the blend says, so the demand model reads only the texts above the cut.
        above = [
            row for row, probability in enumerate(labour) if probability >= self.triage.threshold
        ]
        shares = [_shares_of(scores[row]) for row in above]
        if blended and above:
            counts = None if model_counts is None else _rows_of(model_counts, above, len(items))
            shares = self._blended(shares, [inputs[row] for row in above], counts)
        predictions = [_refused(float(probability), source) for probability in labour]
        for row, distribution in zip(above, shares, strict=True):
            predictions[row] = self._triaged(distribution, float(labour[row]), source)
        return predictions

    def _blended(
        self, shares: list[dict[str, float]], inputs: list[str], counts: Cells | None
    ) -> list[dict[str, float]]:
        """Each text's rule shares blended with the model's probabilities (`counts`: the
        model's n-gram counts of `inputs` where the caller has them)."""
        assert self.model is not None
        if counts is None:
            rows = self.model.probabilities(inputs)
        else:
            rows = self.model.probabilities_of_counts(counts, len(inputs))
        return [
            self._blend(distribution, row) for distribution, row in zip(shares, rows, strict=True)
        ]

    def _blend(self, distribution: dict[str, float], model_row: np.ndarray) -> dict[str, float]:
        """Rule shares and model probabilities mixed by the model's weight; rule categories
        the model never saw keep their (down-weighted) rule share."""
        assert self.model is not None
        weight = self.model_weight
        blended = {code: weight * float(model_row[i]) for code, i in self._columns.items()}
        for code, share in distribution.items():
            blended[code] = blended.get(code, 0.0) + (1.0 - weight) * share
        return blended

    def _triaged(
        self, distribution: dict[str, float], labour_probability: float, source: str
    ) -> Prediction:
        """The triage says labour or not; among labour categories the blend says which, its
        confidence P(labour) times the category's share of the labour mass."""
        assert self.triage is not None
        labour_shares = {c: s for c, s in distribution.items() if c in _labour_codes()}
        labour_mass = sum(labour_shares.values())
        if labour_probability < self.triage.threshold or labour_mass <= 0.0:
            # Without any labour category in view there is nothing to suggest but non-labour.
            return _refused(labour_probability, source)
        code, share = _top(labour_shares)
        return _prediction(
            code,
            labour_probability * share / labour_mass,
            source,
            round(labour_probability, 3),
        )


def _refused(labour_probability: float, source: str) -> Prediction:
    """Non-labour, as sure as the triage is that the text is not labour."""
    return _prediction(NON_LABOR, 1.0 - labour_probability, source, round(labour_probability, 3))


def _rows_of(cells: Cells, rows: Sequence[int], texts: int) -> Cells:
    """The cells of some rows of a batch of `texts`, those rows numbered 0, 1, … in order."""
    numbers = np.full(texts, -1, dtype=np.int64)
    numbers[np.asarray(rows, dtype=np.int64)] = np.arange(len(rows), dtype=np.int64)
    row_of, columns, values = cells
    renumbered = numbers[row_of]
    kept = renumbered >= 0
    return renumbered[kept], columns[kept], values[kept]


@cache
def _labour_codes() -> frozenset[str]:
    return frozenset(code for code, category in categories().items() if category.is_labor)


def _top(distribution: dict[str, float]) -> tuple[str, float]:
    return max(distribution.items(), key=lambda item: (item[1], item[0]))


@cache
def default_classifier() -> DemandClassifier:
    """The rules blended with the demand model, the labour triage (text/triage.py, learnt from
    real public text) deciding labour or not. A deployment's own triage file in the data dir
    (`$LABORWATCH_DATA_DIR/text/labor_triage.npz`) takes precedence over the shipped one."""
    return DemandClassifier.from_model_file(default_model_file(), default_triage_file())


def classify(text: str, title: str | None = None) -> Prediction:
    """The demand category of a citizen's message, with the default rules, model and triage."""
    return default_classifier().classify(text, title)
