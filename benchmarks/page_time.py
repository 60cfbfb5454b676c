"""Where a page's time goes: the load test's pages one at a time, SQL and Python apart.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lw_bench \\
        .venv/bin/python benchmarks/page_time.py [--runs 5] [--profile "case detail"]

Builds (or reuses) the city database of benchmarks/citydb.py, then requests each kind of page
that benchmarks/locustfile.py mixes (the inbox, the work-order list with its filters, a work
order's page, a registry search, the warnings board, the dashboard) through Django's test
client, as a centre staff member (the whole city) and a district union's staff member, and
prints for each the median of --runs after a warm-up: wall ms, the number of SQL statements,
the time spent in them (measured around each statement with connection.execute_wrapper) and
the rest (Python: views, templates, the test client), beside the same run's GET /healthz.
--profile NAME prints the functions that take the most time in that page (cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import citydb  # benchmarks/citydb.py: this script's directory is on the path


class SqlClock:
    """Counts the statements run and the seconds spent in them (an execute_wrapper)."""

    def __init__(self) -> None:
        self.statements = 0
        self.seconds = 0.0
        self.each: list[tuple[float, str]] = []

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            seconds = time.perf_counter() - started
            self.seconds += seconds
            self.statements += 1
            self.each.append((seconds, sql))


def main() -> int:
    parser = argparse.ArgumentParser()
    citydb.add_size_arguments(parser)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", default="", help="the page (its name below) to profile")
    args = parser.parse_args()
    city = citydb.open_city("page-time", args)
    print(f"{city}; median of {args.runs} runs, ms")
    from django.db import connection
    from django.test import Client

    from laborwatch.cases.models import Case
    from laborwatch.core.models import User
    from laborwatch.enterprises.models import Enterprise

    brand = Enterprise.objects.order_by("pk")[2000].short_names[0][:2]
    centre = User.objects.get(username="bench-centre-1")
    district = User.objects.filter(role="district_staff").order_by("username").first()
    assert district is not None
    for user in (centre, district):
        case = Case.objects.filter(handler=user).order_by("-received_at").first()
        case = case or Case.objects.filter(district=district.org_unit).order_by("pk").first()
        assert case is not None
        pages = {
            "baseline /healthz": "/healthz",
            "inbox": "/cases/inbox/",
            "case list": "/cases/",
            "case list, open": "/cases/?status=open",
            "case list, red": "/cases/?light=red",
            "case list, closed": "/cases/?status=closed",
            "case list, category": "/cases/?category=WAGE.ARREARS",
            "case list, page 3": "/cases/?page=3",
            "case detail": f"/cases/{case.number}/",
            "registry search": "/enterprises/?" + urlencode({"q": brand}),
            "warnings board": "/warnings/",
            "dashboard": "/",
        }
        client = Client()
        client.force_login(user)
        print(f"\n{user.username} ({user.role}):")
        print(f"  {'page':<24}{'wall':>8}{'SQL n':>7}{'SQL ms':>8}{'rest ms':>9}")
        for name, url in pages.items():
            response = client.get(url)  # warm-up, and a check that the page answers
            assert response.status_code == 200, (url, response.status_code)
            walls, clocks = [], []
            for _ in range(args.runs):
                clock = SqlClock()
                with connection.execute_wrapper(clock):
                    begun = time.perf_counter()
                    client.get(url)
                    walls.append(time.perf_counter() - begun)
                clocks.append(clock)
            wall = statistics.median(walls) * 1000
            sql = statistics.median(c.seconds for c in clocks) * 1000
            count = statistics.median(c.statements for c in clocks)
            print(f"  {name:<24}{wall:>8.1f}{count:>7.0f}{sql:>8.1f}{wall - sql:>9.1f}")
            if name == args.profile:
                profiler = cProfile.Profile()
                profiler.runcall(client.get, url)
                out = io.StringIO()
                stats = pstats.Stats(profiler, stream=out)
                # The project's own functions by the time under them, then any by its own.
                stats.sort_stats("cumulative").print_stats("/laborwatch/", 25)
                stats.sort_stats("tottime").print_stats(15)
                print(out.getvalue())
                print("  its slowest SQL statements (last run), ms:")
                for seconds, sql in sorted(clocks[-1].each, reverse=True)[:5]:
                    print(f"  {seconds * 1000:8.1f}  {sql[:300]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
