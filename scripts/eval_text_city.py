"""Linking and classification on a synthetic city written by `laborwatch synth`.

The city's complaints.parquet holds, for each complaint, the employer as the worker named it
(mostly the registered name; for the complaints the intake left unlinked, with no credit code,
a short, misspelt, region-less or legal-form-less name), a short description and the
generator's category. The true employer of every complaint is the complaining worker's
employer in workers.parquet. This script links each description against the city's
350,000-name enterprises.parquet and scores the result by how the name was told, and checks
that the classifier's top-level category agrees with the generator's category.

    .venv/bin/python scripts/eval_text_city.py [--city /tmp/lw-city] [--sample 20000]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq

from laborwatch.text.classify import DemandClassifier
from laborwatch.text.demand_model import SEED_MODEL_FILE, DemandModel
from laborwatch.text.link import Linker
from laborwatch.text.names import normalise, strip_legal_form, strip_region
from laborwatch.text.registry import RegistryEntry, read_registry

SEED = 99
CONFIDENT = 0.5
# The generator's categories and the taxonomy groups that answer them.
CATEGORY_GROUPS = {
    "wage_arrears": {"WAGE.ARREARS"},
    "overtime_pay": {"WAGE.OVERTIME", "HOURS.OVERTIME"},
    "social_insurance": {"INSURANCE"},
    "dismissal": {"SEPARATION"},
    "labor_contract": {"CONTRACT"},
    "injury": {"SAFETY.INJURY", "INSURANCE.INJURY"},
}


def how_told(told: str | None, entry: RegistryEntry | None) -> str:
    if entry is None:
        return "employer not in the registry"
    if not told:
        return "not named"
    told_form = normalise(told)
    if told_form == normalise(entry.name):
        return "full name"
    if told_form in {normalise(name) for name in entry.former_names}:
        return "former name"
    if told_form in {normalise(name) for name in entry.short_names}:
        return "short name"
    if told_form == strip_region(normalise(entry.name)):
        return "name without region"
    if strip_legal_form(told_form) == strip_legal_form(strip_region(normalise(entry.name))):
        return "other legal form / no region"
    return "other variant (typo …)"


def evaluate_linking(linker: Linker, rows: list[dict], by_code: dict[str, RegistryEntry]):
    outcomes: dict[str, Counter] = {}
    started = time.perf_counter()
    results = [linker.mentions(row["description"]) for row in rows]
    rate = len(rows) / (time.perf_counter() - started)
    for row, mentions in zip(rows, results, strict=True):
        entry = by_code.get(row["employer_credit_code"] or "")
        group = how_told(row["employer_name_as_told"], entry)
        if row["credit_code"] is None:
            group = f"{group} (intake left unlinked)"
        counts = outcomes.setdefault(group, Counter())
        counts["complaints"] += 1
        best_codes = {mention.best.credit_code for mention in mentions}
        all_codes = {c.credit_code for mention in mentions for c in mention.candidates}
        if entry is None:
            counts["linked to something"] += bool(mentions)
            continue
        counts["right enterprise is best candidate"] += entry.credit_code in best_codes
        counts["right enterprise among candidates"] += entry.credit_code in all_codes
        counts["nothing linked"] += not mentions
        counts["only wrong enterprises linked"] += bool(mentions) and (
            entry.credit_code not in all_codes
        )
        confident = {m.best.credit_code for m in mentions if m.best.confidence >= CONFIDENT}
        counts[f"right, confidence >= {CONFIDENT}"] += entry.credit_code in confident
        counts[f"a wrong link with confidence >= {CONFIDENT}"] += bool(
            confident - {entry.credit_code}
        )
    return outcomes, rate


def evaluate_classification(rows: list[dict]) -> dict[str, object]:
    classifier = DemandClassifier(DemandModel.load(SEED_MODEL_FILE))
    items = [(row["description"], None) for row in rows]
    started = time.perf_counter()
    predictions = classifier.classify_many(items)
    rate = len(rows) / (time.perf_counter() - started)
    agree: Counter = Counter()
    total: Counter = Counter()
    confusions: Counter = Counter()
    for row, prediction in zip(rows, predictions, strict=True):
        wanted = CATEGORY_GROUPS[row["category"]]
        total[row["category"]] += 1
        if any(prediction.category == g or prediction.category.startswith(g + ".") for g in wanted):
            agree[row["category"]] += 1
        else:
            confusions[f"{row['category']} -> {prediction.category}"] += 1
    return {
        "texts_per_second": round(rate),
        "agreement_by_category": {c: round(agree[c] / total[c], 4) for c in sorted(total)},
        "agreement_overall": round(sum(agree.values()) / sum(total.values()), 4),
        "top_confusions": confusions.most_common(8),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--city", type=Path, default=Path("/tmp/lw-city"))
    parser.add_argument("--sample", type=int, default=20000)
    args = parser.parse_args()

    started = time.perf_counter()
    entries = read_registry(args.city / "enterprises.parquet")
    linker = Linker(entries)
    print(f"registry {len(entries):,} names, linker built in {time.perf_counter() - started:.1f} s")
    by_code = {entry.credit_code: entry for entry in entries}
    columns = ["credit_code", "worker_key", "employer_name_as_told", "category", "description"]
    complaints = pq.read_table(args.city / "complaints.parquet", columns=columns).to_pylist()
    rows = random.Random(SEED).sample(complaints, min(args.sample, len(complaints)))
    employers = pq.read_table(
        args.city / "workers.parquet", columns=["worker_key", "employer_credit_code"]
    )
    employer_of = dict(
        zip(
            employers.column("worker_key").to_pylist(),
            employers.column("employer_credit_code").to_pylist(),
            strict=True,
        )
    )
    columns_agree = 0
    for row in rows:
        row["employer_credit_code"] = employer_of.get(row["worker_key"])
        columns_agree += row["credit_code"] in (None, row["employer_credit_code"])
    print(f"worker's employer = complaint's credit code: {columns_agree / len(rows):.4f}")
    mean_length = statistics.mean(len(row["description"]) for row in rows)
    print(f"{len(rows):,} complaints sampled, mean {mean_length:.0f} characters")

    outcomes, rate = evaluate_linking(linker, rows, by_code)
    print(f"linking: {rate:,.0f} texts/s")
    for group, counts in sorted(outcomes.items(), key=lambda item: -item[1]["complaints"]):
        n = counts["complaints"]
        shares = {key: f"{value / n:.3f}" for key, value in counts.items() if key != "complaints"}
        print(f"  {group} ({n:,}): {json.dumps(shares, ensure_ascii=False)}")
    print("classification (top-level agreement with the generator's category):")
    print(json.dumps(evaluate_classification(rows), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
