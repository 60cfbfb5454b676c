"""Warning sync of one score day with 2,000 changed warnings.

    .venv/bin/python benchmarks/warnings_sync.py                       # SQLite (WAL)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/laborwatch_bench \\
        .venv/bin/python benchmarks/warnings_sync.py                   # PostgreSQL

Migrates a scratch database (SQLite under a temporary LABORWATCH_DATA_DIR; on PostgreSQL the
database named in DATABASE_URL, which must contain "bench", is dropped and created again),
bulk-loads --enterprises enterprises and syncs day 0 with --active graded signals (untimed).
The timed day 1 carries a signal for every active warning but --changed / 4 of them, so it
has --changed changes: a quarter new warnings, a quarter escalated, a quarter de-escalated,
a quarter resolved (clean_days = 1); the rest repeat unchanged. Each run happens in a
transaction rolled back afterwards, so every run syncs the same day on the same data.

Baseline in the same run: the plain bulk insert of the rows such a day must write at the
least (one warning, one warning event and one audit event per change), so the ratio shows
what the sync's reads, merging, routing and updates cost on top. Times are medians of --runs.
Goal: under 5 s on PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from urllib.parse import urlparse

GOAL_SECONDS = 5.0
DAY0 = dt.date(2026, 10, 30)
DAY1 = DAY0 + dt.timedelta(days=1)
GRADES = ["blue", "yellow", "orange", "red"]
RULES = [
    ("si_arrears", "si_arrears_months", "人社"),
    ("wage_account_unpaid", "wage_account_unpaid_months", "住建"),
    ("labor_cases", "labor_cases_90d", "仲裁"),
    ("revenue_drop_wages", "tax_revenue_drop", "税务"),
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=20_000)
    parser.add_argument("--active", type=int, default=10_000, help="warnings open after day 0")
    parser.add_argument("--changed", type=int, default=2_000, help="changes on the timed day")
    parser.add_argument("--runs", type=int, default=5)
    return parser.parse_args()


def prepare_environment() -> None:
    os.environ["LABORWATCH_DATA_DIR"] = tempfile.mkdtemp(prefix="lw-bench-warnings-")
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


def credit_code(seq: int) -> str:
    from laborwatch.lib.codes import credit_code_check_char, org_code_check_char

    org8 = f"{seq:08d}"
    first17 = f"91370202{org8}{org_code_check_char(org8)}"
    return first17 + credit_code_check_char(first17)


def load_enterprises(count: int) -> list[str]:
    from laborwatch.core.models import OrgUnit
    from laborwatch.enterprises.models import Enterprise

    districts = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT))
    codes = [credit_code(seq) for seq in range(1, count + 1)]
    Enterprise.objects.bulk_create(
        (
            Enterprise(
                credit_code=code,
                name=f"青岛基准测试企业{i}有限公司",
                district=districts[i % len(districts)],
                industry="CE"[i % 2],
                size_band="small",
                search_text=code,
            )
            for i, code in enumerate(codes)
        ),
        batch_size=2000,
    )
    return codes


def make_signal(code: str, grade: str, rules: int) -> object:
    from laborwatch.warnings.scores import Signal

    evidence = [
        {
            "rule": rule,
            "indicator": indicator,
            "value": 2.0,
            "level": grade,
            "points": 20.0,
            "department": department,
        }
        for rule, indicator, department in RULES[:rules]
    ]
    score = {"blue": 25.0, "yellow": 45.0, "orange": 65.0, "red": 85.0}[grade]
    return Signal(
        code, "wage_arrears", grade, score, evidence, sorted({e[2] for e in RULES[:rules]})
    )


def day_signals(codes: list[str], active: int, changed: int) -> tuple[list, list]:
    quarter = changed // 4
    day0 = [
        make_signal(code, "yellow" if i % 2 else "orange", 1 + i % 3)
        for i, code in enumerate(codes[:active])
    ]
    day1 = []
    for i, code in enumerate(codes[:active]):
        base = "yellow" if i % 2 else "orange"
        if i < quarter:
            day1.append(make_signal(code, "red", 1 + i % 3))  # escalated
        elif i < 2 * quarter:
            day1.append(make_signal(code, "blue", 1 + i % 3))  # de-escalated
        elif i < 3 * quarter:
            continue  # no signal: resolved (clean_days = 1)
        else:
            day1.append(make_signal(code, base, 1 + i % 3))  # repeated, unchanged
    day1 += [make_signal(code, "orange", 2) for code in codes[active : active + quarter]]
    return day0, day1


def timed(runs: int, body: Callable[[], object]) -> tuple[float, object]:
    from django.db import transaction

    times = []
    result = None
    for _ in range(runs):
        with transaction.atomic():
            started = time.perf_counter()
            result = body()
            times.append(time.perf_counter() - started)
            transaction.set_rollback(True)
    return statistics.median(times), result


def baseline_insert(codes: list[str], changed: int) -> None:
    from laborwatch.core.models import AuditEvent, OrgUnit
    from laborwatch.enterprises.models import Enterprise
    from laborwatch.warnings.models import Warning, WarningEvent

    district = OrgUnit.objects.filter(kind=OrgUnit.Kind.DISTRICT).first()
    enterprises = list(
        Enterprise.objects.filter(credit_code__in=codes[-changed:]).values_list("pk", flat=True)
    )
    warnings = Warning.objects.bulk_create(
        (
            Warning(
                enterprise_id=pk,
                district=district,
                risk_type="collective_dispute",
                grade="orange",
                peak_grade="orange",
                score=65.0,
                evidence=[{"rule": "si_arrears", "value": 2.0}],
                evidence_on=DAY1,
                first_seen_on=DAY1,
                last_seen_on=DAY1,
                synced_on=DAY1,
                config_version="rules-v1",
            )
            for pk in enterprises
        ),
        batch_size=1000,
    )
    WarningEvent.objects.bulk_create(
        (WarningEvent(warning=w, kind="opened", on=DAY1, district=district) for w in warnings),
        batch_size=1000,
    )
    AuditEvent.objects.bulk_create(
        (
            AuditEvent(
                actor_label="bench",
                action="warning.open",
                target_type="warnings.warning",
                target_id=str(w.pk),
                after={"grade": "orange"},
            )
            for w in warnings
        ),
        batch_size=1000,
    )


def main() -> int:
    args = parse_args()
    prepare_environment()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from laborwatch.core.services import org_units_load
    from laborwatch.warnings.services import warnings_sync

    settings.LABORWATCH_WARNINGS = {"clean_days": 1}
    call_command("migrate", interactive=False, verbosity=0)
    org_units_load()
    started = time.perf_counter()
    codes = load_enterprises(args.enterprises)
    day0, day1 = day_signals(codes, args.active, args.changed)
    warnings_sync(signals=day0, as_of=DAY0, config_version="rules-v1")
    print(
        f"{connection.vendor}: {args.enterprises:,} enterprises, {args.active:,} active warnings"
        f" after day 0 (setup {time.perf_counter() - started:.1f} s); day 1 has"
        f" {len(day1):,} signals"
    )

    sync_seconds, result = timed(
        args.runs,
        lambda: warnings_sync(signals=day1, as_of=DAY1, config_version="rules-v1"),
    )
    print(
        f"  changes on day 1: {result.changed:,} (new {result.opened:,}, escalated"  # type: ignore[attr-defined]
        f" {result.escalated:,}, de-escalated {result.de_escalated:,}, resolved"  # type: ignore[attr-defined]
        f" {result.resolved:,}; unchanged repeats {result.repeated:,}; routings"  # type: ignore[attr-defined]
        f" {result.routings:,})"  # type: ignore[attr-defined]
    )
    baseline_seconds, _ = timed(args.runs, lambda: baseline_insert(codes, args.changed))
    print(f"  warning sync, median of {args.runs}:        {sync_seconds:6.2f} s")
    print(f"  baseline bulk insert of {args.changed:,} changes:  {baseline_seconds:6.2f} s")
    print(f"  ratio sync / baseline: {sync_seconds / baseline_seconds:.1f}×")
    verdict = "meets" if sync_seconds < GOAL_SECONDS else "MISSES"
    print(f"  goal < {GOAL_SECONDS:.0f} s: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
