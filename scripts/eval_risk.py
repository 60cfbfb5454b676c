"""Evaluate the risk engine on a synthetic city: precision, recall, median lead time.

Ingests the city's feeds into a scratch data dir (never the app's), scores it every
`--step-days` over the period, and compares the warnings of each grade with the city's
injected episodes (episodes.parquet), and prints each of issue 13's goals as met or not.
Generates the city first if it is missing (`--seed`, `--scale`; no post stream, which the
scoring does not read). The same figures as `laborwatch backtest CITY`; a development aid
on a synthetic city, not a measurement on real data.

    .venv/bin/python scripts/eval_risk.py --city /tmp/demo3 --seed 3 --mode point-in-time
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

from rich.progress import Progress

from laborwatch.risk.evaluate import MODE_CHOICES, Replay, evaluate_city, format_evaluation


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--city", default="/tmp/lw-demo", help="a `laborwatch synth` folder")
    parser.add_argument("--data-dir", help="scratch feed store (default: <city>-risk-eval)")
    parser.add_argument("--step-days", type=int, default=7)
    parser.add_argument("--horizon-days", type=int, default=120)
    parser.add_argument("--start", type=dt.date.fromisoformat)
    parser.add_argument("--end", type=dt.date.fromisoformat)
    parser.add_argument("--seed", type=int, default=1, help="seed when the city is generated")
    parser.add_argument("--scale", default="demo", help="scale when the city is generated")
    parser.add_argument("--mode", choices=sorted(MODE_CHOICES), default="both")
    args = parser.parse_args()
    city = Path(args.city)
    if not (city / "episodes.parquet").exists():
        from laborwatch.synth import generate

        print(f"生成演示城市：{city}")
        generate(city, scale=args.scale, seed=args.seed, progress=True, posts=False)
    root = Path(args.data_dir) if args.data_dir else city.with_name(city.name + "-risk-eval")
    started = time.perf_counter()
    with Progress() as progress:
        result = evaluate_city(
            root,
            city,
            replay=Replay(
                start=args.start,
                end=args.end,
                step_days=args.step_days,
                horizon_days=args.horizon_days,
            ),
            modes=MODE_CHOICES[args.mode],
            progress=progress,
        )
    print(format_evaluation(result))
    print(f"（城市 {city}，数据源库 {root}，用时 {time.perf_counter() - started:.0f} 秒）")


if __name__ == "__main__":
    main()
