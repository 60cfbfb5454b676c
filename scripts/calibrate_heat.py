"""Calibrate the heat grade thresholds (opinion/engine/data/heat.toml) on the synthetic post
stream (a development aid: the stream and its engagement curves are written by synth/posts.py,
not measured on real posts).

Each labelled labour incident of the stream is taken as one event, as the list would show it.
The stream is replayed as the demo delivers it (lines in push order, a line pushed once the
stream has reached its publication time, batches of BATCH_HOURS): after every batch the heat
of each incident touched in the last HORIZON_DAYS is computed with the engine's formula from
what had been pushed by then, and an event keeps the highest heat it reached (its grade never
falls). Printed: quantiles of the peak heat, the grade shares under the thresholds in
heat.toml (or --major/--grave), and the thresholds the rule gives:

    较大 (major) from the MAJOR_SHARE top of the peak heat, 重大 (grave) from the GRAVE_SHARE
    top, each rounded to the nearest multiple of 5.

    .venv/bin/python scripts/calibrate_heat.py [--city /tmp/lw-opinion-city] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from laborwatch.opinion.engine.heat import (
    GRADES,
    Thresholds,
    default_thresholds,
    engagement,
    grade,
    heat,
)
from laborwatch.opinion.engine.read import read_posts
from laborwatch.synth import generate

BATCH_HOURS = 6
HORIZON_DAYS = 7
MAJOR_SHARE, GRAVE_SHARE = 0.15, 0.02


def peak_heats(city: Path) -> list[float]:
    labels = {}
    with (city / "posts_labels.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if row["labour"] and row["incident_id"]:
                labels[row["key"]] = row["incident_id"]
    pushes = read_posts(city / "posts.jsonl").posts
    latest: dict[str, dict[str, float]] = defaultdict(dict)  # incident → post → engagement
    history: dict[str, list[tuple[datetime, float, int]]] = defaultdict(list)
    first_seen: dict[str, datetime] = {}
    peak: dict[str, float] = {}
    clock: datetime | None = None
    batch_end: datetime | None = None
    touched: set[str] = set()
    width = timedelta(hours=BATCH_HOURS)

    def grade_batch(at: datetime) -> None:
        for incident in touched:
            if at - first_seen[incident] > timedelta(days=HORIZON_DAYS):
                continue
            now_total = sum(latest[incident].values())
            earlier = [total for when, total, _ in history[incident] if when <= at - timedelta(1)]
            value = heat(
                engagement_now=now_total,
                engagement_24h_ago=earlier[-1] if earlier else 0.0,
                first_seen=first_seen[incident],
                now=at,
                posts=len(latest[incident]),
            )
            history[incident].append((at, now_total, len(latest[incident])))
            peak[incident] = max(peak.get(incident, 0.0), value)

    for post in pushes:
        clock = post.published_at if clock is None else max(clock, post.published_at)
        if batch_end is None:
            batch_end = clock + width
        while clock >= batch_end:
            grade_batch(batch_end)
            batch_end += width
        incident = labels.get(post.key)
        if incident is None:
            continue
        first_seen[incident] = min(first_seen.get(incident, post.published_at), post.published_at)
        latest[incident][post.key] = engagement(
            reposts=post.reposts, comments=post.comments, likes=post.likes, views=post.views
        )
        touched.add(incident)
    if batch_end is not None:
        for _ in range(HORIZON_DAYS * 24 // BATCH_HOURS):
            grade_batch(batch_end)
            batch_end += width
    return sorted(peak.values())


def shares(peaks: list[float], thresholds: Thresholds) -> dict[str, float]:
    grades = [grade(value, thresholds) for value in peaks]
    return {name: round(grades.count(name) / len(grades), 3) for name in GRADES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--city", default="/tmp/lw-opinion-city", help="synthetic city folder")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    city = Path(args.city)
    if not (city / "posts.jsonl").exists():
        generate(city, scale="demo", seed=args.seed, progress=False)
    peaks = peak_heats(city)
    values = np.array(peaks)
    rule = Thresholds(
        major=float(np.round(np.quantile(values, 1 - MAJOR_SHARE) / 5) * 5),
        grave=float(np.round(np.quantile(values, 1 - GRAVE_SHARE) / 5) * 5),
    )
    current = default_thresholds()
    report = {
        "incidents": len(peaks),
        "peak_heat_quantiles": {
            f"p{q}": round(float(np.quantile(values, q / 100)), 1) for q in (10, 50, 85, 98, 100)
        },
        "heat_toml": {"thresholds": vars(current), "shares": shares(peaks, current)},
        "rule": {
            "major_share": MAJOR_SHARE,
            "grave_share": GRAVE_SHARE,
            "thresholds": vars(rule),
            "shares": shares(peaks, rule),
        },
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
