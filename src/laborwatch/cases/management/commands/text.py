"""`laborwatch text classify|orgs|link|link-index|train-classifier|train-orgs|train-triage|
evaluate-triage`: the pure Chinese text engine on JSON lines (standard input to standard
output), its training, the registry's linking index, and the labour triage's evaluation on
held-out real public text."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.lib.commands import USAGE_ERROR, LaborwatchCommand, existing_file, progress_bar
from laborwatch.text.jsonl import InputError, read_records, write_record

BATCH = 512
REGISTRY_SUFFIXES = (".parquet", ".csv", ".xlsx")
INPUT_PROBLEMS = {
    "not_json": gettext_lazy("line %(line)d of the input is not JSON (%(detail)s)"),
    "no_text": gettext_lazy('line %(line)d of the input is not an object with a string "text"'),
    "title_not_string": gettext_lazy('line %(line)d of the input has a "title" that is not text'),
    "unknown_category": gettext_lazy("line %(line)d names an unknown category: %(detail)s"),
}


def _batches(records: Iterator[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict]]:
    while batch := list(islice(records, size)):
        yield batch


class Command(LaborwatchCommand):
    summary = gettext_lazy(
        "The Chinese text engine: demand classification, organisation names, enterprise linking."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(
            dest="text_command",
            required=True,
            metavar="{classify,orgs,link,link-index,train-classifier,train-orgs,train-triage,evaluate-triage}",
        )
        classify = commands.add_parser(
            "classify",
            help=_('Classify demands: each input line {"id","title"?,"text"}, one category out.'),
        )
        classify.add_argument("--model", type=existing_file, help=_("A trained model file (.npz)."))
        classify.add_argument(
            "--triage",
            type=existing_file,
            help=_("Decide labour or not with this triage model (.npz), not the default one."),
        )
        classify.add_argument(
            "--no-triage",
            action="store_true",
            help=_("Leave the labour triage out: the rules and the model decide labour or not."),
        )
        classify.add_argument(
            "--rules-only", action="store_true", help=_("Use the word-list rules only, no model.")
        )
        orgs = commands.add_parser(
            "orgs",
            help=_('Find organisation names: each input line {"id","text"}, {"id","orgs"} out.'),
        )
        orgs.add_argument(
            "--model", type=existing_file, help=_("CRF model file (default: the shipped one).")
        )
        link = commands.add_parser(
            "link",
            help=_(
                'Link enterprises: each input line {"id","text"}; out, the registered '
                "enterprises the text names, with candidates."
            ),
        )
        link.add_argument(
            "--registry",
            type=existing_file,
            required=True,
            help=_("Enterprise registry (.parquet, .csv or .xlsx)."),
        )
        link.add_argument(
            "--min-confidence",
            type=float,
            default=0.0,
            help=_("Leave out matches below this confidence."),
        )
        train_classifier = commands.add_parser(
            "train-classifier",
            help=_("Retrain the demand classifier on labelled cases; report held-out accuracy."),
        )
        train_classifier.add_argument(
            "--from",
            dest="source",
            type=existing_file,
            required=True,
            help=_('Labelled cases as JSON lines, each {"text","category","title"?}.'),
        )
        train_classifier.add_argument(
            "--out",
            type=Path,
            help=_("Model file (default $LABORWATCH_DATA_DIR/text/demand_classifier.npz)."),
        )
        train_classifier.add_argument(
            "--include-curated",
            action="store_true",
            help=_("Train on the shipped sample messages too."),
        )
        corpus_help = _(
            "Folder of real public text: lawbench/, fewclue/, gov/ "
            "(sources in text/data/README.md)."
        )
        manifest_help = _("Text hash manifest (default: the shipped one).")
        written_manifest_help = _("Text hash manifest to write (default: the shipped one).")
        train_triage = commands.add_parser(
            "train-triage",
            help=_(
                "Train the labour triage on real public text; calibrate it and choose its "
                "threshold on the dev split."
            ),
        )
        train_triage.add_argument("--corpus", type=Path, required=True, help=corpus_help)
        train_triage.add_argument(
            "--out", type=Path, help=_("Model file (default: the shipped model file).")
        )
        train_triage.add_argument("--manifest", type=Path, help=written_manifest_help)
        evaluate_triage = commands.add_parser(
            "evaluate-triage",
            help=_(
                "Evaluate the labour triage on held-out real public text: P/R/F1 per source, "
                "calibration."
            ),
        )
        evaluate_triage.add_argument("--corpus", type=Path, required=True, help=corpus_help)
        evaluate_triage.add_argument(
            "--model", type=existing_file, help=_("Model file (default: the shipped model file).")
        )
        evaluate_triage.add_argument("--manifest", type=existing_file, help=manifest_help)
        evaluate_triage.add_argument(
            "--checks",
            action="store_true",
            help=_("Also report the independent checks' sets (never used in training)."),
        )
        commands.add_parser(
            "link-index",
            help=_(
                "Build the registry's linking index in the data dir, which every process opens "
                "(after a registry change made outside LaborWatch)."
            ),
        )
        train_orgs = commands.add_parser(
            "train-orgs", help=_("Train the organisation-name model on CLUENER2020 data.")
        )
        train_orgs.add_argument(
            "--data",
            type=existing_file,
            required=True,
            help=_("CLUENER2020 train.json (JSON lines)."),
        )
        train_orgs.add_argument(
            "--out", type=Path, help=_("Model file (default: the shipped model file).")
        )

    def handle(self, *args: Any, text_command: str, **options: Any) -> None:
        runners: dict[str, Callable[..., None]] = {
            "classify": self.classify,
            "orgs": self.orgs,
            "link": self.link,
            "train-classifier": self.train_classifier,
            "train-orgs": self.train_orgs,
            "train-triage": self.train_triage,
            "evaluate-triage": self.evaluate_triage,
            "link-index": self.link_index,
        }
        try:
            runners[text_command](**options)
        except InputError as error:
            message = INPUT_PROBLEMS[error.problem] % {"line": error.line, "detail": error.detail}
            raise CommandError(message, returncode=USAGE_ERROR) from error

    def link_index(self, **options: Any) -> None:
        from laborwatch.enterprises.linker import build_registry_index

        write_record(sys.stdout, build_registry_index())

    def classify(
        self,
        *,
        model: Path | None,
        triage: Path | None,
        no_triage: bool,
        rules_only: bool,
        **options: Any,
    ) -> None:
        from laborwatch.text.classify import DemandClassifier
        from laborwatch.text.demand_model import default_model_file
        from laborwatch.text.triage import default_triage_file

        model_file = None if rules_only else (model or default_model_file())
        triage_file = None if rules_only or no_triage else (triage or default_triage_file())
        classifier = DemandClassifier.from_model_file(model_file, triage_file)
        for batch in _batches(read_records(sys.stdin)):
            items = [(record["text"], record.get("title")) for record in batch]
            for record, prediction in zip(batch, classifier.classify_many(items), strict=True):
                write_record(sys.stdout, {"id": record.get("id"), **prediction.as_dict()})

    def orgs(self, *, model: Path | None, **options: Any) -> None:
        from laborwatch.text.orgs import OrgTagger, post_tagger

        tagger = OrgTagger(model) if model else post_tagger()
        for record in read_records(sys.stdin):
            spans = [span.as_dict() for span in tagger.extract(record["text"])]
            write_record(sys.stdout, {"id": record.get("id"), "orgs": spans})

    def link(self, *, registry: Path, min_confidence: float, **options: Any) -> None:
        from laborwatch.text.link import Linker

        if registry.suffix.lower() not in REGISTRY_SUFFIXES:
            message = _("The registry must be a .parquet, .csv or .xlsx file: %(path)s")
            raise CommandError(message % {"path": registry}, returncode=USAGE_ERROR)
        linker = Linker.from_file(registry)
        for record in read_records(sys.stdin):
            mentions = [
                mention.as_dict()
                for mention in linker.mentions(record["text"])
                if mention.best.confidence >= min_confidence
            ]
            write_record(sys.stdout, {"id": record.get("id"), "enterprises": mentions})

    def train_classifier(
        self, *, source: Path, out: Path | None, include_curated: bool, **options: Any
    ) -> None:
        from laborwatch.text.classifier_training import curated_messages, read_labelled, retrain
        from laborwatch.text.demand_model import site_model_file

        with source.open(encoding="utf-8") as handle:
            examples = read_labelled(handle)
        if include_curated:
            examples = curated_messages() + examples
        out = out or site_model_file()
        try:
            _model, report = retrain(examples, out)
        except ValueError as error:  # fewer than two categories
            message = _("Cannot train on %(path)s: it needs cases of at least two categories.")
            raise CommandError(message % {"path": source}, returncode=USAGE_ERROR) from error
        self.stdout.write(
            json.dumps({"model": str(out), **report.as_dict()}, ensure_ascii=False, indent=2)
        )

    def train_triage(
        self, *, corpus: Path, out: Path | None, manifest: Path | None, **options: Any
    ) -> None:
        from laborwatch.text.triage import TRIAGE_MODEL_FILE
        from laborwatch.text.triage_corpus import MANIFEST_FILE
        from laborwatch.text.triage_training import train_and_save

        report = train_and_save(corpus, out or TRIAGE_MODEL_FILE, manifest or MANIFEST_FILE)
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))

    def evaluate_triage(
        self,
        *,
        corpus: Path,
        model: Path | None,
        manifest: Path | None,
        checks: bool,
        **options: Any,
    ) -> None:
        from laborwatch.text.triage import TRIAGE_MODEL_FILE
        from laborwatch.text.triage_corpus import MANIFEST_FILE
        from laborwatch.text.triage_training import evaluate

        report = evaluate(corpus, model or TRIAGE_MODEL_FILE, manifest or MANIFEST_FILE, checks)
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))

    def train_orgs(self, *, data: Path, out: Path | None, **options: Any) -> None:
        from laborwatch.text.org_training import CRF_PARAMS, read_cluener, train
        from laborwatch.text.orgs import MODEL_FILE

        try:
            examples = read_cluener(data)
        except (ValueError, KeyError) as error:
            message = _("Cannot train on %(path)s: %(error)s")
            raise CommandError(message % {"path": data, "error": error}) from error
        out = out or MODEL_FILE
        with progress_bar(enabled=True) as progress:
            task = progress.add_task(
                _("Training on %(count)s sentences") % {"count": f"{len(examples):,}"},
                total=int(CRF_PARAMS["max_iterations"]),
            )
            train(examples, out, on_iteration=lambda n: progress.update(task, completed=n))
        self.stdout.write(
            _("Organisation model written: %(path)s (%(size).1f MB)")
            % {"path": out, "size": out.stat().st_size / 1e6}
        )
