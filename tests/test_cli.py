"""The `laborwatch` command: the dispatcher, and each command's arguments, errors and happy path
(commands with a module of their own are tested there: score, report, text, export-labels)."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from django.utils import translation

from laborwatch.cases.models import ApiClient, Case
from laborwatch.cli import COMMANDS, main, management_name
from laborwatch.core.models import AuditEvent, OrgUnit
from laborwatch.enterprises.models import Enterprise
from laborwatch.workers.models import Worker

# What the tiny city holds (seed 7, 120 enterprises, 6 months to 2026-10).
TINY_CITY = ["--enterprises", "120", "--seed", "7", "--quiet"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """Exit code, standard output and standard error of `laborwatch *argv`."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="session")
def tiny_city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("city") / "tiny"
    assert main(["synth", *TINY_CITY, "--out", str(out)]) == 0
    return out


# The dispatcher


def test_every_command_has_its_management_command() -> None:
    from django.core.management import get_commands

    names = [management_name(typed) for typed in COMMANDS]
    assert names == [
        "demo",
        "migrate_city",
        "serve",
        "backup",
        "restore",
        "mask_text",
        "synth",
        "load",
        "registry",
        "sla_sweep",
        "run_jobs",
        "worker",
        "api_token",
        "ingest",
        "score",
        "risk_score",
        "risk_eval",
        "backtest",
        "risk",
        "report",
        "export_labels",
        "text",
        "opinion",
    ]
    assert {name: get_commands()[name] for name in names} == {
        "demo": "laborwatch.core",
        "migrate_city": "laborwatch.core",
        "serve": "laborwatch.core",
        "backup": "laborwatch.core",
        "restore": "laborwatch.core",
        "mask_text": "laborwatch.core",
        "synth": "laborwatch.core",
        "load": "laborwatch.core",
        "registry": "laborwatch.enterprises",
        "sla_sweep": "laborwatch.cases",
        "run_jobs": "laborwatch.schedule",
        "worker": "laborwatch.schedule",
        "api_token": "laborwatch.cases",
        "ingest": "laborwatch.warnings",
        "score": "laborwatch.warnings",
        "risk_score": "laborwatch.warnings",
        "risk_eval": "laborwatch.warnings",
        "backtest": "laborwatch.warnings",
        "risk": "laborwatch.warnings",
        "report": "laborwatch.reports",
        "export_labels": "laborwatch.cases",
        "text": "laborwatch.cases",
        "opinion": "laborwatch.opinion",
    }
    # Django's own migrate is left alone: the test runner and `laborwatch django migrate`.
    assert get_commands()["migrate"] == "django.core"


def test_a_command_is_required(capsys) -> None:
    code, out, err = run(capsys)
    assert (code, out) == (2, "")
    assert err.startswith(
        "用法：laborwatch 命令 [选项]；laborwatch 命令 --help 查看该命令的选项。\n"
    )
    assert "  score         每日流水线：导出工单、计算风险评分、同步预警" in err
    assert "  django        运行任一 Django 管理命令（createsuperuser、migrate 等）" in err


def test_help_lists_the_commands(capsys) -> None:
    code, out, err = run(capsys, "--help")
    assert (code, err) == (0, "")
    assert [line.split()[0] for line in out.splitlines()[2:]] == [*COMMANDS, "django"]


def test_an_unknown_command_exits_2_with_the_list(capsys) -> None:
    code, out, err = run(capsys, "scores")
    assert (code, out) == (2, "")
    assert err.startswith("laborwatch 没有 scores 命令。可用的命令：\n  demo ")


def test_messages_are_chinese_whatever_language_was_active(capsys) -> None:
    with translation.override("en"):
        code, _, err = run(capsys, "serve", "--processes", "0")
    assert (code, err) == (2, "--processes 须为 1 或更大的整数，而不是 0。\n")


def test_help_of_a_command_is_chinese(capsys) -> None:
    code, out, _ = run(capsys, "load", "--help")
    assert code == 0
    assert out.startswith("用法：laborwatch load [-h] [--registry-only] [--quiet] DIR\n")
    assert "把合成城市载入数据库：企业名录、来电职工和回放的工单历史" in out
    assert "\n位置参数:\n" in out and "\n选项:\n" in out
    assert "  -h, --help       显示本帮助并退出\n" in out
    assert "只载入企业名录和来电职工，不回放工单历史" in out
    assert "--traceback" not in out and "--settings" not in out  # Django's own, left out


def test_help_of_a_sub_command_is_chinese(capsys) -> None:
    code, out, _ = run(capsys, "report", "daily", "--help")
    assert code == 0
    assert out.splitlines()[:3] == [
        "用法：laborwatch report daily [-h] [--date DATE] --out OUT",
        "",
        "选项:",
    ]


def test_wrong_arguments_exit_2(capsys) -> None:
    code, out, err = run(capsys, "synth", "--scale", "city")
    assert (code, out) == (2, "")
    assert "--out" in err
    code, _, err = run(capsys, "synth", "--scale", "country", "--out", "x")
    assert code == 2
    assert "country" in err


def test_django_runs_any_management_command(capsys) -> None:
    code, out, _ = run(capsys, "django", "check")
    assert (code, out) == (0, "System check identified no issues (0 silenced).\n")


# synth


def test_synth_writes_a_city_and_says_what(tmp_path: Path, capsys) -> None:
    out = tmp_path / "city"
    code, stdout, _ = run(capsys, "synth", *TINY_CITY, "--out", str(out))
    assert code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert (manifest["seed"], manifest["scale"], manifest["enterprises"]) == (7, "custom", 120)
    lines = stdout.splitlines()
    assert lines[0] == f"合成城市已生成：{out}（种子 7，规模 demo）"
    assert "  enterprises.parquet: 120" in lines


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--seed", "-1"], "随机种子须为非负整数，而不是 -1。\n"),
        (["--enterprises", "0"], "--enterprises 须为 1 或更大的整数，而不是 0。\n"),
    ],
)
def test_synth_refuses_wrong_numbers(tmp_path: Path, capsys, arguments, message) -> None:
    code, out, err = run(capsys, "synth", *arguments, "--out", str(tmp_path / "city"))
    assert (code, out, err) == (2, "", message)
    assert not (tmp_path / "city").exists()


def test_synth_refuses_a_directory_holding_other_files(tmp_path: Path, capsys) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    code, out, err = run(capsys, "synth", *TINY_CITY, "--out", str(tmp_path))
    assert (code, out) == (1, "")
    assert err == f"{tmp_path} 非空且不是合成城市目录：请选择新目录或空目录。\n"
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]


def test_synth_where_it_cannot_write(tmp_path: Path, capsys) -> None:
    file = tmp_path / "file"
    file.write_text("", encoding="utf-8")
    code, stdout, err = run(capsys, "synth", *TINY_CITY, "--out", str(file))
    assert (code, stdout, err) == (1, "", f"{file} 是文件，不是目录。\n")
    out = file / "city"
    code, stdout, err = run(capsys, "synth", *TINY_CITY, "--out", str(out))
    assert (code, stdout) == (1, "")
    assert err == f"无法写入 {out}：请检查其所在目录是否存在、是否可写。\n"


# migrate, serve, sla-sweep


@pytest.mark.django_db
def test_migrate_loads_the_org_units(capsys) -> None:
    assert not OrgUnit.objects.exists()
    code, _, err = run(capsys, "migrate", "--verbosity", "0")
    assert (code, err) == (0, "")
    assert OrgUnit.objects.filter(code="shinan", kind=OrgUnit.Kind.DISTRICT).exists()


@pytest.mark.django_db
def test_migrate_refuses_a_missing_city_file(tmp_path: Path, capsys) -> None:
    code, out, err = run(capsys, "migrate", "--city-file", str(tmp_path / "none.json"))
    assert (code, out, err) == (1, "", f"找不到组织机构文件：{tmp_path / 'none.json'}。\n")
    assert not OrgUnit.objects.exists()


@pytest.mark.django_db
def test_sla_sweep_reports_what_it_did(org_units, capsys) -> None:
    code, out, _ = run(capsys, "sla-sweep")
    assert code == 0
    assert out == (
        "催办 0 件，升级 0 件，转办超时未签收 0 件，节点逾期 0 个，预警超时未签收 0 条\n"
        "领导批示超期催办：工单 0 件，预警 0 条\n"
        "舆情：催办回应 0 件，回应超时升级 0 件，核实交办超时未签收 0 件\n"
    )


@pytest.fixture
def served(monkeypatch) -> list[dict]:
    """The calls `laborwatch serve` makes to the server, which is not started."""
    calls: list[dict] = []
    monkeypatch.setattr("laborwatch.config.serve.serve", lambda **kwargs: calls.append(kwargs))
    return calls


def test_serve_passes_the_address_and_processes_to_the_server(served) -> None:
    assert main(["serve", "--host", "0.0.0.0", "--port", "9000", "--processes", "2"]) == 0
    assert served == [{"host": "0.0.0.0", "port": 9000, "processes": 2}]


def test_serve_processes_default_to_one_or_the_environment(served, monkeypatch) -> None:
    monkeypatch.delenv("LABORWATCH_PROCESSES", raising=False)
    monkeypatch.delenv("PORT", raising=False)
    monkeypatch.delenv("HOST", raising=False)
    assert main(["serve"]) == 0
    monkeypatch.setenv("LABORWATCH_PROCESSES", "4")
    monkeypatch.setenv("PORT", "8100")
    assert main(["serve"]) == 0
    assert served == [
        {"host": "127.0.0.1", "port": 8000, "processes": 1},
        {"host": "127.0.0.1", "port": 8100, "processes": 4},
    ]


def test_several_processes_without_fork_exit_1_with_a_chinese_message(
    served, monkeypatch, capsys
) -> None:
    monkeypatch.delattr(os, "fork")
    code, _, err = run(capsys, "serve", "--processes", "2")
    assert (code, served) == (1, [])
    assert err == (
        "多进程服务（--processes 2）需要 Linux 等 POSIX 主机；Windows 上请以单进程运行"
        "（--processes 1，或不设置 LABORWATCH_PROCESSES）。\n"
    )


def test_one_process_serves_without_fork(served, monkeypatch) -> None:
    monkeypatch.delattr(os, "fork")
    assert main(["serve", "--host", "127.0.0.1", "--port", "8000", "--processes", "1"]) == 0
    assert served == [{"host": "127.0.0.1", "port": 8000, "processes": 1}]


def test_no_processes_exit_2(served, capsys) -> None:
    code, out, err = run(capsys, "serve", "--processes", "0")
    assert (code, out, err) == (2, "", "--processes 须为 1 或更大的整数，而不是 0。\n")
    assert served == []


# load


@pytest.mark.django_db
def test_load_replays_the_history_with_a_centre_account(
    tiny_city: Path, centre_staff, capsys
) -> None:
    code, out, err = run(capsys, "load", str(tiny_city), "--quiet")
    assert (code, err) == (0, "")
    enterprises, workers, cases = (
        Enterprise.objects.count(),
        Worker.objects.count(),
        Case.objects.count(),
    )
    assert enterprises == 120
    assert cases > 0
    assert out == f"已载入：企业 120 家，职工 {workers:,} 人，工单 {cases:,} 件\n"


@pytest.mark.django_db
def test_load_registry_only_needs_no_account(tiny_city: Path, org_units, capsys) -> None:
    code, out, err = run(capsys, "load", "--registry-only", str(tiny_city), "--quiet")
    assert (code, err) == (0, "")
    workers = Worker.objects.count()
    assert (Enterprise.objects.count(), Case.objects.count()) == (120, 0)
    assert workers > 0
    assert out == f"已载入：企业 120 家，职工 {workers:,} 人，工单 0 件\n"


@pytest.mark.django_db
def test_load_without_a_centre_account_stops_before_loading(
    tiny_city: Path, make_user, capsys
) -> None:
    make_user("district", "district_staff", "shinan")  # not enough: the centre handles cases
    audit_rows = AuditEvent.objects.count()
    code, out, err = run(capsys, "load", str(tiny_city))
    assert (code, out) == (1, "")
    assert err == (
        "回放工单历史需要至少一个有效的中心值班员账号来经办案件。请运行 laborwatch demo"
        "（它会建立演示账号），或用 laborwatch django createsuperuser 建立一个账号；"
        "也可以不回放工单历史：laborwatch load --registry-only 目录。\n"
    )
    assert "Traceback" not in err
    assert (Enterprise.objects.count(), Worker.objects.count(), Case.objects.count()) == (0, 0, 0)
    assert AuditEvent.objects.count() == audit_rows


@pytest.mark.django_db
def test_load_without_the_referral_departments_stops_before_loading(
    tiny_city: Path, centre_staff, capsys
) -> None:
    OrgUnit.objects.filter(code="legal-aid").delete()
    code, _, err = run(capsys, "load", str(tiny_city))
    assert code == 1
    assert err.startswith("工单历史会转办给组织机构中没有的部门（legal-aid）")
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
def test_load_on_a_database_without_org_units_says_to_migrate(tiny_city: Path, capsys) -> None:
    code, out, err = run(capsys, "load", str(tiny_city))
    assert (code, out, err) == (1, "", "数据库尚未建立或尚未升级：请先运行 laborwatch migrate。\n")
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
def test_load_refuses_what_is_not_a_synthetic_city(tmp_path: Path, org_units, capsys) -> None:
    code, _, err = run(capsys, "load", str(tmp_path / "none"))
    assert (code, err) == (1, f"{tmp_path / 'none'} 不是目录。\n")
    code, _, err = run(capsys, "load", str(tmp_path))
    assert (code, err) == (
        1,
        f"{tmp_path} 不是合成城市目录（没有 laborwatch synth 生成的 manifest.json）："
        f"请先运行 laborwatch synth --out {tmp_path} 生成。\n",
    )
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
def test_load_refuses_a_city_missing_a_file(
    tiny_city: Path, tmp_path: Path, org_units, capsys
) -> None:
    partial = tmp_path / "partial"
    partial.mkdir()
    for name in ("manifest.json", "enterprises.parquet", "workers.parquet"):
        (partial / name).write_bytes((tiny_city / name).read_bytes())
    code, _, err = run(capsys, "load", str(partial), "--registry-only")
    assert (code, err) == (1, f"{partial} 中的合成城市缺少 complaints.parquet：请重新生成。\n")
    assert not Enterprise.objects.exists()


# api-token


@pytest.mark.django_db
def test_api_token_create_list_reissue_revoke(org_units, capsys) -> None:
    code, out, _ = run(capsys, "api-token", "create", "hotline")
    client = ApiClient.objects.get(name="hotline")
    first_token = out.splitlines()[1]
    assert code == 0
    assert out.splitlines()[0] == "接口客户端 hotline 的令牌（只显示这一次，请妥善保存）："
    assert first_token.startswith(client.token_hint)
    code, out, _ = run(capsys, "api_token", "list")  # the module's name is accepted too
    assert code == 0
    assert "hotline" in out and "12351热线" in out and "启用" in out
    code, out, _ = run(capsys, "api-token", "reissue", "hotline")
    assert code == 0
    assert out.splitlines()[0] == "旧令牌已失效（运行中的服务最迟 30 秒内拒绝它）。"
    assert out.splitlines()[2] != first_token
    code, out, _ = run(capsys, "api-token", "revoke", "hotline", "--reason", "停用")
    assert (code, out) == (
        0,
        "已吊销接口客户端 hotline 的令牌（运行中的服务最迟 30 秒内拒绝它）。\n",
    )
    client.refresh_from_db()
    assert client.is_active is False


@pytest.mark.django_db
def test_api_token_for_an_unknown_client_changes_nothing(org_units, capsys) -> None:
    audit_rows = AuditEvent.objects.count()
    for action in ("reissue", "revoke"):
        code, out, err = run(capsys, "api-token", action, "nobody")
        assert (code, out, err) == (1, "", "没有名为 nobody 的接口客户端。\n")
    assert (AuditEvent.objects.count(), ApiClient.objects.count()) == (audit_rows, 0)


@pytest.mark.django_db
def test_api_token_list_without_clients(org_units, capsys) -> None:
    assert run(capsys, "api-token", "list") == (0, "尚无接口客户端。\n", "")


@pytest.mark.django_db
def test_api_token_needs_an_action(capsys) -> None:
    code, _, err = run(capsys, "api-token")
    assert code == 2
    assert "{create,reissue,revoke,list}" in err


# ingest, risk-score, risk-eval


def test_ingest_needs_a_source_and_path_or_a_folder(tmp_path: Path, settings, capsys) -> None:
    settings.DATA_DIR = tmp_path
    code, out, err = run(capsys, "ingest", "tax")
    assert (code, out) == (2, "")
    assert err == "用法：laborwatch ingest 数据源 文件路径，或 laborwatch ingest --all 目录\n"
    code, _, err = run(capsys, "ingest", "--all", str(tmp_path / "none"))
    assert (code, err) == (1, f"{tmp_path / 'none'} 不是目录。\n")


def test_ingest_a_city_then_score_it(tiny_city: Path, tmp_path: Path, settings, capsys) -> None:
    settings.DATA_DIR = tmp_path
    code, out, _ = run(capsys, "ingest", "--all", str(tiny_city), "--today", "2026-11-01")
    assert code == 0
    assert out.splitlines()[-1].startswith("合计：")
    assert out.splitlines()[-1].endswith("整批拒收 0 个文件")
    code, out, _ = run(capsys, "risk-score", "--date", "2026-10-31", "--quiet")
    assert code == 0
    assert out.startswith("评分日期 2026-10-31（规则 ")
    assert "：企业 120 家，读取 " in out.splitlines()[0]
    assert f"  评分表：{tmp_path / 'scores' / '2026-10-31' / 'scores.parquet'}" in out


def _store_contents(root: Path) -> dict[str, list[tuple]]:
    """Every feed partition's rows, sorted, by file (the ledger without its load times)."""
    import pyarrow.parquet as pq

    contents: dict[str, list[tuple]] = {}
    for path in sorted((root / "feeds").rglob("*.parquet")):
        table = pq.read_table(path)
        rows = zip(*(table.column(n).to_pylist() for n in table.column_names), strict=True)
        contents[str(path.relative_to(root))] = sorted(rows, key=repr)
    ledger = [
        json.loads(line) for line in (root / "feeds" / "_batches.jsonl").read_text().splitlines()
    ]
    contents["_batches"] = sorted(
        (entry["batch_id"], entry["feed"], entry["rows_taken"]) for entry in ledger
    )
    return contents


def test_ingest_killed_again_and_again_ends_as_a_clean_load(
    tiny_city: Path, tmp_path: Path
) -> None:
    """The probe's kill -9s during `ingest --all`: the store, once a run finishes, is the one a
    clean load makes (each file's batch lands whole or not at all)."""
    import signal
    import subprocess
    import sys
    import time

    command = [
        sys.executable, "-c", "import sys; from laborwatch.cli import main; sys.exit(main())",
        "ingest", "--all", str(tiny_city), "--today", "2026-11-01",
    ]  # fmt: skip

    def environment(name: str) -> dict[str, str]:
        return {**os.environ, "LABORWATCH_DATA_DIR": str(tmp_path / name)}

    started = time.monotonic()
    subprocess.run(command, env=environment("clean"), check=True, capture_output=True)
    whole = time.monotonic() - started
    kills = 0
    # Kill at points spread over a run; on a loaded machine a run's length varies, so a run
    # that finished before its kill is tried again earlier, until five runs were killed.
    shares = [0.3, 0.45, 0.6, 0.75, 0.9, 0.2, 0.5, 0.1, 0.35, 0.05, 0.25, 0.15]
    for share in shares:
        process = subprocess.Popen(
            command, env=environment("killed"), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(whole * share)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait()
        if kills == 5:
            break
    assert kills >= 3
    subprocess.run(command, env=environment("killed"), check=True, capture_output=True)
    assert _store_contents(tmp_path / "killed") == _store_contents(tmp_path / "clean")


def test_ingest_a_refused_file_exits_1(tmp_path: Path, settings, capsys) -> None:
    settings.DATA_DIR = tmp_path / "store"
    bad = tmp_path / "tax.txt"
    bad.write_text("not a feed", encoding="utf-8")
    code, out, err = run(capsys, "ingest", "tax", str(bad), "--quiet")
    assert code == 1
    assert "整批拒收 1 个文件" in out
    assert err == "有 1 个文件被整批拒收（见上文）。\n"


def test_risk_score_on_an_empty_store(tmp_path: Path, settings, capsys) -> None:
    settings.DATA_DIR = tmp_path
    code, out, err = run(capsys, "risk-score", "--quiet")
    assert (code, out) == (1, "")
    assert err == f"数据源库为空：{tmp_path / 'feeds'}（请先运行 laborwatch ingest）\n"


def test_risk_score_with_a_missing_rules_file(tmp_path: Path, settings, capsys) -> None:
    settings.DATA_DIR = tmp_path
    code, _, err = run(capsys, "risk-score", "--rules", str(tmp_path / "rules.toml"))
    assert code == 1
    assert err.startswith(f"无法使用规则配置文件 {tmp_path / 'rules.toml'}：")


@pytest.mark.parametrize("command", ["risk-score", "score"])
def test_a_wrong_date_exits_2(capsys, command: str) -> None:
    code, out, err = run(capsys, command, "--date", "2026-02-30")
    assert (code, out, err) == (2, "", "日期格式应为 YYYY-MM-DD：2026-02-30\n")


def test_risk_eval_refuses_what_is_not_a_city(tmp_path: Path, capsys) -> None:
    code, out, err = run(capsys, "risk-eval", str(tmp_path))
    assert (code, out, err) == (1, "", f"{tmp_path} 不是含 episodes.parquet 的合成城市目录。\n")


def test_date_and_month_argument_types() -> None:
    from django.core.management.base import CommandError

    from laborwatch.lib.commands import date_argument, month_argument

    assert date_argument("2026-10-31") == dt.date(2026, 10, 31)
    assert month_argument(" 2026-10 ") == dt.date(2026, 10, 1)
    with pytest.raises(CommandError, match=r"^日期格式应为 YYYY-MM-DD：2026-10$") as caught:
        date_argument("2026-10")
    assert caught.value.returncode == 2
    with pytest.raises(CommandError, match=r"^月份格式应为 YYYY-MM，例如 2026-10：2026-00$"):
        month_argument("2026-00")
