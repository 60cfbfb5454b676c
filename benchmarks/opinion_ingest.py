"""Opinion intake at scale: a million posts read, triaged, linked and clustered; then a batch of
ten thousand new posts placed against a 30-day index of the million.

The posts are the synthetic stream (synth/posts.py) of a 100,000-enterprise city over 31 days
at a city-wide rate, written once into --folder: `posts.jsonl` (the first 1,000,000 lines)
and `batch.jsonl` (the next 10,000). Same-run baselines: (a) reading the file and keeping one
post per URL (json.loads of every line into a dict by URL); (b) the same for the batch,
against the set of the million's URLs.

    .venv/bin/python benchmarks/opinion_ingest.py [--folder /tmp/lw-opinion-bench]
        [--posts 1000000] [--batch 10000] [--runs 1] [--workers 1]

Printed: medians of --runs, the ratio to the baseline, the engine's steps, the share of
distinct texts (each is analysed once), wall and CPU seconds (the machine may be shared).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from laborwatch.opinion.engine.analyse import Places, analyse_posts
from laborwatch.opinion.engine.cluster import ClusterPost, EventIndex
from laborwatch.opinion.engine.evaluate import (
    cluster_input,
    first_of_each,
    link_labour_posts,
    read_labels,
    run_engine,
)
from laborwatch.opinion.engine.read import read_posts
from laborwatch.opinion.engine.records import LOCAL_TIME
from laborwatch.synth.city import Stream, stream
from laborwatch.synth.enterprises import generate_enterprises
from laborwatch.synth.episodes import plan_episodes
from laborwatch.synth.months import Window
from laborwatch.synth.posts import PostPlan, generate_posts, jsonl_text
from laborwatch.synth.projects import plan_projects
from laborwatch.text.link import Linker
from laborwatch.text.orgs import post_tagger

CITY_FILE = Path(__file__).resolve().parents[1] / "src/laborwatch/core/data/qingdao.json"
ENTERPRISES = 100_000
SEED = 11
# ~33,000 lines a day: about 10% on labour (3,100 incidents a month), the rest noise.
BENCH_PLAN = PostPlan(
    months=1,
    extra_incidents_per_month=3_100.0,
    noise_stories_per_day=6_000.0,
    tellings_mean=2.0,
    reposts_mean=6.0,
)


def prepare(folder: Path, posts: int, batch: int) -> None:
    if (folder / "batch.jsonl").exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    window = Window.ending("2026-10", 12)
    firms = generate_enterprises(
        stream(SEED, Stream.ENTERPRISES),
        count=ENTERPRISES,
        total_workers=ENTERPRISES * 10,
        window=window,
    )
    import pyarrow.parquet as pq

    pq.write_table(firms.table(), folder / "enterprises.parquet")
    projects = plan_projects(stream(SEED, Stream.PROJECTS), firms, window)
    episodes, _ = plan_episodes(stream(SEED, Stream.EPISODES), firms, projects, window)
    first = datetime(2026, 10, 1, tzinfo=LOCAL_TIME)
    records, labels = generate_posts(
        stream(SEED, Stream.POSTS), firms, episodes, first, first + timedelta(days=31), BENCH_PLAN
    )
    if len(records) < posts + batch:
        raise SystemExit(f"the plan gave {len(records):,} lines, fewer than {posts + batch:,}")
    (folder / "posts.jsonl").write_text(jsonl_text(records[:posts]), encoding="utf-8")
    (folder / "batch.jsonl").write_text(
        jsonl_text(records[posts : posts + batch]), encoding="utf-8"
    )
    (folder / "posts_labels.jsonl").write_text(jsonl_text(labels), encoding="utf-8")


def timed(action: Callable[[], object]) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def baseline(path: Path, known: set[str] | None = None) -> int:
    """Read the file and keep one post per URL (or post id), skipping those already known."""
    seen: dict[str, dict] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            identity = record.get("url") or f"{record['platform']}:{record['post_id']}"
            if known is None or identity not in known:
                seen[identity] = record
    return len(seen)


def ingest_million(folder: Path, places: Places, linker: Linker, runs: int, workers: int):
    base_runs, engine_runs, cpu_runs = [], [], []
    run = read = None
    for _ in range(runs):
        base_runs.append(timed(lambda: baseline(folder / "posts.jsonl"))[0])

        def ingest():
            read = read_posts(folder / "posts.jsonl")
            return read, run_engine(read.posts, places=places, linker=linker, workers=workers)

        wall, cpu, (read, run) = timed(ingest)
        engine_runs.append(wall)
        cpu_runs.append(cpu)
    assert run is not None and read is not None
    base, engine = statistics.median(base_runs), statistics.median(engine_runs)
    print(
        f"(a) {len(read.posts):,} lines ({len(run.posts):,} posts, {run.distinct_texts:,} "
        f"distinct texts, {sum(a.labour for a in run.analyses):,} labour, "
        f"{len(run.events):,} events):\n"
        f"    engine median {engine:.1f} s wall, {statistics.median(cpu_runs):.1f} s CPU of "
        f"this process (steps, wall: {', '.join(f'{k} {v:.1f} s' for k, v in run.seconds.items())};"
        f" read {engine - sum(run.seconds.values()):.1f} s)\n"
        f"    CPU of the steps incl. workers: "
        f"{', '.join(f'{k} {v:.1f} s' for k, v in run.cpu.items())}\n"
        f"    baseline (read + dedup on URL) median {base:.1f} s; ratio {engine / base:.1f}x",
        flush=True,
    )
    return run


def build_index(
    args: argparse.Namespace, folder: Path, places: Places, linker: Linker
) -> tuple[EventIndex, set[str]]:
    """The million as a 30-day index (their events, their signatures) and their URLs."""
    if args.only_batch:
        # The stored history stands in for the engine's run: the labelled stories as events.
        stored_posts = first_of_each(read_posts(folder / "posts.jsonl").posts)
        labels = read_labels(folder / "posts_labels.jsonl")
        story_number = {
            story: n for n, story in enumerate(sorted({lb.story for lb in labels.values()}))
        }
        event_of = {key: story_number[label.story] for key, label in labels.items()}
        stored = [
            ClusterPost(
                post.key,
                f"{post.title}\n{post.text}" if post.title else post.text,
                post.published_at,
            )
            for post in stored_posts
        ]
    else:
        run = ingest_million(folder, places, linker, args.runs, args.workers)
        stored_posts = run.posts
        event_of = {key: number for number, keys in enumerate(run.events) for key in keys}
        stored = cluster_input(run.posts, run.analyses, {})
    index = EventIndex(window=timedelta(days=30))
    wall, cpu, _ = timed(lambda: index.add_existing((post, event_of[post.key]) for post in stored))
    print(
        f"(b) index of {index.posts:,} posts ({len(index):,} entries) built in {wall:.1f} s "
        f"({cpu:.1f} s CPU)"
    )
    return index, {post.url or post.key for post in stored_posts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--folder", default="/tmp/lw-opinion-bench")
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--only-batch",
        action="store_true",
        help="skip (a): index the million with their labelled stories as stored events (the "
        "index is kept in FOLDER/index.npz and loaded by the next --only-batch run)",
    )
    args = parser.parse_args()
    folder = Path(args.folder)
    prepare(folder, args.posts, args.batch)
    places = Places.from_city(json.loads(CITY_FILE.read_text(encoding="utf-8")))
    seconds, _, linker = timed(lambda: Linker.from_file(folder / "enterprises.parquet"))
    print(
        f"linker over {ENTERPRISES:,} enterprises built in {seconds:.1f} s (once a process)",
        flush=True,
    )
    # Load the classifier and the organisation tagger (with jieba) once, as a process does.
    analyse_posts([], places=places)
    post_tagger()

    saved, saved_urls = folder / "index.npz", folder / "index_urls.txt"
    if args.only_batch and saved.exists() and saved_urls.exists():
        # The index kept by an earlier --only-batch run: its arrays, no text read again.
        wall, cpu, index = timed(lambda: EventIndex.load(saved))
        known = set(saved_urls.read_text(encoding="utf-8").split("\n"))
        print(
            f"(b) index of {index.posts:,} posts ({len(index):,} entries) loaded from {saved} "
            f"in {wall:.1f} s ({cpu:.1f} s CPU)"
        )
    else:
        index, known = build_index(args, folder, places, linker)
        if args.only_batch:
            index.save(saved)
            saved_urls.write_text("\n".join(sorted(known)), encoding="utf-8")
    runs = max(3, args.runs)
    base_wall, base_cpu = [], []
    steps: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for _ in range(runs):
        wall, cpu, _ = timed(lambda: baseline(folder / "batch.jsonl", known))
        base_wall.append(wall)
        base_cpu.append(cpu)
        wall, cpu, new = timed(lambda: first_of_each(read_posts(folder / "batch.jsonl").posts))
        steps["read"].append((wall, cpu))
        wall, cpu, analyses = timed(lambda new=new: analyse_posts(new, places=places))
        steps["triage"].append((wall, cpu))
        wall, cpu, linked = timed(lambda n=new, a=analyses: link_labour_posts(n, a, linker))
        steps["link"].append((wall, cpu))
        wall, cpu, assignment = timed(
            lambda n=new, a=analyses, k=linked: index.assign(cluster_input(n, a, k))
        )
        steps["assign"].append((wall, cpu))
        parts = [steps[name][-1] for name in ("read", "triage", "link", "assign")]
        whole = [sum(pair) for pair in zip(*parts, strict=True)]
        steps["whole batch"].append((whole[0], whole[1]))

    def median_of(pairs: list[tuple[float, float]]) -> str:
        return (
            f"{statistics.median(w for w, _ in pairs):.2f} s wall "
            f"({statistics.median(c for _, c in pairs):.2f} s CPU)"
        )

    whole_wall = statistics.median(w for w, _ in steps["whole batch"])
    whole_cpu = statistics.median(c for _, c in steps["whole batch"])
    base, base_c = statistics.median(base_wall), statistics.median(base_cpu)
    print(
        f"    batch of {len(new):,} posts, medians of {runs} runs (load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores):\n"
        + "".join(f"      {name}: {median_of(pairs)}\n" for name, pairs in steps.items())
        + f"      {len(assignment.to_existing):,} joined stored events, "
        f"{len(assignment.new_events):,} new events\n"
        f"    baseline (read + dedup on URL against the index's URLs) median {base:.2f} s wall "
        f"({base_c:.2f} s CPU); ratio {whole_wall / base:.1f}x wall, "
        f"{whole_cpu / base_c:.1f}x CPU"
    )


if __name__ == "__main__":
    main()
