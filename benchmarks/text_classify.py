"""Benchmark: demand classification throughput on long, chatty messages.

Times the rules alone, rules + the trained model, rules + model + the labour triage (batched,
as `laborwatch text classify` runs; the triage is what it runs by default), and a plain
keyword-count baseline (count each lexicon term with str.count, pick the
category with most), on the same texts in the same run; prints medians.

    .venv/bin/python benchmarks/text_classify.py [--texts 4000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import time
from collections import defaultdict

from laborwatch.text.classifier_training import curated_messages
from laborwatch.text.classify import DemandClassifier
from laborwatch.text.demand_model import SEED_MODEL_FILE, DemandModel
from laborwatch.text.lexicon import LEXICON_FILE
from laborwatch.text.triage import TRIAGE_MODEL_FILE, LaborTriage

SEED = 11
CHATTER = (
    "您好，我之前也打过电话，接电话的同志态度挺好的，就是一直没有结果。",
    "我们家在农村，父母年纪大了身体也不好，我一个人在外面打工挣钱。",
    "这件事我也跟朋友商量过，他们说可以找工会试试，所以我就打过来了。",
    "如果需要材料我这边都有，聊天记录、转账截图、考勤表都留着。",
    "麻烦你们了，实在是没有别的办法了，谢谢。",
)


def long_messages(count: int) -> list[tuple[str, str | None]]:
    """Curated messages padded with three to five sentences of chatter, like transcripts."""
    rng = random.Random(SEED)
    curated = curated_messages()
    messages = []
    for _ in range(count):
        base = rng.choice(curated)
        parts = [base.text, *rng.sample(CHATTER, rng.randint(3, 5))]
        rng.shuffle(parts)
        messages.append(("".join(parts), base.title))
    return messages


def keyword_baseline():
    terms: dict[str, str] = {}
    with LEXICON_FILE.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            terms.setdefault(row["term"], row["code"])

    def classify(text: str) -> str:
        counts: dict[str, int] = defaultdict(int)
        for term, code in terms.items():
            found = text.count(term)
            if found:
                counts[code] += found
        return max(counts, key=counts.__getitem__) if counts else "NON_LABOR"

    return classify


def median_rate(run, count: int, repeats: int) -> tuple[float, float]:
    """Texts a second, median over the runs: by the wall clock, and by this process's CPU
    time (what it would do on a core of its own: the machine may be shared)."""
    rates, cpu_rates = [], []
    for _ in range(repeats):
        started, cpu_started = time.perf_counter(), time.process_time()
        run()
        rates.append(count / (time.perf_counter() - started))
        cpu_rates.append(count / max(time.process_time() - cpu_started, 1e-9))
    return statistics.median(rates), statistics.median(cpu_rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=4000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    messages = long_messages(args.texts)
    mean_length = statistics.mean(len(text) for text, _ in messages)
    print(f"{len(messages)} messages, mean {mean_length:.0f} characters")
    rules = DemandClassifier(None)
    blended = DemandClassifier(DemandModel.load(SEED_MODEL_FILE))
    triaged = DemandClassifier(
        DemandModel.load(SEED_MODEL_FILE), triage=LaborTriage.load(TRIAGE_MODEL_FILE)
    )
    baseline = keyword_baseline()
    rules.classify_many(messages[:10])  # build the automaton outside the timing
    blended.classify_many(messages[:10])
    triaged.classify_many(messages[:10])

    def batched(classifier: DemandClassifier):
        def run() -> None:
            for start in range(0, len(messages), 512):
                classifier.classify_many(messages[start : start + 512])

        return run

    rates = {
        "rules (Aho-Corasick lexicon)": median_rate(batched(rules), len(messages), args.repeats),
        "rules + model (batches of 512)": median_rate(
            batched(blended), len(messages), args.repeats
        ),
        "rules + model + labour triage (batches of 512)": median_rate(
            batched(triaged), len(messages), args.repeats
        ),
        "baseline: str.count per lexicon term": median_rate(
            lambda: [baseline(text) for text, _ in messages], len(messages), args.repeats
        ),
    }
    for name, (rate, cpu_rate) in rates.items():
        print(
            f"{name}: median {rate:,.0f} texts/s ({cpu_rate:,.0f} a second of CPU time) "
            f"over {args.repeats} runs"
        )


if __name__ == "__main__":
    main()
