"""`laborwatch demo`: one command from a fresh checkout to a working demo: the database, the
demo accounts, the demo city with a year of work orders and warnings (once), then the web app."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch import demo
from laborwatch.config import serve
from laborwatch.core.management.commands.serve import add_address_arguments
from laborwatch.core.services import org_units_load
from laborwatch.lib.commands import LaborwatchCommand, require_sound_configuration
from laborwatch.warnings.daily_summary import format_daily


class Command(LaborwatchCommand):
    summary = gettext_lazy(
        "One-step demo: the database, demo accounts, a demo city with history and warnings, "
        "then the web app."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_address_arguments(parser)
        parser.add_argument("--seed", type=int, default=1, help=_("Random seed of the demo city."))

    def handle(self, *args: Any, host: str, port: int, seed: int, **options: Any) -> None:
        require_sound_configuration()
        call_command("migrate", interactive=False, verbosity=0)
        org_units_load()
        prepared = demo.prepare(seed=seed, say=self.stdout.write)
        if prepared.daily is not None:
            self.stdout.write(format_daily(prepared.daily))
        self.stdout.write("")
        self.stdout.write(
            _("LaborWatch demo running at http://%(host)s:%(port)d/") % {"host": host, "port": port}
        )
        self.stdout.write(
            _("Demo accounts (the password of each is %(password)s):")
            % {"password": demo.DEMO_PASSWORD}
        )
        for user in prepared.users:
            scope = user.org_unit.label if user.org_unit else _("whole city")
            self.stdout.write(
                _("  %(username)s %(role)s (%(scope)s)")
                % {
                    "username": f"{user.username:<12}",
                    "role": user.get_role_display(),
                    "scope": scope,
                }
            )
        self.stdout.flush()
        serve.serve(host=host, port=port)
