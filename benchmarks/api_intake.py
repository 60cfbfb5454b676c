"""Intake API throughput: 10,000 work orders pushed through POST /api/v1/cases.

    .venv/bin/python benchmarks/api_intake.py                       # SQLite (WAL)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/laborwatch_bench \\
        .venv/bin/python benchmarks/api_intake.py                   # PostgreSQL

Migrates a scratch database (SQLite under a temporary LABORWATCH_DATA_DIR; on PostgreSQL the
database named in DATABASE_URL, which must contain "bench", is dropped and created again),
loads a registry of synthetic enterprises and registers one API client. Pushes go through
Django's in-process test Client (full middleware stack and JSON, no sockets) in batches;
every tenth push is sent twice with the same external_ref, and the run asserts that exactly
--pushes cases exist. The payload mix: 70% name the employer by credit code, 20% by its
exact name, 10% by a short name or a misspelt one (the fuzzy path); one caller in ten
calls again about another matter; half give an ID number.

Baseline in the same run: the same kind of payloads handed to case_intake() directly (no
HTTP, no schema), so the ratio shows what the API layer costs. Rates are cases per second,
the median over batches. Goal: ≥ 100 cases/s through the API on SQLite in one process (a
hotline pushes far fewer; plain querysets are fast enough, so no private-API shortcuts).

With --processes N the API pushes come from N processes at once, as from a server running N
worker processes, each with its own database connection (PostgreSQL is what this is for;
SQLite lets one process write at a time). Push j goes from process j mod N, and its retry
from the process sending push j+1, just before that push, so a retry races its original.
The run then asserts that each reference made one case, answered 201 once and 200 once with
the same number, and that exactly --pushes cases exist. The rate is all cases over the wall
time from the common start to the last process's end; CPU is summed over the pushing
processes (the database server's own CPU is not counted, in either mode).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/laborwatch_bench \\
        .venv/bin/python benchmarks/api_intake.py --processes 2
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

GOAL = 100.0
SYLLABLES = list("华海瑞鑫泰德信诚源达恒通宏远盛安康明嘉兴隆丰昌祥和润金永顺广新天正")
TRADES = ["建筑工程", "电子科技", "物流", "餐饮管理", "服装", "机械制造", "物业服务", "装饰工程"]
WAGE_STORIES = [
    "公司拖欠我{months}个月工资共{amount}元，多次讨要未果。",
    "项目完工后包工头欠薪{amount}元，{workers}名工友都没拿到钱。",
    "单位以效益不好为由拖欠工资{months}个月。",
]
OTHER_STORIES = [
    "公司要求我调岗降薪，我不同意就不让上班。",
    "入职半年没有签订书面劳动合同。",
    "单位不给缴纳社会保险，咨询如何维权。",
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pushes", type=int, default=10_000, help="cases to create via the API")
    parser.add_argument("--baseline", type=int, default=2_000, help="cases via case_intake()")
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--enterprises", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", help="write a pyinstrument HTML profile of one batch here")
    parser.add_argument(
        "--processes", type=int, default=1, help="push through the API from this many processes"
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch data directory")
    return parser.parse_args()


def prepare_environment() -> None:
    # Keys, static files and (without DATABASE_URL) the SQLite file live in a fresh directory.
    os.environ["LABORWATCH_DATA_DIR"] = tempfile.mkdtemp(prefix="lw-bench-api-")
    url = os.environ.get("DATABASE_URL")
    if url:
        recreate_postgres_database(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laborwatch.config.settings")


def recreate_postgres_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to drop {name!r}: the benchmark database name must contain 'bench'")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


# --- synthetic inputs --------------------------------------------------------------------


def credit_code(division: str, seq: int) -> str:
    from laborwatch.lib.codes import credit_code_check_char, org_code_check_char

    org8 = f"{seq:08d}"
    first17 = f"91{division}{org8}{org_code_check_char(org8)}"
    return first17 + credit_code_check_char(first17)


def id_number(rng: random.Random) -> str:
    from laborwatch.lib.codes import id_number_check_char

    birth = f"{rng.randint(1965, 2004)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    first17 = f"370202{birth}{rng.randint(0, 999):03d}"
    return first17 + id_number_check_char(first17)


def registry_rows(rng: random.Random, count: int, divisions: list[str]) -> list[dict[str, Any]]:
    rows, names = [], set()
    while len(rows) < count:
        brand = "".join(rng.sample(SYLLABLES, 3))
        name = f"青岛{brand}{rng.choice(TRADES)}有限公司"
        if name in names:
            continue
        names.add(name)
        rows.append(
            {
                "credit_code": credit_code(rng.choice(divisions), len(rows) + 1),
                "name": name,
                "short_names": [brand],
                "district_code": rng.choice(divisions),
                "industry": "E",
                "size_band": "small",
                "employee_count": rng.randint(5, 500),
            }
        )
    return rows


def payloads(rng: random.Random, count: int, registry: list[dict[str, Any]], prefix: str):
    callers: list[dict[str, str]] = []
    for number in range(count):
        if callers and rng.random() < 0.1:
            caller = rng.choice(callers)
        else:
            caller = {"name": "职工" + "".join(rng.sample(SYLLABLES, 2))}
            caller["phone"] = f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}"
            if rng.random() < 0.5:
                caller["id_number"] = id_number(rng)
            callers.append(caller)
        firm = rng.choice(registry)
        roll = rng.random()
        if roll < 0.7:
            employer = {"credit_code": firm["credit_code"]}
        elif roll < 0.9:
            employer = {"name": firm["name"]}
        elif roll < 0.95:
            employer = {"name": firm["short_names"][0]}
        else:
            employer = {"name": firm["name"].replace(firm["name"][3], "新", 1)}
        months, workers = rng.randint(1, 6), rng.choice([1, 1, 1, 2, 5, 12])
        amount = months * rng.randint(3000, 9000) * workers
        story = rng.choice(WAGE_STORIES if rng.random() < 0.7 else OTHER_STORIES)
        yield {
            "external_ref": f"{prefix}-{number:07d}",
            "caller": caller,
            "employer": employer,
            "description": story.format(months=months, amount=amount, workers=workers),
            "amount_claimed": str(amount),
            "workers_involved": workers,
        }


# --- runs ----------------------------------------------------------------------------------


def batches(items: list[Any], size: int) -> list[list[Any]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def run_api(token: str, items: list[dict[str, Any]], batch: int, profile: str | None):
    from django.test import Client

    http = Client(headers={"Authorization": f"Bearer {token}"})
    rates, cpu, created, retried = [], [], 0, 0
    for index, chunk in enumerate(batches(items, batch)):
        profiler = start_profiler() if profile and index == 1 else None
        started, cpu_started = time.perf_counter(), time.process_time()
        for number, payload in enumerate(chunk):
            response = http.post("/api/v1/cases", data=payload, content_type="application/json")
            assert response.status_code == 201, (response.status_code, response.content[:500])
            created += 1
            if number % 10 == 9:
                again = http.post("/api/v1/cases", data=payload, content_type="application/json")
                assert again.status_code == 200 and not again.json()["created"], again.content
                retried += 1
        rates.append(len(chunk) / (time.perf_counter() - started))
        cpu.append((time.process_time() - cpu_started) / len(chunk) * 1000)
        if profiler is not None:
            profiler.stop()
            Path(profile).write_text(profiler.output_html())  # type: ignore[arg-type]
            # PROFILE_ALL=1 shows library frames too; PROFILE_CHARS prints more of the tree.
            every_frame = bool(os.environ.get("PROFILE_ALL"))
            text = profiler.output_text(unicode=True, color=False, show_all=every_frame)
            print(text[: int(os.environ.get("PROFILE_CHARS", "6000"))])
    return rates, cpu, created, retried


def run_api_processes(token: str, items: list[dict[str, Any]], processes: int, batch: int):
    """Push from several processes at once; returns the wall-clock rate, CPU ms per case summed
    over the processes, each process's median batch rate, and the requests answered."""
    from django.db import connections

    connections.close_all()  # each child opens its own connection
    context = multiprocessing.get_context("fork")
    ready = context.Barrier(processes)
    results = context.Queue()
    children = [
        context.Process(
            target=push_share, args=(token, items, share, processes, batch, ready, results)
        )
        for share in range(processes)
    ]
    for child in children:
        child.start()
    reports = [results.get() for _ in children]
    for child in children:
        child.join()
    failures = [report["error"] for report in reports if "error" in report]
    assert not failures, "a pushing process failed:\n" + failures[0]
    started = min(report["started"] for report in reports)
    ended = max(report["ended"] for report in reports)
    answers = [answer for report in reports for answer in report["answers"]]
    check_one_case_per_reference(items, answers)
    cpu = sum(report["cpu"] for report in reports) / len(items) * 1000
    medians = [statistics.median(report["rates"]) for report in reports if report["rates"]]
    return len(items) / (ended - started), cpu, medians, answers


def push_share(token, items, share, processes, batch, ready, results) -> None:
    """One pushing process: push j when j mod N is its share, and just before it retry push
    j-1 when that one is retried (every tenth), racing the process sending j-1."""
    import traceback

    from django.db import connection
    from django.test import Client

    sends: list[tuple[int, bool]] = []  # (which payload, whether it is the retry)
    for number in range(len(items)):
        if number % processes == share:
            if number >= 1 and (number - 1) % 10 == 9:
                sends.append((number - 1, True))  # while another process pushes it
            sends.append((number, False))
    last = len(items) - 1
    if last % 10 == 9 and len(items) % processes == share:
        sends.append((last, True))  # no push follows the last one: its retry comes at the end
    http = Client(headers={"Authorization": f"Bearer {token}"})
    answers, rates = [], []
    try:
        ready.wait()
        started, cpu_started = time.time(), time.process_time()
        batch_started, batch_cases = time.perf_counter(), 0
        for number, is_retry in sends:
            payload = items[number]
            response = http.post("/api/v1/cases", data=payload, content_type="application/json")
            assert response.status_code in (200, 201), (
                response.status_code,
                response.content[:500],
            )
            answers.append(
                (payload["external_ref"], response.status_code, response.json()["number"], is_retry)
            )
            batch_cases += response.status_code == 201
            if batch_cases == batch:
                rates.append(batch_cases / (time.perf_counter() - batch_started))
                batch_started, batch_cases = time.perf_counter(), 0
        ended, cpu = time.time(), time.process_time() - cpu_started
    except BaseException:
        results.put({"error": traceback.format_exc()})
        raise
    finally:
        connection.close()
    results.put(
        {"started": started, "ended": ended, "cpu": cpu, "rates": rates, "answers": answers}
    )


def check_one_case_per_reference(items: list[dict[str, Any]], answers) -> None:
    by_reference: dict[str, list[tuple[int, str]]] = {}
    for reference, status, number, _ in answers:
        by_reference.setdefault(reference, []).append((status, number))
    assert len(by_reference) == len(items), (len(by_reference), len(items))
    for index, item in enumerate(items):
        seen = by_reference[item["external_ref"]]
        expected = [200, 201] if index % 10 == 9 else [201]
        assert sorted(status for status, _ in seen) == expected, (item["external_ref"], seen)
        assert len({number for _, number in seen}) == 1, (item["external_ref"], seen)


def run_direct(client, items: list[dict[str, Any]], batch: int):
    from laborwatch.cases.services.intake import case_intake

    def call(payload: dict[str, Any]):
        return case_intake(
            actor=None,
            channel=client.channel,
            api_client=client,
            external_ref=payload["external_ref"],
            caller_name=payload["caller"]["name"],
            caller_phone=payload["caller"]["phone"],
            caller_id_number=payload["caller"].get("id_number", ""),
            employer_credit_code=payload["employer"].get("credit_code", ""),
            employer_name=payload["employer"].get("name", ""),
            description=payload["description"],
            category=payload.get("category", ""),
            amount_claimed=Decimal(payload["amount_claimed"]),
            workers_involved=payload["workers_involved"],
        )

    rates, cpu = [], []
    for chunk in batches(items, batch):
        started, cpu_started = time.perf_counter(), time.process_time()
        for number, payload in enumerate(chunk):
            assert call(payload).created
            if number % 10 == 9:
                assert not call(payload).created
        rates.append(len(chunk) / (time.perf_counter() - started))
        cpu.append((time.process_time() - cpu_started) / len(chunk) * 1000)
    return rates, cpu


def start_profiler():
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    return profiler


def main() -> int:
    args = parse_args()
    prepare_environment()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from laborwatch.cases.models import Case
    from laborwatch.cases.services.clients import api_client_create
    from laborwatch.core.models import OrgUnit
    from laborwatch.core.services import org_units_load
    from laborwatch.enterprises.services import enterprises_bulk_load

    call_command("migrate", verbosity=0)
    org_units_load()
    rng = random.Random(args.seed)
    divisions = list(
        OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT).values_list("division_code", flat=True)
    )
    registry = registry_rows(rng, args.enterprises, divisions)
    enterprises_bulk_load(actor=None, rows=registry, actor_label="bench")
    hotline, token = api_client_create(actor=None, name="bench-hotline")
    direct_client, _ = api_client_create(actor=None, name="bench-direct")
    backend = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(
        f"intake API benchmark on {backend}: {args.pushes:,} pushes (+10% retries) through the "
        f"in-process test Client, baseline {args.baseline:,} case_intake() calls, "
        f"{args.enterprises:,} enterprises, batches of {args.batch}"
    )

    direct_items = list(payloads(rng, args.baseline, registry, "DIRECT"))
    direct_rates, direct_cpu = run_direct(direct_client, direct_items, args.batch)
    api_items = list(payloads(rng, args.pushes, registry, "API"))
    if args.processes > 1:
        direct = (len(direct_items), direct_rates, direct_cpu)
        return report_processes(args, hotline, token, api_items, direct)
    started = time.perf_counter()
    api_rates, api_cpu, created, retried = run_api(token, api_items, args.batch, args.profile)
    wall = time.perf_counter() - started

    pushed = Case.objects.filter(api_client=hotline).count()
    assert pushed == args.pushes, f"expected {args.pushes} cases, found {pushed}"
    direct = statistics.median(direct_rates)
    api = statistics.median(api_rates)
    print(f"{'run':<34}{'cases':>8}{'median cases/s':>16}{'min':>8}{'max':>8}{'CPU ms/case':>13}")
    for label, count, rates, cpu in (
        ("baseline: case_intake() direct", len(direct_items), direct_rates, direct_cpu),
        ("API: POST /api/v1/cases", pushed, api_rates, api_cpu),
    ):
        print(
            f"{label:<34}{count:>8,}{statistics.median(rates):>16.0f}{min(rates):>8.0f}"
            f"{max(rates):>8.0f}{statistics.median(cpu):>13.1f}"
        )
    print(
        f"retries answered 200: {retried:,}; wall time {wall:.1f} s for {created + retried:,} "
        f"requests; API overhead ×{direct / api:.2f} of the direct call"
    )
    print("API cases/s by batch: " + " ".join(f"{rate:.0f}" for rate in api_rates))
    if not args.keep:
        shutil.rmtree(os.environ["LABORWATCH_DATA_DIR"], ignore_errors=True)
    verdict = "met" if api >= GOAL else "MISSED"
    print(f"goal ≥ {GOAL:.0f} cases/s through the API: {verdict}")
    return 0 if api >= GOAL else 1


def report_processes(args, hotline, token, api_items, direct) -> int:
    from laborwatch.cases.models import Case

    direct_count, direct_rates, direct_cpu = direct
    started = time.perf_counter()
    rate, cpu, medians, answers = run_api_processes(token, api_items, args.processes, args.batch)
    wall = time.perf_counter() - started
    pushed = Case.objects.filter(api_client=hotline).count()
    assert pushed == args.pushes, f"expected {args.pushes} cases, found {pushed}"
    retries = len(answers) - len(api_items)
    raced = sum(1 for _, status, _, is_retry in answers if is_retry and status == 201)
    print(f"{'run':<34}{'cases':>8}{'cases/s':>16}{'CPU ms/case':>13}")
    print(
        f"{'baseline: case_intake() direct':<34}{direct_count:>8,}"
        f"{statistics.median(direct_rates):>16.0f}{statistics.median(direct_cpu):>13.1f}"
    )
    print(f"{f'API: {args.processes} processes at once':<34}{pushed:>8,}{rate:>16.0f}{cpu:>13.1f}")
    print(
        f"median batch rate of each process: {' '.join(f'{m:.0f}' for m in medians)}; "
        f"retries answered: {retries:,} (of them {raced:,} retried pushes reached the server "
        f"first and answered 201 in the original's place); wall time {wall:.1f} s"
    )
    if not args.keep:
        shutil.rmtree(os.environ["LABORWATCH_DATA_DIR"], ignore_errors=True)
    verdict = "met" if rate >= GOAL else "MISSED"
    print(f"goal ≥ {GOAL:.0f} cases/s through the API ({args.processes} processes): {verdict}")
    return 0 if rate >= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
