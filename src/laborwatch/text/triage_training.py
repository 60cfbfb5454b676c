"""Training and evaluating the labour triage on real public text: splits, the fit, the stacker,
calibration and threshold on dev, and the held-out figures per source."""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from laborwatch.text.classifier_training import curated_messages
from laborwatch.text.demand_model import SEED, LabelledText, fit
from laborwatch.text.lexicon import LEXICON_FILE, leaf_scores
from laborwatch.text.taxonomy import categories
from laborwatch.text.triage import (
    LABOUR,
    OTHER,
    Calibration,
    LaborTriage,
    binary_scores,
    expected_calibration_error,
    reliability_table,
    rule_features,
)
from laborwatch.text.triage_corpus import (
    SOURCES,
    ManifestRow,
    RealText,
    assign_splits,
    near_duplicate_pairs,
    read_board_taxonomy,
    read_corpus,
    read_evaluation_only,
    read_manifest,
    text_hash,
    write_manifest,
)

# scikit-learn's C for the character model: chosen on dev among 1, 4 and 16.
TEXT_REGULARISATION = 4.0
STACK_FOLDS = 5
CALIBRATION_POINTS = 512
# The opinion list wants few false alarms: a second cut, for precision 0.90 on dev.
PRECISE = 0.90
# What people write (posts, board messages, consultations), as opposed to news and judgments.
WRITTEN_BY_PEOPLE = (
    "weibo-ner/post",
    "gov/tipdm-a",
    "gov/board-labelled",
    "gov/board-full",
    "lawbench/3-8",
)
# News headlines outnumber everything else; a sample keeps them from drowning the rest.
SOURCE_CAPS = {"fewclue/tnews": 1500}
WRITTEN = "written-here"
LEXICON = "lexicon-written-here"
BOARD_TAXONOMY = "gov/tipdm-a taxonomy"
# One-phrase examples: the stacker learns from messages, not from these.
PHRASES = (LEXICON, BOARD_TAXONOMY)
# An evaluation-only text sharing this much of its shingles with a trained one is not held out.
OVERLAP_JACCARD = 0.8


@dataclass(frozen=True)
class TriageExample:
    text: str
    title: str | None
    is_labor: bool
    source: str
    category: str | None = None  # a taxonomy code where the source has one


def _example(item: RealText) -> TriageExample:
    return TriageExample(text=item.text, title=None, is_labor=item.is_labor, source=item.source)


def checks_held_out(corpus: Path) -> list[str]:
    """Texts of the independent checks' sets (see checks_sets). Never trained on."""
    return [
        f"{example.title}\n{example.text}" if example.title else example.text
        for examples in checks_sets(corpus).values()
        for example in examples
    ]


@dataclass
class Dataset:
    real: list[RealText]
    splits: list[str]
    dropped_as_check_texts: int

    def examples(self, split: str) -> list[TriageExample]:
        return [_example(t) for t, s in zip(self.real, self.splits, strict=True) if s == split]

    def manifest(self) -> list[ManifestRow]:
        return [
            ManifestRow(t.source, t.key, s, t.is_labor, text_hash(t.text))
            for t, s in zip(self.real, self.splits, strict=True)
        ]


def _capped(texts: list[RealText]) -> list[RealText]:
    by_source: dict[str, list[RealText]] = defaultdict(list)
    for item in texts:
        by_source[item.source].append(item)
    kept: list[RealText] = []
    for source, items in by_source.items():
        cap = SOURCE_CAPS.get(source)
        if cap is not None and len(items) > cap:
            items = sorted(items, key=lambda item: text_hash(item.text))[:cap]
        kept.extend(items)
    return kept


def build_dataset(corpus: Path) -> Dataset:
    real = _capped(read_corpus(corpus))
    held_out = checks_held_out(corpus)
    near_checks = {i for i, _, _ in near_duplicate_pairs([t.text for t in real], held_out)}
    kept = [item for index, item in enumerate(real) if index not in near_checks]
    return Dataset(real=kept, splits=assign_splits(kept), dropped_as_check_texts=len(near_checks))


def written_examples(split: str) -> list[TriageExample]:
    known = categories()
    return [
        TriageExample(
            text=m.text,
            title=m.title,
            is_labor=known[m.category].is_labor,
            source=WRITTEN,
            category=m.category,
        )
        for m in curated_messages(split)
    ]


def board_taxonomy_examples(corpus: Path) -> list[TriageExample]:
    """The message board's own category names (real public text, 附件1) as one-phrase
    examples: 职工养老保险, 退休金发放 labour; 物业管理, 校园安全 not."""
    return [
        TriageExample(name, None, is_labor, BOARD_TAXONOMY)
        for name, is_labor in read_board_taxonomy(corpus / "gov")
    ]


def lexicon_examples() -> list[TriageExample]:
    """The curated lexicon's cue terms as one-phrase examples (written here): short messages
    (老板欠薪两个月) carry little else for the character model to learn from."""
    known = categories()
    with LEXICON_FILE.open(encoding="utf-8", newline="") as handle:
        terms = {row["term"]: known[row["code"]].is_labor for row in csv.DictReader(handle)}
    return [TriageExample(term, None, is_labor, LEXICON) for term, is_labor in terms.items()]


def _labelled(examples: Sequence[TriageExample]) -> list[LabelledText]:
    return [
        LabelledText(text=e.text, category=LABOUR if e.is_labor else OTHER, title=e.title)
        for e in examples
    ]


def _text_logits(model, examples: Sequence[TriageExample]) -> np.ndarray:
    texts = [f"{e.title}\n{e.text}" if e.title else e.text for e in examples]
    labour = np.clip(model.probabilities(texts)[:, model.classes.index(LABOUR)], 1e-6, 1 - 1e-6)
    return np.log(labour / (1 - labour))


def _stack_inputs(logits: np.ndarray, examples: Sequence[TriageExample]) -> np.ndarray:
    rules = np.array(
        [rule_features(leaf_scores(e.text, e.title)[0]) for e in examples], dtype=np.float64
    )
    return np.column_stack([logits, rules])


def _out_of_fold_logits(examples: Sequence[TriageExample]) -> np.ndarray:
    """Each training text's logit from a model that did not see it, for fitting the stacker."""
    rng = np.random.default_rng(SEED)
    fold = rng.integers(0, STACK_FOLDS, size=len(examples))
    logits = np.zeros(len(examples))
    for number in range(STACK_FOLDS):
        inside = [e for e, f in zip(examples, fold, strict=True) if f != number]
        outside_index = np.flatnonzero(fold == number)
        model = fit(_labelled(inside), regularisation=TEXT_REGULARISATION)
        logits[outside_index] = _text_logits(model, [examples[int(i)] for i in outside_index])
    return logits


def best_threshold(probabilities: np.ndarray, outcomes: np.ndarray) -> float:
    """The cut on calibrated P(labour) with the best F1 on `outcomes`; the lowest on ties."""
    best, best_f1 = 0.5, -1.0
    for candidate in np.unique(probabilities):
        f1 = binary_scores(probabilities >= candidate, outcomes).f1
        if f1 > best_f1:
            best, best_f1 = float(candidate), f1
    return best


def precise_threshold(
    probabilities: np.ndarray, outcomes: np.ndarray, precision: float = PRECISE
) -> float:
    """The lowest cut on calibrated P(labour) whose precision on `outcomes` is at least
    `precision` (the most recall at that precision); 1.0 where no cut reaches it."""
    for candidate in np.unique(probabilities):
        scores = binary_scores(probabilities >= candidate, outcomes)
        if scores.predicted_positives and scores.precision >= precision:
            return float(candidate)
    return 1.0


def platt_calibration(raw: np.ndarray, outcomes: np.ndarray) -> Calibration:
    """A sigmoid of the raw score fitted on dev (Platt scaling), kept as points on a fine grid.
    Dev holds few labour texts: a two-parameter sigmoid is steadier there than isotonic steps."""
    platt = LogisticRegression(C=1e4, max_iter=1000).fit(raw.reshape(-1, 1), outcomes)
    grid = np.linspace(float(raw.min()) - 10.0, float(raw.max()) + 10.0, CALIBRATION_POINTS)
    return Calibration(grid, platt.predict_proba(grid.reshape(-1, 1))[:, 1])


def train_triage(
    training: Sequence[TriageExample], dev: Sequence[TriageExample], info: dict | None = None
) -> LaborTriage:
    """Character model on `training`; stacker on its out-of-fold logits and the rule scores;
    calibration and the threshold on `dev`."""
    # The stacker learns from messages, not from the one-phrase examples.
    messages = np.array([e.source not in PHRASES for e in training])
    outcomes = np.array([e.is_labor for e in training])[messages]
    inputs = _stack_inputs(_out_of_fold_logits(training), training)[messages]
    stacker = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)
    stacker.fit(inputs, outcomes)
    text_model = fit(_labelled(training), regularisation=TEXT_REGULARISATION)
    triage = LaborTriage(
        text_model=text_model,
        stack_weights=stacker.coef_[0].astype(np.float64),
        stack_intercept=float(stacker.intercept_[0]),
        calibration=Calibration(np.array([0.0, 1.0]), np.array([0.0, 1.0])),
        threshold=0.5,
        info=dict(info or {}),
    )
    dev_outcomes = np.array([e.is_labor for e in dev], dtype=float)
    raw = triage.raw_scores([(e.text, e.title) for e in dev])
    triage.calibration = platt_calibration(raw, dev_outcomes)
    calibrated = triage.calibration(raw)
    triage.threshold = best_threshold(calibrated, dev_outcomes.astype(bool))
    triage.info["precise_threshold"] = precise_threshold(calibrated, dev_outcomes.astype(bool))
    return triage


# --- evaluation ----------------------------------------------------------------------------


def overlap_with_training(
    tested: Sequence[str], trained: Sequence[str], threshold: float = OVERLAP_JACCARD
) -> dict[str, int]:
    """How many tested texts occur in training: same normalised text, or near-duplicates
    (sharing `threshold` of their 5-character shingles)."""
    trained_hashes = {text_hash(text) for text in trained}
    exact = sum(text_hash(text) in trained_hashes for text in tested)
    near = {i for i, _, _ in near_duplicate_pairs(tested, trained, threshold=threshold)}
    return {"exact": exact, "near_duplicate": len(near)}


def triage_report(
    triage: LaborTriage, examples: Sequence[TriageExample], threshold: float | None = None
) -> dict[str, dict[str, float | int]]:
    """is_labor precision, recall and F1 per source and over all, at the triage's threshold
    (or at `threshold`)."""
    probabilities = triage.probabilities([(e.text, e.title) for e in examples])
    predicted = probabilities >= (triage.threshold if threshold is None else threshold)
    outcomes = np.array([e.is_labor for e in examples])
    report = {}
    for source in sorted({e.source for e in examples}):
        inside = np.array([e.source == source for e in examples])
        report[source] = binary_scores(predicted[inside], outcomes[inside]).as_dict()
    report["all"] = binary_scores(predicted, outcomes).as_dict()
    return report


def calibration_report(triage: LaborTriage, examples: Sequence[TriageExample]) -> dict:
    probabilities = triage.probabilities([(e.text, e.title) for e in examples])
    outcomes = np.array([e.is_labor for e in examples], dtype=float)
    table = [
        {
            "bin": f"{row.low:.1f}-{row.high:.1f}",
            "texts": row.count,
            "mean_p_labour": None if row.count == 0 else round(row.mean_predicted, 3),
            "observed_labour": None if row.count == 0 else round(row.observed, 3),
        }
        for row in reliability_table(probabilities, outcomes)
    ]
    return {
        "expected_calibration_error": round(expected_calibration_error(probabilities, outcomes), 4),
        "reliability": table,
    }


def source_counts(dataset: Dataset) -> dict[str, dict[str, int]]:
    counts: dict[str, Counter] = defaultdict(Counter)
    for item, split in zip(dataset.real, dataset.splits, strict=True):
        counts[item.source][f"{split}_{'labour' if item.is_labor else 'other'}"] += 1
    return {source: dict(sorted(c.items())) for source, c in sorted(counts.items())}


# --- the commands --------------------------------------------------------------------------


def train_and_save(corpus: Path, out: Path, manifest: Path) -> dict:
    """Fit on the train split (real text, the curated dev messages, the lexicon's terms),
    calibrate and set the threshold on the dev split; save the model and the manifest."""
    dataset = build_dataset(corpus)
    training = (
        dataset.examples("train")
        + written_examples("dev")
        + lexicon_examples()
        + board_taxonomy_examples(corpus)
    )
    dev = dataset.examples("dev")
    triage = train_triage(
        training,
        dev,
        info={
            "trained_on": len(training),
            "dev": len(dev),
            "sources": sorted({e.source for e in training}),
        },
    )
    triage.save(out)
    write_manifest(dataset.manifest(), manifest)
    return {
        "model": str(out),
        "trained_on": len(training),
        "dev": len(dev),
        "dropped_as_check_texts": dataset.dropped_as_check_texts,
        "threshold": round(triage.threshold, 4),
        "dev_is_labor": triage_report(triage, dev)["all"],
        "texts_by_source_and_split": source_counts(dataset),
    }


def _category_accuracy(classifier, examples: Sequence[TriageExample]) -> float:
    predictions = classifier.classify_many([(e.text, e.title) for e in examples])
    return sum(p.category == e.category for p, e in zip(predictions, examples, strict=True)) / len(
        examples
    )


def _posts_and_messages(triage: LaborTriage, test: Sequence[TriageExample]) -> dict:
    """What the opinion list reads: the test split's posts, board messages and consultations
    (real public text, never trained on), at the F1 threshold and at the precise one."""
    written = [e for e in test if e.source in WRITTEN_BY_PEOPLE]
    precise = triage.precise_threshold
    return {
        "sources": list(WRITTEN_BY_PEOPLE),
        "at_threshold": triage_report(triage, written)["all"],
        "precise_threshold": round(precise, 4),
        "at_precise_threshold": triage_report(triage, written, precise),
    }


def _evaluation_only_report(
    triage: LaborTriage, texts: Sequence[RealText], trained: Sequence[str]
) -> dict[str, object]:
    """is_labor on the evaluation-only sources (never trained on, whatever their split would
    be), less the texts that repeat or nearly repeat a trained one (counted)."""
    tested = [t.text for t in texts]
    repeated = {i for i, _, _ in near_duplicate_pairs(tested, trained, OVERLAP_JACCARD)}
    trained_hashes = {text_hash(text) for text in trained}
    kept = [
        _example(t)
        for index, t in enumerate(texts)
        if index not in repeated and text_hash(t.text) not in trained_hashes
    ]
    return {
        "dropped_as_found_in_training": len(texts) - len(kept),
        "is_labor": triage_report(triage, kept),
        "calibration": calibration_report(triage, kept),
        "at_precise_threshold": triage_report(triage, kept, triage.precise_threshold)["all"],
    }


def checks_sets(corpus: Path) -> dict[str, list[TriageExample]]:
    """The independent checks' sets, with their own labels, where copies sit in the corpus
    folder: LawBench task 2-4 and the 495 labelled board messages (附件2)."""
    import openpyxl

    sets: dict[str, list[TriageExample]] = {}
    topics = corpus / "lawbench" / "data" / "zero_shot" / "2-4.json"
    if topics.exists():
        records = json.loads(topics.read_text(encoding="utf-8"))
        sets["lawbench/2-4 (劳动纠纷 vs 19 areas)"] = [
            TriageExample(str(r["question"]), None, r["answer"] == "劳动纠纷", "lawbench/2-4")
            for r in records
        ]
    board = corpus / "gov" / "附件2.xlsx"
    if board.exists():
        rows = openpyxl.load_workbook(board, read_only=True).active.iter_rows(values_only=True)
        next(rows)
        sets["gov/tipdm-a 附件2 (劳动和社会保障 vs 6 departments)"] = [
            TriageExample(" ".join(str(r[4]).split()), str(r[2]), r[5] == "劳动和社会保障", "gov")
            for r in rows
            if r[2] and r[4] and r[5]
        ]
    return sets


def evaluate(corpus: Path, model: Path, manifest_file: Path, include_checks: bool = False) -> dict:
    """Held-out figures: is_labor per source on the real test split, calibration there, the
    overlap check against training, and the written messages' test split (labelled so)."""
    from laborwatch.text.classify import DemandClassifier
    from laborwatch.text.demand_model import default_model_file

    triage = LaborTriage.load(model)
    dataset = build_dataset(corpus)
    test = dataset.examples("test")
    trained = [e.text for e in dataset.examples("train") + dataset.examples("dev")]
    trained += [e.text for e in written_examples("dev")]
    trained += [e.text for e in lexicon_examples() + board_taxonomy_examples(corpus)]
    written = written_examples("test")
    classifier = DemandClassifier.from_model_file(default_model_file(), model)
    manifest = {(row.source, row.key): row.split for row in read_manifest(manifest_file)}
    moved = sum(
        manifest.get((t.source, t.key), s) != s
        for t, s in zip(dataset.real, dataset.splits, strict=True)
    )
    report: dict[str, object] = {
        "real_public_text_held_out": {
            "sources": SOURCES,
            "test_is_labor": triage_report(triage, test),
            "test_calibration": calibration_report(triage, test),
            "test_texts_found_in_training": overlap_with_training([e.text for e in test], trained),
            "texts_whose_split_differs_from_the_manifest": moved,
        },
        "threshold": round(triage.threshold, 4),
        "posts_and_messages_held_out": _posts_and_messages(triage, test),
        "written_here_development_aid_only": {
            "test_is_labor": triage_report(triage, written)["all"],
            "test_category_accuracy": round(_category_accuracy(classifier, written), 3),
        },
    }
    evaluation_only = read_evaluation_only(corpus)
    if evaluation_only:
        report["evaluation_only_sources_never_trained_on"] = _evaluation_only_report(
            triage, evaluation_only, trained
        )
    if include_checks:
        report["independent_checks_sets_never_trained_on"] = {
            name: triage_report(triage, examples)["all"]
            for name, examples in checks_sets(corpus).items()
        }
    return report
