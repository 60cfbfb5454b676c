"""Retraining the demand classifier on labelled cases, with held-out accuracy."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from laborwatch.text.classify import DemandClassifier
from laborwatch.text.demand_model import (
    DemandModel,
    LabelledText,
    accuracy,
    fit,
    held_out_split,
    k_fold,
)
from laborwatch.text.jsonl import InputError, parse_record
from laborwatch.text.taxonomy import categories

CURATED_MESSAGES = Path(__file__).resolve().parent / "data" / "worker_messages.jsonl"


def read_labelled(lines: Iterable[str]) -> list[LabelledText]:
    """JSON lines of {"text", "category", "title"?}; an InputError for a line that is not one
    or names an unknown category."""
    known = categories()
    examples = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        record = parse_record(line, number)
        category = record.get("category")
        if category not in known:
            raise InputError(number, "unknown_category", str(category))
        examples.append(
            LabelledText(text=record["text"], category=category, title=record.get("title"))
        )
    return examples


def curated_messages(split: str | None = None) -> list[LabelledText]:
    """The curated messages shipped with the package (written by the developers; see the
    file's README note in docs): `split` "dev" or "test" or None for all."""
    with CURATED_MESSAGES.open(encoding="utf-8") as handle:
        lines = [line for line in handle if split is None or json.loads(line).get("split") == split]
    return read_labelled(lines)


def _predict_with(classifier: DemandClassifier):
    def predict(examples: Sequence[LabelledText]) -> list[str]:
        items = [(example.text, example.title) for example in examples]
        return [prediction.category for prediction in classifier.classify_many(items)]

    return predict


@dataclass(frozen=True)
class TrainingReport:
    trained_on: int
    held_out: int
    rules_accuracy: float
    model_accuracy: float
    blended_accuracy: float
    model_weight: float

    def as_dict(self) -> dict[str, float | int]:
        return {
            "trained_on": self.trained_on,
            "held_out": self.held_out,
            "held_out_accuracy_rules": round(self.rules_accuracy, 4),
            "held_out_accuracy_model": round(self.model_accuracy, 4),
            "held_out_accuracy_rules_plus_model": round(self.blended_accuracy, 4),
            "model_weight": round(self.model_weight, 3),
        }


def evaluate_split(
    training: Sequence[LabelledText], held_out: Sequence[LabelledText]
) -> TrainingReport:
    model = fit(training)
    blended = DemandClassifier(model)
    return TrainingReport(
        trained_on=len(training),
        held_out=len(held_out),
        rules_accuracy=accuracy(_predict_with(DemandClassifier(None)), held_out),
        model_accuracy=accuracy(_predict_with(DemandClassifier(model, 1.0)), held_out),
        blended_accuracy=accuracy(_predict_with(blended), held_out),
        model_weight=blended.model_weight,
    )


def retrain(examples: Sequence[LabelledText], out: Path) -> tuple[DemandModel, TrainingReport]:
    """Hold out a fifth to report accuracy, then fit on every case and save to `out`."""
    training, held_out = held_out_split(examples)
    report = evaluate_split(training, held_out)
    model = fit(examples)
    model.info = {"held_out": report.as_dict()}
    model.save(out)
    return model, report


def cross_validated(examples: Sequence[LabelledText], folds: int = 5) -> dict[str, float]:
    """Pooled k-fold accuracy of rules, model and the blend."""
    correct = {"rules": 0, "model": 0, "rules+model": 0}
    total = 0
    for training, testing in k_fold(examples, folds):
        if not testing:
            continue
        report = evaluate_split(training, testing)
        total += len(testing)
        correct["rules"] += round(report.rules_accuracy * len(testing))
        correct["model"] += round(report.model_accuracy * len(testing))
        correct["rules+model"] += round(report.blended_accuracy * len(testing))
    return {name: count / total for name, count in correct.items()} | {"cases": total}
