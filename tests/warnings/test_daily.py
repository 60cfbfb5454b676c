"""`laborwatch score` end to end on a tiny synthetic city: export, scoring, warning sync."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import time_machine

from laborwatch.city_load import load_city
from laborwatch.cli import main
from laborwatch.core.models import AuditEvent
from laborwatch.risk.ingest import ARRIVAL_CALENDAR, ingest_folder
from laborwatch.risk.rules import load_rules
from laborwatch.synth import generate
from laborwatch.warnings.daily import run_daily
from laborwatch.warnings.models import Warning, WarningEvent
from tests.cases.views_support import make_case

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 10, 31)
NOW = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def tiny_city(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("city")
    generate(out, enterprises=300, months=6, progress=False)
    return out


@pytest.fixture
def city_root(tiny_city: Path, tmp_path: Path, org_units, settings) -> Path:
    """A feed store with the tiny city's feeds and the city's registry in the app."""
    root = tmp_path / "data"
    ingest_folder(root, tiny_city, today=dt.date(2026, 11, 1), arrived=ARRIVAL_CALENDAR)
    load_city(tiny_city, progress=False)
    settings.DATA_DIR = root
    return root


def test_score_command_end_to_end(city_root: Path, capsys) -> None:
    with time_machine.travel(NOW, tick=False):
        assert main(["score", "--date", "2026-10-31"]) == 0
    out = capsys.readouterr().out
    assert f"评分日期 2026-10-31（规则 {load_rules().version}）：企业 300 家" in out
    scores = pq.read_table(city_root / "scores" / "2026-10-31" / "scores.parquet")
    graded = {
        (row["credit_code"], row["risk_type"]): row["grade"]
        for row in scores.to_pylist()
        if row["grade"] != "none"
    }
    warnings = {
        (w.enterprise.credit_code, w.risk_type): w.grade
        for w in Warning.objects.select_related("enterprise")
    }
    assert graded  # the tiny city has risky enterprises
    assert warnings == graded
    assert f"新发 {len(graded):,}" in out
    assert WarningEvent.objects.filter(kind="opened", on=AS_OF).count() == len(graded)
    assert AuditEvent.objects.filter(action="warning.open").count() == len(graded)
    # Each uninhibited warning is routed at least to its enterprise's district union.
    for warning in Warning.objects.filter(inhibited_by=None):
        assert warning.routings.filter(org_unit=warning.district).exists()
    # The same day again changes nothing.
    with time_machine.travel(NOW, tick=False):
        assert main(["score", "--date", "2026-10-31"]) == 0
    assert "新发 0，升级 0，降级 0" in capsys.readouterr().out
    assert Warning.objects.count() == len(graded)


def test_app_work_orders_are_exported_into_the_feed(city_root: Path) -> None:
    from laborwatch.enterprises.models import Enterprise

    firm = Enterprise.objects.order_by("credit_code").first()
    assert firm is not None
    for n in range(3):
        with time_machine.travel(dt.datetime(2026, 10, 20 + n, 9, 0, tzinfo=dt.UTC), tick=False):
            make_case(firm, caller_phone=f"1391234000{n}", caller_name=f"职工{n}")
    with time_machine.travel(NOW, tick=False):
        run = run_daily(as_of=AS_OF)
    assert run.export is not None
    assert (run.export.status, run.export.rows_taken) == ("loaded", 3)
    indicators = pq.read_table(run.score.indicators_path).to_pylist()
    row = next(r for r in indicators if r["credit_code"] == firm.credit_code)
    assert row["work_orders_30d"] >= 3
    assert row["complaining_workers_30d"] >= 3


def test_score_without_feeds_says_so(tmp_path: Path, org_units, settings, capsys) -> None:
    settings.DATA_DIR = tmp_path
    assert main(["score"]) == 1
    assert "数据源库为空" in capsys.readouterr().err
