"""Benchmark: enterprise linking against a 350,000-name registry, and the index shared on disk.

Builds the index once and saves it, then starts two server processes in the same run: one
opens the saved index (memory-mapped, as every LaborWatch process does), the baseline builds
its own from the registry (as each process did before). For each it prints the time until it
is ready, its resident memory, the first text (the first push after a start) and the median
rate after; then the naive baseline of looping over every registered name with
`name in text`. Uses `--registry` (a `laborwatch synth` enterprises.parquet) when given,
otherwise a deterministic made-up registry of `--size` names.

    .venv/bin/python benchmarks/text_link.py [--size 350000] [--registry FILE]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from laborwatch.text.link import Linker
from laborwatch.text.registry import RegistryEntry, read_registry

SEED = 7
BRAND_CHARS = (
    "鑫源顺达华盛金鼎恒通海澜宏远泰和嘉信福瑞安康永兴润丰德昌天元博远中联新亿隆盛佳美汇通"
    "诚信祥云鸿运创辉立邦凯旋星辰宇航青松明阳万达东方瑞祥盈泰华宇晨光锦程百川正大世纪"
    "海纳鼎新众和伟业成达荣昌利群胜利长城金海银河蓝天绿洲红星春晖秋实冬青夏禾"
)
INDUSTRIES = [
    "建筑工程",
    "劳务",
    "物流",
    "餐饮管理",
    "机械制造",
    "电子科技",
    "服饰",
    "食品",
    "物业管理",
    "装饰工程",
    "汽车配件",
    "商贸",
    "化工",
    "印刷包装",
    "家具",
    "保洁服务",
    "人力资源",
    "信息技术",
    "橡胶制品",
    "水产",
]
REGIONS = ("青岛", "青岛市", "山东", "青岛西海岸新区", "")
FORMS = ("有限公司", "有限公司", "有限公司", "股份有限公司", "集团有限公司", "厂")
CHATTER = (
    "我是外地来青岛打工的，家里老人身体不好，孩子还在上学，就指望这点工资过日子。",
    "之前打过好几次电话都没人管，今天实在没办法了才来反映。",
    "老板一直说再等等，说年底一起结，可是现在都过了两个月了。",
    "我们一共有十几个工友，都是一个村出来的，干的是木工和钢筋。",
    "希望工会能帮我们协调一下，我们只想拿回自己的血汗钱。",
    "我在网上查了查，不知道这种情况能不能申请劳动仲裁。",
)


def made_up_registry(size: int, seed: int = SEED) -> list[RegistryEntry]:
    rng = random.Random(seed)
    entries, seen = [], set()
    while len(entries) < size:
        brand = "".join(rng.choice(BRAND_CHARS) for _ in range(rng.choice((2, 2, 3, 4))))
        industry = rng.choice(INDUSTRIES)
        name = f"{rng.choice(REGIONS)}{brand}{industry}{rng.choice(FORMS)}"
        if name in seen:
            continue
        seen.add(name)
        former = (f"{rng.choice(REGIONS)}{brand}{rng.choice(INDUSTRIES)}有限公司",)
        entries.append(
            RegistryEntry(
                credit_code=f"9137020{len(entries):011d}",
                name=name,
                short_names=(brand,) if len(brand) >= 3 else (brand + industry[:2],),
                former_names=former if rng.random() < 0.1 else (),
            )
        )
    return entries


def sample_texts(entries: list[RegistryEntry], count: int, seed: int = SEED) -> list[str]:
    rng = random.Random(seed + 1)
    texts = []
    for _ in range(count):
        entry = rng.choice(entries)
        form = rng.random()
        if form < 0.4:
            mention = entry.name
        elif form < 0.6 and entry.short_names:
            mention = entry.short_names[0]
        elif form < 0.8:
            position = rng.randrange(len(entry.name) - 4) if len(entry.name) > 5 else 0
            mention = entry.name[:position] + rng.choice(BRAND_CHARS) + entry.name[position + 1 :]
        else:
            mention = "某某建筑公司"
        parts = rng.sample(CHATTER, 3)
        parts.insert(rng.randrange(4), f"我在{mention}上班，已经三个月没发工资了。")
        texts.append("".join(parts))
    return texts


def median_rate(function, texts: list[str], repeats: int) -> float:
    return median_rates(function, texts, repeats)[0]


def median_rates(function, texts: list[str], repeats: int) -> tuple[float, float]:
    """Texts a second, median over the runs: by the wall clock, and by this process's CPU
    time (what it would do on a core of its own: the machine may be shared)."""
    rates, cpu_rates = [], []
    for _ in range(repeats):
        started, cpu_started = time.perf_counter(), time.process_time()
        for text in texts:
            function(text)
        rates.append(len(texts) / (time.perf_counter() - started))
        cpu_rates.append(len(texts) / max(time.process_time() - cpu_started, 1e-9))
    return statistics.median(rates), statistics.median(cpu_rates)


def _resident_mb() -> float:
    """This process's resident memory now (VmRSS), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def serve(args: argparse.Namespace) -> None:
    """One server process (run as a child): get its index the given way, then link the first
    text (the first push after a start) and the rest; print what it took as JSON."""
    started, cpu_started = time.perf_counter(), time.process_time()
    if args.serve == "open":
        linker = Linker.open(args.index)
        linker.warm()  # as a starting server does (config.serve.warm_link_index)
    else:
        registry = made_up_registry(args.size) if args.registry is None else None
        linker = Linker(registry or read_registry(args.registry))
    ready = time.perf_counter() - started
    ready_cpu = time.process_time() - cpu_started
    entries = made_up_registry(min(args.size, 50_000)) if args.registry is None else None
    texts = sample_texts(entries or list(linker.entries[:50_000]), args.texts)
    started, cpu_started = time.perf_counter(), time.process_time()
    linker.mentions(texts[0])
    first, first_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    rate, cpu_rate = median_rates(linker.mentions, texts[1:], args.repeats)
    print(
        json.dumps(
            {
                "ready_seconds": ready,
                "ready_cpu_seconds": ready_cpu,
                "first_text_ms": first * 1000,
                "first_text_cpu_ms": first_cpu * 1000,
                "texts_per_second": rate,
                "texts_per_cpu_second": cpu_rate,
                "resident_mb": _resident_mb(),
            }
        )
    )


def child(args: argparse.Namespace, way: str, index: Path) -> dict:
    command = [sys.executable, __file__, "--serve", way, "--index", str(index)]
    command += [
        "--size",
        str(args.size),
        "--texts",
        str(args.texts),
        "--repeats",
        str(args.repeats),
    ]
    if args.registry:
        command += ["--registry", str(args.registry)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=350_000)
    parser.add_argument("--registry", type=Path)
    parser.add_argument("--texts", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--serve", choices=("open", "build"), help=argparse.SUPPRESS)
    parser.add_argument("--index", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args)
        return

    entries = read_registry(args.registry) if args.registry else made_up_registry(args.size)
    texts = sample_texts(entries, args.texts)
    started, cpu_started = time.perf_counter(), time.process_time()
    linker = Linker(entries)
    build_seconds = time.perf_counter() - started
    print(
        f"registry: {len(entries):,} names; index built in {build_seconds:.1f} s "
        f"({time.process_time() - cpu_started:.1f} s of CPU time)"
    )
    with tempfile.TemporaryDirectory() as folder:
        index = Path(folder) / "link_index"
        started = time.perf_counter()
        linker.save(index)
        size_mb = sum(f.stat().st_size for f in index.iterdir()) / 2**20
        print(f"index saved in {time.perf_counter() - started:.1f} s: {size_mb:,.0f} MB on disk")
        del linker
        opened = child(args, "open", index)
        built = child(args, "build", index)
    for name, run in (("opens the index on disk", opened), ("builds its own (baseline)", built)):
        print(
            f"a server process that {name}: ready in {run['ready_seconds']:.2f} s "
            f"({run['ready_cpu_seconds']:.2f} s of CPU time), "
            f"{run['resident_mb']:,.0f} MB resident; first text {run['first_text_ms']:.1f} ms "
            f"({run['first_text_cpu_ms']:.1f} ms of CPU time), "
            f"then median {run['texts_per_second']:,.0f} texts/s "
            f"({run['texts_per_cpu_second']:,.0f} a second of its CPU time)"
        )

    names = [entry.name for entry in entries]

    def naive(text: str) -> list[str]:
        return [name for name in names if name in text]

    naive_texts = texts[:20]
    naive_rate, naive_cpu_rate = median_rates(naive, naive_texts, 3)
    print(
        f"naive loop over {len(names):,} names (exact full names only): median "
        f"{naive_rate:,.1f} texts/s ({naive_cpu_rate:,.1f} a second of CPU time) over 3 runs "
        f"of {len(naive_texts)} texts"
    )
    print(f"speed-up of the opened index: {opened['texts_per_cpu_second'] / naive_cpu_rate:,.0f}x")


if __name__ == "__main__":
    main()
