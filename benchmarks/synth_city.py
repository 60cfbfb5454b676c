"""Time, peak memory and size of `laborwatch synth`, against an I/O floor in the same run.

    .venv/bin/python benchmarks/synth_city.py [--scale city|demo] [--seed 1] [--repeat 1]

Each run generates the city in a child process (so its peak RSS is measured alone) into a
temporary folder. Baseline: reading every file the generator wrote and writing it again
with pyarrow — the cost of the bytes alone, with no generation work. Prints wall time,
peak RSS of the generator, output size, row counts and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq


def generate(out: Path, scale: str, seed: int) -> tuple[float, float]:
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "laborwatch.cli",
            "synth",
            "--scale",
            scale,
            "--seed",
            str(seed),
            "--out",
            str(out),
            "--quiet",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    elapsed = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, peak_kib / 1024 / 1024


def rewrite(city: Path, target: Path) -> float:
    start = time.perf_counter()
    for path in sorted(city.rglob("*.parquet")):
        destination = target / path.relative_to(city)
        destination.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pq.read_table(path), destination, compression="zstd")
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=["demo", "city"], default="city")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    timings, baselines, peak = [], [], 0.0
    with tempfile.TemporaryDirectory() as scratch:
        for run in range(args.repeat):
            out = Path(scratch) / f"city-{run}"
            elapsed, peak = generate(out, args.scale, args.seed)
            timings.append(elapsed)
            baselines.append(rewrite(out, Path(scratch) / f"copy-{run}"))
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    generated, floor = statistics.median(timings), statistics.median(baselines)
    print(f"synth --scale {args.scale} --seed {args.seed}, median of {args.repeat} run(s)")
    print(f"  generate:              {generated:8.1f} s")
    print(f"  baseline (rewrite I/O):{floor:8.1f} s   ratio {generated / floor:.2f}")
    print(f"  peak RSS of generator: {peak:8.2f} GiB")
    print(f"  output size:           {size / 2**20:8.0f} MiB")
    for name, count in sorted(manifest["counts"].items()):
        print(f"  {name:<22}{count:>14,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
