"""The `laborwatch` command: migrate, serve, synth, load, demo, and Django's own commands."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from laborwatch.cases.cli import add_case_commands
from laborwatch.reports.cli import add_report_commands
from laborwatch.risk.cli import add_risk_commands
from laborwatch.warnings.cli import add_warning_commands


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laborwatch.config.settings")
    import django

    django.setup()


def _checks_pass() -> bool:
    """Django's system checks (settings such as LABORWATCH_WARNINGS among them): False, with
    the errors on stderr, when one fails, so that nothing starts on a wrong configuration."""
    from django.core.checks import run_checks

    errors = [message for message in run_checks() if message.is_serious()]
    for message in errors:
        print(f"配置错误 {message.id}：{message.msg}", file=sys.stderr)
    return not errors


def cmd_migrate(args: argparse.Namespace) -> int:
    _django()
    from django.core.management import call_command

    if not _checks_pass():
        return 1

    call_command("migrate", interactive=False, verbosity=args.verbosity)
    from laborwatch.core.services import org_units_load

    org_units_load(path=Path(args.city_file)) if args.city_file else org_units_load()
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _django()
    from django.utils.translation import gettext

    from laborwatch.config.serve import serve

    if args.processes < 1:
        message = gettext("--processes must be 1 or more, not %(count)d.")
        print(message % {"count": args.processes}, file=sys.stderr)
        return 2
    if args.processes > 1 and not hasattr(os, "fork"):
        message = gettext(
            "Serving with several processes (--processes %(count)d) needs a POSIX host such "
            "as Linux; Windows serves with one (--processes 1, or LABORWATCH_PROCESSES unset)."
        )
        print(message % {"count": args.processes}, file=sys.stderr)
        return 1
    if not _checks_pass():
        return 1

    serve(host=args.host, port=args.port, processes=args.processes)
    return 0


def cmd_synth(args: argparse.Namespace) -> int:
    from laborwatch.synth import generate

    manifest = generate(
        Path(args.out),
        scale=args.scale,
        seed=args.seed,
        enterprises=args.enterprises,
        progress=not args.quiet,
    )
    counts = manifest.get("counts", {})
    print(f"合成城市已生成：{args.out}（种子 {args.seed}，规模 {args.scale}）")
    for name, count in sorted(counts.items()):
        print(f"  {name}: {count:,}")
    return 0


def cmd_load(args: argparse.Namespace) -> int:
    _django()
    from laborwatch.city_load import load_city

    summary = load_city(Path(args.dir), progress=not args.quiet)
    print(f"已载入：企业 {summary['enterprises']:,} 家，职工 {summary['workers']:,} 人")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    _django()
    from django.core.management import call_command

    from laborwatch import demo
    from laborwatch.config.serve import serve
    from laborwatch.core.services import org_units_load

    if not _checks_pass():
        return 1
    call_command("migrate", interactive=False, verbosity=0)
    org_units_load()
    prepared = demo.prepare(seed=args.seed, say=print)
    if prepared.daily is not None:
        from laborwatch.warnings.cli import format_daily

        print(format_daily(prepared.daily))
    port = args.port
    print()
    print(f"LaborWatch 演示已启动：http://{args.host}:{port}/")
    print(f"演示账号（密码均为 {demo.DEMO_PASSWORD}）：")
    for user in prepared.users:
        scope = user.org_unit.label if user.org_unit else "全市"
        print(f"  {user.username:<12} {user.get_role_display()}（{scope}）")
    sys.stdout.flush()
    serve(host=args.host, port=port)
    return 0


def cmd_sla_sweep(args: argparse.Namespace) -> int:
    _django()
    from laborwatch.cases.services import sla_sweep
    from laborwatch.warnings.services import warnings_sweep

    result = sla_sweep()
    unsigned = warnings_sweep()
    print(
        f"催办 {result.urged} 件，升级 {result.escalated} 件，"
        f"转办超时未签收 {result.referrals_escalated} 件，节点逾期 {result.milestones_flagged} 个，"
        f"预警超时未签收 {unsigned.escalated} 条"
    )
    return 0


def cmd_django(args: argparse.Namespace) -> int:
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["laborwatch", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="laborwatch", description="劳动关系风险监测与职工维权平台"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    default_port = int(os.environ.get("PORT", "8000"))

    migrate = sub.add_parser("migrate", help="建立或升级数据库，并载入组织机构")
    migrate.add_argument("--city-file", help="组织机构文件（默认青岛市）")
    migrate.add_argument("--verbosity", type=int, default=1)
    migrate.set_defaults(func=cmd_migrate)

    for name, func, text in (("serve", cmd_serve, "启动网页服务"), ("demo", cmd_demo, "一键演示")):
        command = sub.add_parser(name, help=text)
        command.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        command.add_argument("--port", type=int, default=default_port)
        if name == "demo":
            command.add_argument("--seed", type=int, default=1)
        else:
            # Help kept literal: Django, and with it gettext, is set up only once a command runs.
            command.add_argument(
                "--processes",
                type=int,
                default=os.environ.get("LABORWATCH_PROCESSES", "1"),
                metavar="N",
                help="工作进程数（默认 1；大于 1 时在 Linux 上以 gunicorn 多进程服务）",
            )
        command.set_defaults(func=func)

    synth = sub.add_parser("synth", help="生成合成城市（企业、职工、数据源、风险事件）")
    synth.add_argument("--scale", choices=["demo", "city"], default="demo")
    synth.add_argument("--seed", type=int, default=1)
    synth.add_argument("--out", required=True)
    synth.add_argument("--enterprises", type=int, help="覆盖企业数量（测试用）")
    synth.add_argument("--quiet", action="store_true")
    synth.set_defaults(func=cmd_synth)

    load = sub.add_parser("load", help="把合成城市载入数据库（企业名录与来电职工）")
    load.add_argument("dir")
    load.add_argument("--quiet", action="store_true")
    load.set_defaults(func=cmd_load)

    sweep = sub.add_parser("sla-sweep", help="时限巡检：黄灯催办、红灯升级（可由 cron 定时运行）")
    sweep.set_defaults(func=cmd_sla_sweep)

    django_cmd = sub.add_parser("django", help="运行 Django 管理命令")
    django_cmd.add_argument("rest", nargs=argparse.REMAINDER)
    django_cmd.set_defaults(func=cmd_django)
    add_case_commands(sub)
    add_risk_commands(sub)
    add_warning_commands(sub)
    add_report_commands(sub)
    from laborwatch.text.cli import add_text_commands

    add_text_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
