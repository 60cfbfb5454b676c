"""Registry search, the warnings board and the work-order list at city scale on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lw_bench \\
        .venv/bin/python benchmarks/pg_city.py [--runs 9] [--rebuild]

Builds (or reuses) the city database of benchmarks/citydb.py: the synthetic city's 350,000
enterprises, 100,000 work orders over a year with their audit rows, 15,000 warnings. Then
times whole pages (GET, rendered, in this process through Django's test client), medians of
--runs after one warm-up, for a centre staff member (the whole city) and a district union's
staff member (one district):

- registry search, GET /enterprises/?q=…: fragments of names of every length (two
  characters of a brand, a trade word, a name's middle, a whole former name, a short name),
  a fragment half the city shares (青岛), credit codes whole and in part, no match; goal
  under 200 ms each;
- the warnings board, GET /warnings/ (the default board, one grade, page 5, a name search),
  and the work-order list, GET /cases/ (first page, open ones, red lights, a name search,
  page 20); goal under 300 ms each.

Baseline in the same run: GET /healthz, the cheapest request the app answers, and the ratio
of each page to it. SQLite works too (a fresh city under a temporary data dir), but the goals
are PostgreSQL's.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from urllib.parse import urlencode

import citydb  # benchmarks/citydb.py: this script's directory is on the path

SEARCH_GOAL_MS = 200
PAGE_GOAL_MS = 300


def main() -> int:
    parser = argparse.ArgumentParser()
    citydb.add_size_arguments(parser)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    print(citydb.open_city("pg-city", args))
    from django.test import Client

    from laborwatch.core.models import User

    centre = User.objects.get(username="bench-centre-1")
    district = User.objects.filter(role="district_staff").order_by("username").first()
    assert district is not None and district.org_unit is not None

    def timed(client: Client, url: str) -> float:
        response = client.get(url)  # warm-up, and a check that the page answers
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(args.runs):
            begun = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - begun)
        return statistics.median(times) * 1000

    searches, pages = search_urls(), page_urls()
    misses = 0
    print(f"median of {args.runs} runs, ms; baseline GET /healthz in the same run")
    users = ((centre, "centre (whole city)"), (district, f"district ({district.org_unit.label})"))
    for user, who in users:
        client = Client()
        client.force_login(user)
        baseline = timed(client, "/healthz")
        print(f"\n{who}: baseline /healthz {baseline:.1f} ms")
        print(f"  {'page':<44}{'median':>9}{'× base':>9}  goal")
        for goal, urls in ((SEARCH_GOAL_MS, searches), (PAGE_GOAL_MS, pages)):
            for label, url in urls.items():
                median = timed(client, url)
                met = median < goal
                misses += not met
                print(
                    f"  {label:<44}{median:>9.1f}{median / baseline:>9.1f}"
                    f"  <{goal} {'met' if met else 'MISSED'}"
                )
    print(f"\n{'every goal met' if not misses else f'{misses} goal(s) missed'}")
    return 0 if not misses else 1


def search_urls() -> dict[str, str]:
    from laborwatch.enterprises.models import Enterprise

    renamed = Enterprise.objects.exclude(former_names=[]).order_by("pk").first()
    sample = Enterprise.objects.order_by("pk")[1000]
    assert renamed is not None
    name = sample.name
    queries = {
        "registry: 2 characters of a brand": sample.short_names[0][:2],
        "registry: a trade word (建筑)": "建筑",
        "registry: 4 characters mid-name": name[2:6],
        "registry: a fragment half the city has (青岛)": "青岛",
        "registry: a whole former name": renamed.former_names[0],
        "registry: a short name": sample.short_names[0],
        "registry: credit code (exact)": sample.credit_code,
        "registry: credit code (first 10, lower case)": sample.credit_code[:10].lower(),
        "registry: no match": "不存在的企业名称",
    }
    return {label: "/enterprises/?" + urlencode({"q": q}) for label, q in queries.items()}


def page_urls() -> dict[str, str]:
    from laborwatch.enterprises.models import Enterprise

    brand = Enterprise.objects.order_by("pk")[2000].short_names[0][:2]
    return {
        "warnings board (active, first page)": "/warnings/",
        "warnings board, red": "/warnings/?grade=red",
        "warnings board, page 5": "/warnings/?page=5",
        "warnings board, enterprise name search": "/warnings/?" + urlencode({"q": brand}),
        "case list (first page)": "/cases/",
        "case list, open": "/cases/?status=open",
        "case list, red light": "/cases/?light=red",
        "case list, employer name search": "/cases/?" + urlencode({"q": brand}),
        "case list, page 20": "/cases/?page=20",
    }


if __name__ == "__main__":
    sys.exit(main())
