"""`laborwatch score`: the whole daily pipeline (work orders out, scores, warnings in)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

GRADE_LABELS = {"red": "红", "orange": "橙", "yellow": "黄", "blue": "蓝"}


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laborwatch.config.settings")
    import django

    django.setup()


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}") from error


def cmd_score(args: argparse.Namespace) -> int:
    _django()
    from laborwatch.risk.pipeline import ScoringError
    from laborwatch.risk.rules import load_rules
    from laborwatch.warnings.daily import run_daily

    config = load_rules(Path(args.rules)) if args.rules else load_rules()
    try:
        run = run_daily(as_of=args.date, config=config)
    except ScoringError as error:
        print(error, file=sys.stderr)
        return 1
    print(format_daily(run, config.risk_types))
    return 0


def format_daily(run: Any, risk_labels: dict[str, str] | None = None) -> str:
    """The Chinese summary of a daily run (a warnings.daily.DailyRun)."""
    from laborwatch.risk.rules import load_rules

    risk_labels = risk_labels or load_rules().risk_types
    score, sync = run.score, run.sync
    lines = []
    if run.export is None:
        lines.append("工单导出：无工单")
    else:
        lines.append("工单导出：" + run.export.summary())
    lines.append(
        f"评分日期 {score.as_of}（规则 {score.config_version}）：企业 {score.enterprises:,} 家，"
        f"用时 {score.seconds:.1f} 秒；评分表 {score.scores_path}"
    )
    for risk_type, label in risk_labels.items():
        counts = "，".join(
            f"{GRADE_LABELS[g]} {score.grade_counts.get((risk_type, g), 0):,}" for g in GRADE_LABELS
        )
        lines.append(f"  {label}：{counts}")
    lines.append(
        f"预警同步（{run.sync_seconds:.1f} 秒）：有等级信号 {sync.signals:,} 条，"
        f"新发 {sync.opened:,}，升级 {sync.escalated:,}，降级 {sync.de_escalated:,}，"
        f"新增证据 {sync.evidence_added:,}，持续 {sync.repeated:,}，解除 {sync.resolved:,}，"
        f"抑制 {sync.inhibited:,}，取消抑制 {sync.released:,}，新分派签收 {sync.routings:,}"
    )
    if sync.unknown_enterprises:
        lines.append(f"  名录中没有的企业：{sync.unknown_enterprises:,} 家（未建预警）")
    if sync.already_synced:
        lines.append(f"  本日已同步过的预警：{sync.already_synced:,} 条（未改动）")
    return "\n".join(lines)


def add_warning_commands(subparsers: Any) -> None:
    score = subparsers.add_parser(
        "score", help="每日流水线：导出工单、计算风险评分、同步预警（默认数据源中的最新日期）"
    )
    score.add_argument("--date", type=_date, help="评分日期（默认数据源中的最新日期）")
    score.add_argument("--rules", help="规则配置文件（默认内置 rules-v1.toml）")
    score.add_argument("--quiet", action="store_true", help="（保留）不显示进度")
    score.set_defaults(func=cmd_score)
