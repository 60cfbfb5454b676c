"""`laborwatch api-token create|reissue|revoke|list`: tokens of the systems pushing work orders."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.cases.api.auth import CLIENT_CACHE_SECONDS
from laborwatch.cases.models import ApiClient
from laborwatch.cases.services.clients import (
    api_client_create,
    api_client_reissue,
    api_client_revoke,
)
from laborwatch.lib.commands import LaborwatchCommand

ACTOR_LABEL = "cli"


def _within_cache_time() -> str:
    return _("running servers refuse it within %(seconds)d seconds") % {
        "seconds": CLIENT_CACHE_SECONDS
    }


class Command(LaborwatchCommand):
    summary = gettext_lazy(
        "Manage the API tokens of external systems (the 12351 hotline and others)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(
            dest="action", required=True, metavar="{create,reissue,revoke,list}"
        )
        create = actions.add_parser(
            "create", help=_("Register a client and issue its token (shown once).")
        )
        create.add_argument("name", help=_("Client name."))
        create.add_argument(
            "--channel",
            default="hotline_12351",
            help=_(
                "Channel code of the work orders the client pushes (default hotline_12351; "
                "superior_assignment for assignments from above)."
            ),
        )
        reissue = actions.add_parser(
            "reissue",
            help=_("Issue a new token; the old one stops working (%(when)s).")
            % {"when": _within_cache_time()},
        )
        reissue.add_argument("name", help=_("Client name."))
        revoke = actions.add_parser(
            "revoke",
            help=_("Revoke the token (%(when)s).") % {"when": _within_cache_time()},
        )
        revoke.add_argument("name", help=_("Client name."))
        revoke.add_argument(
            "--reason", default="", help=_("Why it is revoked (kept in the audit log).")
        )
        actions.add_parser("list", help=_("List the API clients."))

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "list":
            self.list(ApiClient.objects.order_by("name"))
            return
        try:
            if action == "create":
                self.create(options["name"], options["channel"])
                return
            client = ApiClient.objects.filter(name=options["name"]).first()
            if client is None:
                message = _("There is no API client named %(name)s.")
                raise CommandError(message % {"name": options["name"]})
            if action == "reissue":
                self.reissue(client)
            else:
                self.revoke(client, options["reason"])
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error

    def list(self, clients: Iterable[ApiClient]) -> None:
        from rich.console import Console
        from rich.table import Table

        table = Table(_("Name"), _("Channel"), _("Token prefix"), _("Status"), _("Created"))
        for client in clients:
            table.add_row(
                client.name,
                client.get_channel_display(),
                client.token_hint,
                _("active") if client.is_active else _("revoked"),
                f"{timezone.localtime(client.created_at):%Y-%m-%d %H:%M}",
            )
        if not table.row_count:
            self.stdout.write(_("No API clients yet."))
            return
        console = Console()
        with console.capture() as captured:
            console.print(table)
        self.stdout.write(captured.get(), ending="")

    def create(self, name: str, channel: str) -> None:
        client, token = api_client_create(
            actor=None, name=name, channel=channel, actor_label=ACTOR_LABEL
        )
        self.print_token(client.name, token)

    def reissue(self, client: ApiClient) -> None:
        client, token = api_client_reissue(actor=None, client=client, actor_label=ACTOR_LABEL)
        self.stdout.write(
            _("The old token no longer works (%(when)s).") % {"when": _within_cache_time()}
        )
        self.print_token(client.name, token)

    def revoke(self, client: ApiClient, reason: str) -> None:
        api_client_revoke(actor=None, client=client, reason=reason, actor_label=ACTOR_LABEL)
        self.stdout.write(
            _("Revoked the token of API client %(name)s (%(when)s).")
            % {"name": client.name, "when": _within_cache_time()}
        )

    def print_token(self, name: str, token: str) -> None:
        self.stdout.write(
            _("Token of API client %(name)s (shown this once only; keep it safe):") % {"name": name}
        )
        self.stdout.write(token)
