"""`laborwatch api-token create|reissue|revoke|list`: tokens of the systems pushing work orders."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from laborwatch.cases.models import ApiClient


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laborwatch.config.settings")
    import django

    django.setup()


ACTOR_LABEL = "cli"
# Servers remember a recognised token this long (laborwatch.cases.api.auth), so a change made
# here reaches them within it; kept literal so the command does not import Django to print help.
_CACHE_SECONDS = 30


def cmd_api_token(args: argparse.Namespace) -> int:
    _django()
    from django.core.exceptions import ValidationError

    from laborwatch.cases.models import ApiClient

    try:
        if args.action == "list":
            return _list(ApiClient.objects.order_by("name"))
        if args.action == "create":
            return _create(args.name, args.channel)
        client = ApiClient.objects.filter(name=args.name).first()
        if client is None:
            print(f"没有名为 {args.name} 的接口客户端。", file=sys.stderr)
            return 1
        if args.action == "reissue":
            return _reissue(client)
        return _revoke(client, args.reason)
    except ValidationError as error:
        for message in error.messages:
            print(message, file=sys.stderr)
        return 1


def _list(clients: Iterable[ApiClient]) -> int:
    from django.utils import timezone
    from rich.console import Console
    from rich.table import Table

    table = Table("名称", "渠道", "令牌前缀", "状态", "创建时间")
    for client in clients:
        table.add_row(
            client.name,
            client.channel,
            client.token_hint,
            "有效" if client.is_active else "已吊销",
            f"{timezone.localtime(client.created_at):%Y-%m-%d %H:%M}",
        )
    if not table.row_count:
        print("尚无接口客户端。")
        return 0
    Console().print(table)
    return 0


def _print_token(name: str, token: str) -> None:
    print(f"接口客户端 {name} 的令牌（只显示这一次，请妥善保存）：")
    print(token)


def _create(name: str, channel: str) -> int:
    from laborwatch.cases.services.clients import api_client_create

    client, token = api_client_create(
        actor=None, name=name, channel=channel, actor_label=ACTOR_LABEL
    )
    _print_token(client.name, token)
    return 0


def _reissue(client: ApiClient) -> int:
    from laborwatch.cases.services.clients import api_client_reissue

    client, token = api_client_reissue(actor=None, client=client, actor_label=ACTOR_LABEL)
    print(f"旧令牌已失效（运行中的服务最迟 {_CACHE_SECONDS} 秒内拒绝它）。")
    _print_token(client.name, token)
    return 0


def _revoke(client: ApiClient, reason: str) -> int:
    from laborwatch.cases.services.clients import api_client_revoke

    api_client_revoke(actor=None, client=client, reason=reason, actor_label=ACTOR_LABEL)
    print(
        f"已吊销接口客户端 {client.name} 的令牌（运行中的服务最迟 {_CACHE_SECONDS} 秒内拒绝它）。"
    )
    return 0


def cmd_export_labels(args: argparse.Namespace) -> int:
    """Handlers' category decisions as JSON lines for `laborwatch text train-classifier`."""
    _django()
    import json

    from laborwatch.cases.models import Case, CategoryLabel

    rows: dict[int, dict[str, str]] = {}
    # A category chosen at intake that differs from the suggestion is a decision too.
    chosen = Case.objects.exclude(suggested_category="").exclude(status="merged")
    for case_id, text, category, suggested in chosen.values_list(
        "pk", "description", "category", "suggested_category"
    ).iterator():
        if category != suggested:
            rows[case_id] = {"text": text, "category": category}
    for label in CategoryLabel.objects.order_by("labelled_at", "pk").iterator():
        rows[label.case_id] = {"text": label.text, "category": label.category}
    with open(args.out, "w", encoding="utf-8") as handle:
        for row in rows.values():
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"已导出 {len(rows):,} 条经办人确认的诉求类别：{args.out}")
    print(f"重新训练：laborwatch text train-classifier --from {args.out}")
    return 0


def add_case_commands(subparsers: argparse._SubParsersAction) -> None:
    """Add the work-order commands to the `laborwatch` parser."""
    token = subparsers.add_parser("api-token", help="管理外部系统（12351 热线等）的接口令牌")
    actions = token.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="登记客户端并签发令牌（只显示一次）")
    create.add_argument("name")
    create.add_argument(
        "--channel",
        default="hotline_12351",
        help="该客户端推送工单的渠道代码（默认 hotline_12351；督办为 superior_assignment）",
    )
    reissue = actions.add_parser(
        "reissue", help=f"重新签发令牌（旧令牌失效，运行中的服务最迟 {_CACHE_SECONDS} 秒内拒绝它）"
    )
    reissue.add_argument("name")
    revoke = actions.add_parser(
        "revoke", help=f"吊销令牌（运行中的服务最迟 {_CACHE_SECONDS} 秒内拒绝它）"
    )
    revoke.add_argument("name")
    revoke.add_argument("--reason", default="", help="吊销原因（记入审计日志）")
    actions.add_parser("list", help="列出接口客户端")
    token.set_defaults(func=cmd_api_token)
    labels = subparsers.add_parser(
        "export-labels", help="导出经办人更正的诉求类别（JSON lines），用于重新训练分类器"
    )
    labels.add_argument("--out", required=True)
    labels.set_defaults(func=cmd_export_labels)
