"""Organisation extraction on real Weibo posts: the Weibo NER corpus (Peng and Dredze 2015,
https://github.com/hltcoe/golden-horse at 7a73c08; see text/data/README.md), its test split
(270 posts) or dev split, named organisations (ORG.NAM) as the gold spans, in the corpus's
first annotation (weiboNER.conll.*) and its revision (weiboNER_2nd_conll.*, He and Sun 2017),
each where DIR holds it.

A predicted span counts when it is exactly a gold span; any kind the tagger gives (company,
government, organization) is an organisation here.

    .venv/bin/python scripts/eval_text_weibo_orgs.py --weibo DIR [--split test] [--news-only]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from laborwatch.text.org_training import read_weibo_ner
from laborwatch.text.orgs import MODEL_FILE, SOCIAL_MODEL_FILE, OrgTagger


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weibo", type=Path, required=True, help="folder with weiboNER.conll.*")
    parser.add_argument("--split", default="test", choices=("dev", "test"))
    parser.add_argument("--model", type=Path, help="news model (default: the shipped one)")
    parser.add_argument("--social-model", type=Path, default=SOCIAL_MODEL_FILE)
    parser.add_argument(
        "--news-only", action="store_true", help="the news model alone (the previous reading)"
    )
    args = parser.parse_args()
    if args.news_only:
        tagger = OrgTagger(args.model) if args.model else OrgTagger()
    else:
        tagger = OrgTagger(args.model or MODEL_FILE, social_model_path=args.social_model)
    reports = []
    for version in ("weiboNER.conll", "weiboNER_2nd_conll"):
        path = args.weibo / f"{version}.{args.split}"
        if path.exists():
            reports.append(measure(tagger, path, version, args.split))
    if not reports:
        parser.error(
            f"no weiboNER.conll.{args.split} nor weiboNER_2nd_conll.{args.split} in {args.weibo}"
        )
    print(json.dumps(reports, ensure_ascii=False, indent=2))


def measure(tagger: OrgTagger, path: Path, version: str, split: str) -> dict[str, object]:
    examples = read_weibo_ner(path, kinds={"ORG.NAM"})
    gold = predicted = correct = 0
    for example in examples:
        truth = {(start, end) for start, end, _ in example.spans}
        found = {(span.start, span.end) for span in tagger.extract(example.text)}
        gold += len(truth)
        predicted += len(found)
        correct += len(truth & found)
    precision = correct / predicted if predicted else 0.0
    recall = correct / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "annotation": version,
        "split": split,
        "posts": len(examples),
        "gold_named_organisations": gold,
        "predicted": predicted,
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
    }


if __name__ == "__main__":
    main()
