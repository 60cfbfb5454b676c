"""Load test: 50 staff at work on a year of city-scale work orders, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lw_bench \\
        .venv/bin/python benchmarks/load_test.py [--users 50] [--run-time 3m] [--port 8105]

Needs the load extra (`pip install -c constraints.txt -e ".[load]"`: locust). One command:

1. builds (or reuses) the city database of benchmarks/citydb.py: 350,000 enterprises,
   100,000 work orders over a year with their audit rows, 15,000 warnings;
2. writes the load plan (a session for each bench account, signed in beforehand, the work
   orders each may open and those each handles, registry search fragments) to a JSON file
   for benchmarks/locustfile.py;
3. serves the app with `laborwatch serve --processes 2` (gunicorn) on --port, with
   LABORWATCH_SWEEP_SECONDS=0 so that no scheduled job runs during the measure;
4. runs locust headless: --users simulated staff (a quarter centre staff, the rest district
   union staff), each pausing --wait seconds between requests, for --run-time;
5. prints p50 and p95 per kind of request, beside the same run's baseline GET /healthz,
   and the goals: p95 under 300 ms for pages, under 2 s for exports, no error.

The server's and locust's logs stay in the data dir (printed at the end).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import citydb  # benchmarks/citydb.py: this script's directory is on the path

PAGE_GOAL_MS = 300
EXPORT_GOAL_MS = 2000
BASELINE = "baseline /healthz"
CASES_PER_ACCOUNT = 300


def main() -> int:
    parser = argparse.ArgumentParser()
    citydb.add_size_arguments(parser)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--run-time", default="3m")
    parser.add_argument("--wait", default="3,10", help="pause between requests, seconds: min,max")
    parser.add_argument("--port", type=int, default=8105)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("the load test runs on PostgreSQL: set DATABASE_URL (its name contains 'bench')")
    size = citydb.size_from(args)
    citydb.prepare_environment("load", size, rebuild=args.rebuild)
    import django

    django.setup()
    from django.conf import settings

    started = time.perf_counter()
    loaded = citydb.build_city(size)
    seconds = time.perf_counter() - started
    print(f"{size.label} ({'loaded' if loaded else 'reused'}, {seconds:.0f} s)")
    work = Path(settings.DATA_DIR) / "load-test"
    work.mkdir(parents=True, exist_ok=True)
    plan = work / "plan.json"
    plan.write_text(json.dumps(load_plan(), ensure_ascii=False), encoding="utf-8")
    with serving(args.port, work / "server.log"):
        stats = run_locust(args, plan, work)
    return report(stats, args, work)


def load_plan() -> dict[str, object]:
    """The accounts (a quarter centre staff), the work orders each may open and those each
    handles (open, for notes), and registry search fragments taken from the registry."""
    from django.conf import settings
    from django.test import Client

    from laborwatch.cases.access import cases_visible_to
    from laborwatch.cases.statuses import OPEN_STATUSES
    from laborwatch.core.models import User
    from laborwatch.enterprises.models import Enterprise

    accounts = []
    for user in User.objects.filter(
        username__startswith="bench-", role__in=["centre_staff", "district_staff"]
    ).order_by("username"):
        visible = cases_visible_to(user).order_by("?").values_list("number", flat=True)
        handled = cases_visible_to(user).filter(handler=user, status__in=OPEN_STATUSES)
        signed_in = Client()
        signed_in.force_login(user)
        accounts.append(
            {
                "username": user.username,
                "session": signed_in.cookies[settings.SESSION_COOKIE_NAME].value,
                "cases": list(visible[:CASES_PER_ACCOUNT]),
                "handled": list(handled.values_list("number", flat=True)[:50]),
            }
        )
    # A quarter of the simulated users are centre staff: every fourth account given out.
    centre = [a for a in accounts if a["username"].startswith("bench-centre-")]
    district = [a for a in accounts if not a["username"].startswith("bench-centre-")]
    mixed = [
        centre[i // 4 % len(centre)] if i % 4 == 0 else district[i % len(district)]
        for i in range(len(accounts))
    ]
    # Fragments as staff type them: two characters of a brand, or four of a name.
    names = Enterprise.objects.order_by("pk").values_list("name", "short_names")[:100_000:997]
    fragments = [
        short[0][:2] if short and i % 2 else name[2:6] for i, (name, short) in enumerate(names)
    ]
    return {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "accounts": mixed,
        "fragments": fragments,
    }


class serving:
    """`laborwatch serve --processes 2` on the port, until the block ends."""

    def __init__(self, port: int, log: Path) -> None:
        self.port, self.log = port, log

    def __enter__(self) -> serving:
        command = [str(Path(sys.executable).with_name("laborwatch")), "serve", "--processes", "2"]
        command += ["--host", "127.0.0.1", "--port", str(self.port)]
        env = os.environ | {"LABORWATCH_SWEEP_SECONDS": "0"}
        self.output = self.log.open("w")
        self.process = subprocess.Popen(
            command, env=env, stdout=self.output, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"the server stopped at start: see {self.log}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2):
                    return self
            except OSError:
                time.sleep(1)
        self.__exit__()
        sys.exit(f"the server did not answer on port {self.port} within 120 s: see {self.log}")

    def __exit__(self, *exc: object) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.output.close()


def run_locust(args: argparse.Namespace, plan: Path, work: Path) -> list[dict[str, str]]:
    prefix = work / "locust"
    command = [
        str(Path(sys.executable).with_name("locust")),
        "-f",
        str(Path(__file__).with_name("locustfile.py")),
        "--headless",
        "--host",
        f"http://127.0.0.1:{args.port}",
        "--users",
        str(args.users),
        "--spawn-rate",
        str(args.spawn_rate),
        "--run-time",
        args.run_time,
        "--csv",
        str(prefix),
        "--only-summary",
        "--stop-timeout",
        "10",
    ]
    env = os.environ | {"LABORWATCH_LOAD_PLAN": str(plan), "LABORWATCH_LOAD_WAIT": args.wait}
    print(f"locust: {args.users} users, pause {args.wait} s, {args.run_time} ...", flush=True)
    before = os.getloadavg()
    with (work / "locust.log").open("w") as log:
        subprocess.run(command, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
    # Whatever else the machine ran meanwhile slows every request alike, /healthz too.
    after = os.getloadavg()
    print(
        f"machine: {os.cpu_count()} CPUs; load average (1, 5, 15 min) at the start"
        f" {before[0]:.1f} {before[1]:.1f} {before[2]:.1f}, at the end"
        f" {after[0]:.1f} {after[1]:.1f} {after[2]:.1f}"
    )
    with Path(f"{prefix}_stats.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def report(stats: list[dict[str, str]], args: argparse.Namespace, work: Path) -> int:
    rows = {row["Name"]: row for row in stats if row["Name"] != "Aggregated"}
    total = next(row for row in stats if row["Name"] == "Aggregated")
    baseline = rows.get(BASELINE)
    print(
        f"\n{args.users} users, {args.run_time}, {total['Request Count']} requests"
        f" ({float(total['Requests/s']):.1f}/s), {total['Failure Count']} failed"
    )
    header = f"{'request':<28}{'count':>7}{'fail':>6}{'p50 ms':>8}{'p95 ms':>8}{'p95 × base':>12}"
    print(f"  {header}  goal")
    base_p95 = float(baseline["95%"]) if baseline else 0.0
    misses = int(total["Failure Count"])
    for name in sorted(rows, key=lambda n: (n == BASELINE, -float(rows[n]["95%"]))):
        row = rows[name]
        p95 = float(row["95%"])
        goal = EXPORT_GOAL_MS if name.startswith("export") else PAGE_GOAL_MS
        verdict = ""
        if name not in (BASELINE, "login"):
            verdict = f"<{goal} {'met' if p95 < goal else 'MISSED'}"
        if verdict.endswith("MISSED"):
            misses += 1
        ratio = f"{p95 / base_p95:.1f}" if base_p95 else "-"
        print(
            f"  {name:<28}{row['Request Count']:>7}{row['Failure Count']:>6}"
            f"{float(row['50%']):>8.0f}{p95:>8.0f}{ratio:>12}  {verdict}"
        )
    print(f"\nlogs: {work}/server.log, {work}/locust.log; stats: {work}/locust_stats.csv")
    print("every goal met, no error" if not misses else f"{misses} goal(s) missed or errors")
    return 0 if not misses else 1


if __name__ == "__main__":
    sys.exit(main())
