"""Reproduce the text engine's figures.

1. Demand classification on the curated worker messages shipped in
   src/laborwatch/text/data/worker_messages.jsonl (100 long, chatty messages written by the
   developers: 50 "dev" used while writing the lexicon, 50 "test" not looked at while tuning;
   curated, not real citizen messages). Rules alone on each split; the model and the blend
   by stratified k-fold over all 100, and trained on dev / tested on test.
2. Organisation extraction on CLUENER2020's train split: k-fold cross-validated exact-match
   P/R/F1 for company alone and company+government+organization.

    .venv/bin/python scripts/eval_text.py [--cluener FILE] [--folds 5] [--jobs 2] [--skip-orgs]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from laborwatch.text.classifier_training import cross_validated, curated_messages, evaluate_split
from laborwatch.text.classify import DemandClassifier

DEFAULT_CLUENER = Path("/work/shared/data/cluener2020/train.json")


def classification_figures(folds: int) -> dict[str, object]:
    rules = DemandClassifier(None)
    figures: dict[str, object] = {}
    for split in ("dev", "test"):
        examples = curated_messages(split)
        predictions = rules.classify_many([(e.text, e.title) for e in examples])
        leaf = sum(p.category == e.category for p, e in zip(predictions, examples, strict=True))
        group = sum(
            p.category.split(".")[0] == e.category.split(".")[0]
            for p, e in zip(predictions, examples, strict=True)
        )
        labour = sum(
            p.is_labor == (e.category != "NON_LABOR")
            for p, e in zip(predictions, examples, strict=True)
        )
        figures[f"rules_{split}"] = {
            "messages": len(examples),
            "accuracy_leaf": round(leaf / len(examples), 4),
            "accuracy_top_level": round(group / len(examples), 4),
            "accuracy_labour_or_not": round(labour / len(examples), 4),
            "errors": [
                {"id": f"{e.category} -> {p.category}", "text": e.text[:40]}
                for p, e in zip(predictions, examples, strict=True)
                if p.category != e.category
            ],
        }
    figures["dev_to_test"] = evaluate_split(
        curated_messages("dev"), curated_messages("test")
    ).as_dict()
    figures[f"{folds}_fold_all_curated"] = {
        name: round(value, 4) for name, value in cross_validated(curated_messages(), folds).items()
    }
    return figures


def org_figures(path: Path, folds: int, jobs: int) -> dict[str, object]:
    from rich.progress import Progress

    from laborwatch.text.org_training import cross_validate, read_cluener

    examples = read_cluener(path)
    started = time.perf_counter()
    with Progress() as progress:
        task = progress.add_task(f"{folds}-fold CRF on {len(examples):,} sentences", total=folds)
        pooled, per_fold = cross_validate(
            examples, folds=folds, jobs=jobs, on_fold=lambda *_: progress.advance(task)
        )
    report = pooled.report()
    for name, labels in (
        ("company", ["company"]),
        ("company+government+organization", ["company", "government", "organization"]),
    ):
        f1s = [fold.group(labels).f1 for fold in per_fold]
        report[name]["fold_f1_mean"] = round(statistics.mean(f1s), 4)
        report[name]["fold_f1_stdev"] = round(statistics.stdev(f1s), 4) if len(f1s) > 1 else 0.0
    return {
        "sentences": len(examples),
        "folds": folds,
        "seconds": round(time.perf_counter() - started),
        "pooled": report,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cluener", type=Path, default=DEFAULT_CLUENER)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--skip-orgs", action="store_true")
    parser.add_argument("--out", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()

    figures: dict[str, object] = {"classification": classification_figures(args.folds)}
    print(json.dumps(figures, ensure_ascii=False, indent=2), flush=True)
    if not args.skip_orgs:
        figures["organisations"] = org_figures(args.cluener, args.folds, args.jobs)
        print(json.dumps(figures["organisations"], ensure_ascii=False, indent=2))
    if args.out:
        args.out.write_text(json.dumps(figures, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
