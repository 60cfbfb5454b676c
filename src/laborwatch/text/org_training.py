"""Training and cross-validation of the organisation tagger on CLUENER2020-style data."""

from __future__ import annotations

import json
import random
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pycrfsuite

from laborwatch.text.org_features import ORG_SUFFIXES, char_features
from laborwatch.text.orgs import ORG_KINDS, OrgTagger, spans_from_tags, tagging_text

SEED = 20200101
CRF_PARAMS: dict[str, float | int | bool] = {
    "c1": 0.05,
    "c2": 0.01,
    "max_iterations": 150,
    "feature.possible_transitions": True,
    "feature.minfreq": 1,
}

# The post tagger learns from 1,350 posts: fewer iterations suffice (chosen on the Weibo dev
# split, see text/data/README.md).
SOCIAL_CRF_PARAMS: dict[str, float | int | bool] = {**CRF_PARAMS, "max_iterations": 100}


@dataclass(frozen=True)
class Example:
    text: str
    spans: tuple[tuple[int, int, str], ...]  # (start, end exclusive, label)


def read_cluener(path: Path) -> list[Example]:
    """CLUENER JSON lines; the file's spans are [start, end] with end INCLUSIVE."""
    examples = []
    with path.open(encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            record = json.loads(line)
            text = record["text"]
            spans = []
            for label, mentions in record.get("label", {}).items():
                for mention, positions in mentions.items():
                    for start, end_inclusive in positions:
                        if text[start : end_inclusive + 1] != mention:
                            raise ValueError(
                                f"{path}:{line_number}: span {start}-{end_inclusive} "
                                f"is not {mention!r}"
                            )
                        spans.append((start, end_inclusive + 1, label))
            examples.append(Example(text=text, spans=tuple(sorted(spans))))
    return examples


def bio_tags(example: Example) -> list[str]:
    """BIO tags; of overlapping spans (rare in CLUENER) the earlier, then longer, wins."""
    tags = ["O"] * len(example.text)
    for start, end, label in sorted(example.spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if any(tag != "O" for tag in tags[start:end]):
            continue
        tags[start] = f"B-{label}"
        for index in range(start + 1, end):
            tags[index] = f"I-{label}"
    return tags


class _ProgressTrainer(pycrfsuite.Trainer):
    def __init__(self, on_iteration: Callable[[int], None] | None) -> None:
        super().__init__(verbose=False)
        self._on_iteration = on_iteration

    def on_iteration(self, log: str, info: dict[str, object]) -> None:
        if self._on_iteration is not None:
            self._on_iteration(int(str(info.get("num", 0))))


def train(
    examples: Sequence[Example],
    model_path: Path,
    *,
    params: dict[str, float | int | bool] | None = None,
    on_iteration: Callable[[int], None] | None = None,
) -> None:
    trainer = _ProgressTrainer(on_iteration)
    for example in examples:
        if example.text:
            trainer.append(char_features(tagging_text(example.text)), bio_tags(example))
    trainer.set_params({**CRF_PARAMS, **(params or {})})
    model_path.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(model_path))


@dataclass
class Counts:
    true_positive: int = 0
    predicted: int = 0
    gold: int = 0

    def add(self, other: Counts) -> None:
        self.true_positive += other.true_positive
        self.predicted += other.predicted
        self.gold += other.gold

    @property
    def precision(self) -> float:
        return self.true_positive / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.true_positive / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "gold": self.gold,
            "predicted": self.predicted,
            "true_positive": self.true_positive,
        }


@dataclass
class Scores:
    """Exact-match entity scores: one Counts per label, and for groups of labels."""

    by_label: dict[str, Counts] = field(default_factory=dict)

    def add_sentence(
        self, gold: Iterable[tuple[int, int, str]], predicted: Iterable[tuple[int, int, str]]
    ) -> None:
        gold_set, predicted_set = set(gold), set(predicted)
        for label in {span[2] for span in gold_set | predicted_set}:
            counts = self.by_label.setdefault(label, Counts())
            gold_of = {span for span in gold_set if span[2] == label}
            predicted_of = {span for span in predicted_set if span[2] == label}
            counts.true_positive += len(gold_of & predicted_of)
            counts.gold += len(gold_of)
            counts.predicted += len(predicted_of)

    def merge(self, other: Scores) -> None:
        for label, counts in other.by_label.items():
            self.by_label.setdefault(label, Counts()).add(counts)

    def group(self, labels: Iterable[str]) -> Counts:
        total = Counts()
        for label in labels:
            total.add(self.by_label.get(label, Counts()))
        return total

    def report(self) -> dict[str, dict[str, float | int]]:
        return {
            "company": self.group(["company"]).as_dict(),
            "government": self.group(["government"]).as_dict(),
            "organization": self.group(["organization"]).as_dict(),
            "company+government+organization": self.group(ORG_KINDS).as_dict(),
            "all_labels": self.group(self.by_label).as_dict(),
        }


def evaluate(tagger: OrgTagger, examples: Sequence[Example]) -> Scores:
    scores = Scores()
    for example in examples:
        predicted = spans_from_tags(example.text, tagger.tag(example.text))
        scores.add_sentence(example.spans, predicted)
    return scores


def fold_indices(count: int, folds: int, seed: int = SEED) -> list[list[int]]:
    order = list(range(count))
    random.Random(seed).shuffle(order)
    return [sorted(order[fold::folds]) for fold in range(folds)]


def _run_fold(
    examples: Sequence[Example], held_out: Sequence[int], params: dict[str, float | int | bool]
) -> Scores:
    held = set(held_out)
    training = [example for index, example in enumerate(examples) if index not in held]
    testing = [examples[index] for index in held_out]
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "fold.crfsuite"
        train(training, path, params=params)
        tagger = OrgTagger(path, kinds=sorted({s[2] for e in examples for s in e.spans}))
        return evaluate(tagger, testing)


def cross_validate(
    examples: Sequence[Example],
    *,
    folds: int = 5,
    jobs: int = 1,
    params: dict[str, float | int | bool] | None = None,
    seed: int = SEED,
    on_fold: Callable[[int, Scores], None] | None = None,
) -> tuple[Scores, list[Scores]]:
    """K-fold cross-validation; returns pooled scores and the per-fold scores."""
    merged_params = {**CRF_PARAMS, **(params or {})}
    splits = fold_indices(len(examples), folds, seed)
    per_fold: list[Scores] = []
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(_run_fold, examples, s, merged_params) for s in splits]
            for number, future in enumerate(futures):
                per_fold.append(future.result())
                if on_fold:
                    on_fold(number, per_fold[-1])
    else:
        for number, split in enumerate(splits):
            per_fold.append(_run_fold(examples, split, merged_params))
            if on_fold:
                on_fold(number, per_fold[-1])
    pooled = Scores()
    for scores in per_fold:
        pooled.merge(scores)
    return pooled, per_fold


def read_weibo_ner(
    path: Path, kinds: Iterable[str] = ("ORG.NAM",), *, keep_labels: bool = False
) -> list[Example]:
    """The Weibo NER corpus (one character and its BIO tag a line, a blank line between posts;
    a few emoji stored as broken UTF-8, read as U+FFFD): each post with the spans of `kinds`,
    labelled "organization" (or with the corpus's own label, `keep_labels`)."""
    wanted = frozenset(kinds)
    examples: list[Example] = []
    characters: list[str] = []
    tags: list[str] = []
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in [*handle, "\n"]:
            parts = line.rstrip("\n").split("\t")
            if parts[0]:
                characters.append(parts[0][0])
                tags.append(parts[1] if len(parts) > 1 else "O")
                continue
            if characters:
                kept = [tag if tag[2:] in wanted else "O" for tag in tags]
                text = "".join(characters)
                spans = tuple(
                    (start, end, label if keep_labels else "organization")
                    for start, end, label in spans_from_tags(text, kept)
                )
                examples.append(Example(text=text, spans=spans))
                characters, tags = [], []
    return examples


# Weibo NER's entity types as the CLUENER labels the tagger learns; an organisation's label is
# read from its ending (a government or organisation suffix), else it is a company (most named
# organisations in posts are companies, shops, brands and media).
_WEIBO_LABELS = {"PER.NAM": "name", "GPE.NAM": "address", "LOC.NAM": "address"}


def weibo_org_kind(name: str) -> str:
    for kind in ("government", "organization"):
        if name.endswith(ORG_SUFFIXES[kind]):
            return kind
    return "company"


def read_weibo_ner_training(path: Path) -> list[Example]:
    """The Weibo NER corpus labelled as the CLUENER tagger learns it: named organisations as
    company / government / organization (by `weibo_org_kind`), named persons as name, named
    places as address; nominal mentions (公司, 政府) are left untagged, as CLUENER leaves them."""
    examples: list[Example] = []
    everything = read_weibo_ner(path, kinds=("ORG.NAM", *_WEIBO_LABELS), keep_labels=True)
    for example in everything:
        spans = tuple(
            (
                start,
                end,
                weibo_org_kind(example.text[start:end])
                if label == "ORG.NAM"
                else _WEIBO_LABELS[label],
            )
            for start, end, label in example.spans
        )
        examples.append(Example(text=example.text, spans=spans))
    return examples
