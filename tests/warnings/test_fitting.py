"""`laborwatch risk fit --from-verifications`: verified warnings in, a fitted rules version out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest

from laborwatch.cli import main
from laborwatch.risk import store
from laborwatch.risk.rules import ACTIVE_RULES, load_rules
from laborwatch.warnings.fitting import verified_samples
from laborwatch.warnings.models import Warning
from tests.factories import make_enterprise
from tests.warnings.support import DAY0, signal, sync

pytestmark = pytest.mark.django_db


def _verified_history(root: Path, org_units) -> None:
    """100 wage-arrears warnings over 100 days: those with this month's social insurance
    unpaid were found true four times in five, those with a listing alone one in five."""
    for number in range(100):
        day = DAY0 + dt.timedelta(days=number)
        firm = make_enterprise(org_units["shinan"])
        unpaid = number % 2 == 0
        sync(day, signal(firm, "yellow"))
        confirmed = number % 10 < 8 if unpaid else number % 10 == 9
        Warning.objects.filter(enterprise=firm).update(verified=confirmed)
        values = {
            "credit_code": [firm.credit_code],
            "si_arrears_months": [1.0 if unpaid else 0.0],
            "si_unpaid_share": [1.0 if unpaid else 0.0],
            "abnormal_listings_365d": [0.0 if unpaid else 1.0],
            "wage_account_unpaid_months": pa.array([None], pa.float64()),
        }
        store.write_table(pa.table(values), store.scores_dir(root, day) / "indicators.parquet")


def test_fit_from_verifications_writes_and_activates_a_new_version(
    tmp_path: Path, org_units, settings, capsys
) -> None:
    settings.DATA_DIR = tmp_path
    _verified_history(tmp_path, org_units)
    samples, missing = verified_samples(tmp_path)
    assert (len(samples), missing) == (100, 0)
    assert samples[0].values["si_unpaid_share"] == 1.0 and samples[0].confirmed
    assert main(["risk", "fit", "--from-verifications", "--activate"]) == 0
    out = capsys.readouterr().out
    version = f"rules-v2.4-fit-{dt.date.today():%Y%m%d}"
    assert "100 条已核实预警（0 条缺少开出当日的指标）" in out
    assert f"拟合规则版本：{version}" in out
    assert "欠薪风险：拟合样本 70 条，留出样本 30 条" in out
    assert "abnormal_listing_wages 15→0" in out and "labor_cases" not in out
    # the unpaid months were yellow already; fitted (80% found true) they reach orange
    assert "yellow 及以上：精确率 0.80→0.80，召回率 0.80→0.80（留出期预警 15→15，属实 15）" in out
    assert "orange 及以上：精确率 0.00→0.80，召回率 0.00→0.80" in out
    assert "规模性裁员风险：拟合样本 0 条，留出样本 0 条\n  未拟合" in out
    fitted = load_rules(tmp_path / "rules" / f"{version}.toml")
    assert fitted.version == version
    assert load_rules(tmp_path / ACTIVE_RULES).version == version


def test_fit_needs_its_source_and_verifications(tmp_path: Path, org_units, settings, capsys):
    settings.DATA_DIR = tmp_path
    assert main(["risk", "fit"]) == 2
    assert "laborwatch risk fit --from-verifications" in capsys.readouterr().err
    assert main(["risk", "fit", "--from-verifications"]) == 1
    assert "没有" in capsys.readouterr().err
