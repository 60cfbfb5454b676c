"""The `laborwatch text` commands: classify, orgs, link on JSON lines; training commands."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from laborwatch.text.jsonl import InputError, read_records, write_record

BATCH = 512


def _batches(records: Iterator[dict[str, Any]], size: int = BATCH):
    while batch := list(islice(records, size)):
        yield batch


def cmd_classify(args: argparse.Namespace) -> int:
    from laborwatch.text.classify import DemandClassifier
    from laborwatch.text.demand_model import default_model_file
    from laborwatch.text.triage import default_triage_file

    model_file = None if args.rules_only else (args.model or default_model_file())
    triage_file = None if args.rules_only else (args.triage or default_triage_file())
    classifier = DemandClassifier.from_model_file(model_file, triage_file)
    for batch in _batches(read_records(sys.stdin)):
        items = [(record["text"], record.get("title")) for record in batch]
        for record, prediction in zip(batch, classifier.classify_many(items), strict=True):
            write_record(sys.stdout, {"id": record.get("id"), **prediction.as_dict()})
    return 0


def cmd_orgs(args: argparse.Namespace) -> int:
    from laborwatch.text.orgs import MODEL_FILE, OrgTagger

    tagger = OrgTagger(args.model or MODEL_FILE)
    for record in read_records(sys.stdin):
        spans = [span.as_dict() for span in tagger.extract(record["text"])]
        write_record(sys.stdout, {"id": record.get("id"), "orgs": spans})
    return 0


def cmd_link(args: argparse.Namespace) -> int:
    from laborwatch.text.link import Linker

    linker = Linker.from_file(args.registry)
    for record in read_records(sys.stdin):
        mentions = [
            mention.as_dict()
            for mention in linker.mentions(record["text"])
            if mention.best.confidence >= args.min_confidence
        ]
        write_record(sys.stdout, {"id": record.get("id"), "enterprises": mentions})
    return 0


def cmd_train_classifier(args: argparse.Namespace) -> int:
    from laborwatch.text.classifier_training import curated_messages, read_labelled, retrain
    from laborwatch.text.demand_model import site_model_file

    with args.source.open(encoding="utf-8") as handle:
        examples = read_labelled(handle, str(args.source))
    if args.include_curated:
        examples = curated_messages() + examples
    out = args.out or site_model_file()
    _, report = retrain(examples, out)
    print(json.dumps({"model": str(out), **report.as_dict()}, ensure_ascii=False, indent=2))
    return 0


def cmd_train_triage(args: argparse.Namespace) -> int:
    from laborwatch.text.triage import TRIAGE_MODEL_FILE
    from laborwatch.text.triage_corpus import MANIFEST_FILE
    from laborwatch.text.triage_training import train_and_save

    out = args.out or TRIAGE_MODEL_FILE
    report = train_and_save(args.corpus, out, args.manifest or MANIFEST_FILE)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


def cmd_evaluate_triage(args: argparse.Namespace) -> int:
    from laborwatch.text.triage import TRIAGE_MODEL_FILE
    from laborwatch.text.triage_corpus import MANIFEST_FILE
    from laborwatch.text.triage_training import evaluate

    model = args.model or TRIAGE_MODEL_FILE
    report = evaluate(args.corpus, model, args.manifest or MANIFEST_FILE, args.checks)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0


def cmd_train_orgs(args: argparse.Namespace) -> int:
    from rich.progress import Progress

    from laborwatch.text.org_training import CRF_PARAMS, read_cluener, train
    from laborwatch.text.orgs import MODEL_FILE

    examples = read_cluener(args.data)
    out = args.out or MODEL_FILE
    iterations = int(CRF_PARAMS["max_iterations"])
    with Progress() as progress:
        task = progress.add_task(f"CRF on {len(examples):,} sentences", total=iterations)
        train(examples, out, on_iteration=lambda n: progress.update(task, completed=n))
    print(f"organisation model written: {out} ({out.stat().st_size / 1e6:.1f} MB)")
    return 0


def _run(handler):
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except (InputError, ValueError, FileNotFoundError) as error:
            print(f"laborwatch text: {error}", file=sys.stderr)
            return 2

    return run


def add_text_commands(subparsers: Any) -> None:
    """Register `laborwatch text …` on an argparse subparsers object."""
    text = subparsers.add_parser("text", help="中文文本引擎：诉求分类、机构名识别、企业关联")
    commands = text.add_subparsers(dest="text_command", required=True)

    classify = commands.add_parser(
        "classify", help='诉求分类：标准输入每行 {"id","title"?,"text"}，每行输出类别'
    )
    classify.add_argument("--model", type=Path, help="训练好的模型文件（.npz）")
    classify.add_argument("--triage", type=Path, help="劳动类识别模型文件（.npz）")
    classify.add_argument("--rules-only", action="store_true", help="只用词表规则，不用模型")
    classify.set_defaults(func=_run(cmd_classify))

    orgs = commands.add_parser(
        "orgs", help='机构名识别：输入每行 {"id","text"}，输出 {"id","orgs"}'
    )
    orgs.add_argument("--model", type=Path, help="CRF 模型文件（默认随包发布的模型）")
    orgs.set_defaults(func=_run(cmd_orgs))

    link = commands.add_parser(
        "link", help='企业关联：输入每行 {"id","text"}，输出文本提到的登记企业及候选'
    )
    link.add_argument("--registry", type=Path, required=True, help="企业名录 .parquet/.csv/.xlsx")
    link.add_argument("--min-confidence", type=float, default=0.0, help="低于此置信度的不输出")
    link.set_defaults(func=_run(cmd_link))

    train_classifier = commands.add_parser(
        "train-classifier", help="用已标注案件重新训练诉求分类模型，报告留出集准确率"
    )
    train_classifier.add_argument(
        "--from",
        dest="source",
        type=Path,
        required=True,
        help='已标注案件 JSONL，每行 {"text","category","title"?}',
    )
    train_classifier.add_argument(
        "--out", type=Path, help="默认 $LABORWATCH_DATA_DIR/text/demand_classifier.npz"
    )
    train_classifier.add_argument(
        "--include-curated", action="store_true", help="同时使用随包发布的示例留言"
    )
    train_classifier.set_defaults(func=_run(cmd_train_classifier))

    corpus_help = "真实公开文本目录：lawbench/、fewclue/、gov/（来源见 text/data/README.md）"
    train_triage = commands.add_parser(
        "train-triage", help="用真实公开文本训练劳动类识别模型，在验证集上校准并定阈值"
    )
    train_triage.add_argument("--corpus", type=Path, required=True, help=corpus_help)
    train_triage.add_argument("--out", type=Path, help="默认写入随包发布的模型文件")
    train_triage.add_argument("--manifest", type=Path, help="文本哈希清单，默认随包发布的清单")
    train_triage.set_defaults(func=_run(cmd_train_triage))

    evaluate_triage = commands.add_parser(
        "evaluate-triage", help="在留出的真实公开文本上评估劳动类识别：分来源 P/R/F1、校准"
    )
    evaluate_triage.add_argument("--corpus", type=Path, required=True, help=corpus_help)
    evaluate_triage.add_argument("--model", type=Path, help="默认随包发布的模型文件")
    evaluate_triage.add_argument("--manifest", type=Path, help="文本哈希清单，默认随包发布的清单")
    evaluate_triage.add_argument(
        "--checks", action="store_true", help="同时报告独立检查所用的数据集（从未用于训练）"
    )
    evaluate_triage.set_defaults(func=_run(cmd_evaluate_triage))

    train_orgs = commands.add_parser(
        "train-orgs", help="用 CLUENER2020 格式的数据训练机构名识别模型"
    )
    train_orgs.add_argument(
        "--data", type=Path, required=True, help="CLUENER2020 train.json（JSON lines）"
    )
    train_orgs.add_argument("--out", type=Path, help="默认写入随包发布的模型文件")
    train_orgs.set_defaults(func=_run(cmd_train_orgs))
