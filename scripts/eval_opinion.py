"""Reproduce the opinion engine's figures on the synthetic post stream (a development aid:
the stream and its labels are written by synth/posts.py, not real posts).

1. Reads the stream's export (posts.jsonl) as a vendor file, triages every post, links the
   posts that may be about labour with the text engine's Linker over the synthetic registry
   (enterprises.parquet), and clusters them into events, as the intake does.
2. Prints B-cubed precision/recall of events against the labelled stories (all posts, and
   labour posts alone), event-level recall of the labelled labour incidents, and labour
   triage precision/recall against the labels.
3. With --events FILE, measures the app's export (`laborwatch opinion export --format jsonl`)
   instead of the engine's own clustering.

    .venv/bin/python scripts/eval_opinion.py [--city /tmp/lw-opinion-city] [--seed 1]
        [--events events.jsonl] [--batch-hours 6]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from laborwatch.opinion.engine.analyse import Places
from laborwatch.opinion.engine.evaluate import (
    figures,
    read_exported_events,
    read_labels,
    run_engine,
    triage_scores,
)
from laborwatch.opinion.engine.read import read_posts
from laborwatch.synth import generate
from laborwatch.text.link import Linker

CITY_FILE = Path(__file__).resolve().parents[1] / "src/laborwatch/core/data/qingdao.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--city", default="/tmp/lw-opinion-city", help="synthetic city folder")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--events", type=Path, help="the app's JSONL export to measure")
    parser.add_argument(
        "--batch-hours",
        type=float,
        help="cluster batch by batch (posts of each span of hours), as the app ingests",
    )
    args = parser.parse_args()
    city = Path(args.city)
    if not (city / "posts.jsonl").exists():
        generate(city, scale="demo", seed=args.seed, progress=False)
    labels = read_labels(city / "posts_labels.jsonl")
    started = time.perf_counter()
    result = read_posts(city / "posts.jsonl")
    read_seconds = time.perf_counter() - started
    report: dict[str, object] = {
        "stream": {
            "lines": len(result.posts) + len(result.errors),
            "refused_rows": len(result.errors),
            "posts": len(labels),
            "labour_posts": sum(label.labour for label in labels.values()),
        }
    }
    if args.events:
        report["app_export"] = figures(read_exported_events(args.events), labels)
    else:
        places = Places.from_city(json.loads(CITY_FILE.read_text(encoding="utf-8")))
        linker = Linker.from_file(city / "enterprises.parquet")
        run = run_engine(result.posts, places=places, linker=linker, batch_hours=args.batch_hours)
        report["engine" if args.batch_hours is None else "engine_in_batches"] = figures(
            run.events, labels
        )
        report["triage"] = triage_scores(run.analyses, labels)
        report["seconds"] = {
            "read": round(read_seconds, 2),
            **{step: round(value, 2) for step, value in run.seconds.items()},
        }
        report["distinct_texts"] = run.distinct_texts
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
