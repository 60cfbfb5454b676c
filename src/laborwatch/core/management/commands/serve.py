"""`laborwatch serve`: the web app, with waitress (one process) or gunicorn (several)."""

from __future__ import annotations

import os
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.config import serve
from laborwatch.lib.commands import USAGE_ERROR, LaborwatchCommand, require_sound_configuration


def add_address_arguments(parser: CommandParser) -> None:
    """--host and --port, shared with `laborwatch demo`."""
    parser.add_argument(
        "--host",
        default=os.environ.get("HOST", "127.0.0.1"),
        help=_("Address to listen on (default: HOST, or 127.0.0.1)."),
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("PORT", "8000")),
        help=_("Port to listen on (default: PORT, or 8000)."),
    )


class Command(LaborwatchCommand):
    summary = gettext_lazy("Serve the web app.")

    def add_arguments(self, parser: CommandParser) -> None:
        add_address_arguments(parser)
        parser.add_argument(
            "--processes",
            type=int,
            default=os.environ.get("LABORWATCH_PROCESSES", "1"),
            metavar="N",
            help=_(
                "Number of worker processes (default 1; above 1, gunicorn serves with several "
                "processes on Linux)."
            ),
        )

    def handle(self, *args: Any, host: str, port: int, processes: int, **options: Any) -> None:
        if processes < 1:
            message = _("--processes must be 1 or more, not %(count)d.")
            raise CommandError(message % {"count": processes}, returncode=USAGE_ERROR)
        if processes > 1 and not hasattr(os, "fork"):
            message = _(
                "Serving with several processes (--processes %(count)d) needs a POSIX host such "
                "as Linux; Windows serves with one (--processes 1, or LABORWATCH_PROCESSES unset)."
            )
            raise CommandError(message % {"count": processes})
        require_sound_configuration()
        serve.serve(host=host, port=port, processes=processes)
