"""`laborwatch migrate`: create or upgrade the database, then load (upsert) the city's org units."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.core.services import DEFAULT_CITY_FILE, org_units_load
from laborwatch.lib.commands import LaborwatchCommand, require_sound_configuration


class Command(LaborwatchCommand):
    summary = gettext_lazy("Create or upgrade the database, and load the city's org units.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--city-file",
            type=Path,
            default=DEFAULT_CITY_FILE,
            help=_("Org units file (default: Qingdao)."),
        )

    def handle(self, *args: Any, city_file: Path, verbosity: int, **options: Any) -> None:
        require_sound_configuration()
        if not city_file.is_file():
            raise CommandError(_("No org units file at %(path)s.") % {"path": city_file})
        call_command("migrate", interactive=False, verbosity=verbosity)
        org_units_load(path=city_file)
