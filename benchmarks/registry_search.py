"""Registry search latency on the demo city, end to end through the web page.

    .venv/bin/python benchmarks/registry_search.py [--city DIR] [--repeat 15]

Uses (or creates) a database under $LABORWATCH_DATA_DIR (default ./var/bench-registry) with
the demo city loaded, signs in as centre staff (whole city in scope, the widest search) and
times GET /enterprises/?q=… for names, former names, short names, credit codes and a
filtered search. Baseline in the same run: the unfiltered first page of the registry.
Prints medians and the ratio to the baseline. Goal: every search under 200 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--city", help="a demo city written by `laborwatch synth`")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    os.environ.setdefault("LABORWATCH_DATA_DIR", str(Path("var/bench-registry").resolve()))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laborwatch.config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from laborwatch.city_load import load_city
    from laborwatch.core.services import org_units_load
    from laborwatch.demo.users import ensure_demo_users
    from laborwatch.enterprises.models import Enterprise
    from laborwatch.synth import generate

    call_command("migrate", verbosity=0)
    org_units_load()
    ensure_demo_users()
    if not Enterprise.objects.exists():
        city = Path(args.city or Path(settings.DATA_DIR) / "synth" / "demo-seed1")
        if not (city / "manifest.json").exists():
            generate(city, scale="demo", seed=1, progress=True)
        load_city(city, progress=True)

    sample = Enterprise.objects.exclude(former_names=[]).order_by("pk").first()
    other = Enterprise.objects.order_by("-pk").first()
    assert sample is not None and other is not None
    brand = sample.short_names[0] if sample.short_names else sample.name[2:5]
    queries = {
        "baseline: first page, no filter": {},
        "name fragment": {"q": sample.name[2:6]},
        "former name (full)": {"q": sample.former_names[0]},
        "short name": {"q": brand},
        "credit code (exact)": {"q": other.credit_code},
        "credit code (lower case, partial)": {"q": other.credit_code[:10].lower()},
        "name + district + industry": {
            "q": brand,
            "district": sample.district.code,
            "industry": sample.industry,
        },
        "no match": {"q": "不存在的企业名称"},
    }
    client = Client()
    client.force_login(ensure_demo_users()[1])
    count = Enterprise.objects.count()
    backend = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"registry search, {count:,} enterprises, {backend}, median of {args.repeat} runs")
    print(f"{'query':<36}{'median ms':>10}{'max ms':>9}{'× baseline':>12}")
    baseline = None
    worst = 0.0
    for label, params in queries.items():
        url = "/enterprises/?" + urlencode(params)
        client.get(url)  # warm caches, as a user's second search would
        timings = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        median = statistics.median(timings)
        baseline = baseline or median
        if params:
            worst = max(worst, median)
        print(f"{label:<36}{median:>10.1f}{max(timings):>9.1f}{median / baseline:>12.2f}")
    verdict = "met" if worst < 200 else "MISSED"
    print(f"slowest search median: {worst:.1f} ms (goal < 200 ms): {verdict}")
    return 0 if worst < 200 else 1


if __name__ == "__main__":
    sys.exit(main())
