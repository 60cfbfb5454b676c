"""The risk engine's commands: `ingest`, `score`, `risk-eval` (wired into `laborwatch`)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from laborwatch.risk.feeds import FEEDS
from laborwatch.risk.rules import GRADES, NO_GRADE, load_rules

if TYPE_CHECKING:
    from rich.progress import Progress

GRADE_LABELS = {"red": "红", "orange": "橙", "yellow": "黄", "blue": "蓝", NO_GRADE: "无"}


def _progress(enabled: bool) -> Progress:
    # Imported here: `laborwatch` starts without rich for commands that show no progress.
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        disable=not enabled,
    )


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}") from error


def _upgrade(root: Path) -> bool:
    """Bring a feed store from an earlier version up to date (once; nothing when current).
    False, with the reason on stderr, when another process holds the store too long."""
    from laborwatch.risk import store

    try:
        upgraded = store.upgrade_store(root)
    except store.StoreBusyError as error:
        print(error, file=sys.stderr)
        return False
    if upgraded:
        print(f"数据源库已升级：{upgraded} 个分区文件补充了企业键（enterprise_key）")
    return True


def cmd_ingest(args: argparse.Namespace) -> int:
    from laborwatch.risk import store
    from laborwatch.risk.ingest import ingest_file, ingest_folder

    root = store.data_dir()
    if not _upgrade(root):
        return 1
    with _progress(not args.quiet) as progress:
        if args.all:
            reports = ingest_folder(root, Path(args.all), today=args.today, progress=progress)
        elif args.source and args.path:
            reports = [
                ingest_file(root, args.source, Path(args.path), today=args.today, progress=progress)
            ]
        else:
            print(
                "用法：laborwatch ingest SOURCE PATH 或 laborwatch ingest --all DIR",
                file=sys.stderr,
            )
            return 2
    for report in reports:
        print(report.summary())
        if report.rejects_path:
            print(f"  拒收明细：{report.rejects_path}")
    taken = sum(r.rows_taken for r in reports)
    rejected = sum(r.rows_rejected for r in reports if r.status == "loaded")
    refused = [r for r in reports if r.status == "refused"]
    print(
        f"合计：{len(reports)} 个文件，接收 {taken:,} 行，拒收 {rejected:,} 行，"
        f"整批拒收 {len(refused)} 个文件"
    )
    return 1 if refused else 0


def cmd_score(args: argparse.Namespace) -> int:
    from laborwatch.risk import store
    from laborwatch.risk.pipeline import ScoringError, score_store

    config = load_rules(Path(args.rules)) if args.rules else load_rules()
    try:
        with _progress(not args.quiet) as progress:
            progress.add_task("计算风险指标与评分……", total=None)
            if not _upgrade(store.data_dir()):
                return 1
            run = score_store(store.data_dir(), as_of=args.date, config=config)
    except ScoringError as error:
        print(error, file=sys.stderr)
        return 1
    print(
        f"评分日期 {run.as_of}（规则 {run.config_version}）：企业 {run.enterprises:,} 家，"
        f"读取 {len(run.files_read)} 个分区文件，用时 {run.seconds:.1f} 秒"
    )
    print(f"  评分表：{run.scores_path}")
    print(f"  指标表：{run.indicators_path}")
    labels = {name: label for name, label in config.risk_types.items()}
    for risk_type, label in labels.items():
        counts = [
            f"{GRADE_LABELS[g]} {run.grade_counts.get((risk_type, g), 0):,}"
            for g in reversed(GRADES)
        ]
        print(f"  {label}（{risk_type}）：" + "，".join(counts))
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from laborwatch.risk import store
    from laborwatch.risk.evaluate import evaluate_city, format_evaluation

    with _progress(not args.quiet) as progress:
        result = evaluate_city(
            store.data_dir(),
            Path(args.city),
            grade=args.grade,
            step_days=args.step_days,
            horizon_days=args.horizon_days,
            start=args.start,
            end=args.end,
            progress=progress,
        )
    print(format_evaluation(result))
    return 0


def add_risk_commands(subparsers: Any) -> None:
    ingest = subparsers.add_parser("ingest", help="载入数据源文件（CSV/XLSX/Parquet）到数据源库")
    ingest.add_argument("source", nargs="?", choices=sorted(FEEDS), help="数据源")
    ingest.add_argument("path", nargs="?", help="文件路径")
    ingest.add_argument("--all", metavar="DIR", help="载入 laborwatch synth 生成目录中的全部数据源")
    ingest.add_argument("--today", type=_date, help="校验“未来日期”所用的今天（测试用）")
    ingest.add_argument("--quiet", action="store_true")
    ingest.set_defaults(func=cmd_ingest)

    score = subparsers.add_parser(
        "risk-score", help="仅计算全部企业的风险指标、评分与等级（不同步预警）"
    )
    score.add_argument("--date", type=_date, help="评分日期（默认数据源中的最新日期）")
    score.add_argument("--rules", help="规则配置文件（默认内置 rules-v1.toml）")
    score.add_argument("--quiet", action="store_true")
    score.set_defaults(func=cmd_score)

    evaluate = subparsers.add_parser(
        "risk-eval", help="以合成城市注入的风险事件检验预警：精确率、召回率、提前天数"
    )
    evaluate.add_argument("city", help="laborwatch synth 生成目录（含 episodes.parquet）")
    evaluate.add_argument("--grade", choices=list(GRADES), default="yellow", help="预警等级阈值")
    evaluate.add_argument("--step-days", type=int, default=7, help="回测评分间隔天数")
    evaluate.add_argument("--horizon-days", type=int, default=120, help="预警有效提前期")
    evaluate.add_argument("--start", type=_date, help="回测起始日期")
    evaluate.add_argument("--end", type=_date, help="回测结束日期")
    evaluate.add_argument("--quiet", action="store_true")
    evaluate.set_defaults(func=cmd_evaluate)
