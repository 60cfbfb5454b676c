"""`laborwatch load DIR`: a synthetic city's registry and callers, and (unless --registry-only)
its complaints replayed as a year of work orders by the demo's history (laborwatch.demo),
into the database.

Everything the load needs is checked before it starts: at city scale the registry alone takes
minutes, and a load that fails at the history must not fail after them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.cases.models import Case
from laborwatch.city_load import load_city
from laborwatch.core.models import OrgUnit, User
from laborwatch.core.roles import Role
from laborwatch.demo import replay_history
from laborwatch.demo.users import REFERRAL_DEPARTMENTS
from laborwatch.lib.commands import LaborwatchCommand, add_quiet_argument
from laborwatch.synth.store import GENERATOR, MANIFEST

CITY_FILES = ("enterprises.parquet", "workers.parquet", "complaints.parquet")


class Command(LaborwatchCommand):
    summary = gettext_lazy(
        "Load a synthetic city into the database: the enterprise registry, the workers who "
        "called, and a replayed work-order history."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "city_dir", metavar="DIR", type=Path, help=_("A directory made by laborwatch synth.")
        )
        parser.add_argument(
            "--registry-only",
            action="store_true",
            help=_("Load the registry and the callers only, without the work-order history."),
        )
        add_quiet_argument(parser)

    def handle(
        self, *args: Any, city_dir: Path, registry_only: bool, quiet: bool, **options: Any
    ) -> None:
        check_city(city_dir)
        check_database()
        # The history is replayed into an empty work-order table only (see load_city).
        replay_history_too = not registry_only and not Case.objects.exists()
        if replay_history_too:
            check_history_staff()
        summary = load_city(city_dir, progress=not quiet)
        summary["cases"] = (
            replay_history(city_dir, now=timezone.now(), seed=seed_of(city_dir), progress=not quiet)
            if replay_history_too
            else 0
        )
        self.stdout.write(
            _("Loaded: %(enterprises)s enterprises, %(workers)s workers, %(cases)s work orders")
            % {key: f"{count:,}" for key, count in summary.items()}
        )


def seed_of(city_dir: Path) -> int:
    """The seed the city was generated with: the replay samples with it too."""
    manifest = json.loads((city_dir / MANIFEST).read_text(encoding="utf-8"))
    return int(manifest.get("seed", 1))


def check_city(city_dir: Path) -> None:
    """A CommandError unless `city_dir` holds a whole city written by `laborwatch synth`."""
    manifest_path = city_dir / MANIFEST
    if not city_dir.is_dir():
        raise CommandError(_("%(path)s is not a directory.") % {"path": city_dir})
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("generator") != GENERATOR:
        message = _(
            "%(path)s is not a synthetic city (it has no manifest.json from laborwatch synth): "
            "make one with laborwatch synth --out %(path)s."
        )
        raise CommandError(message % {"path": city_dir})
    missing = [name for name in CITY_FILES if not (city_dir / name).is_file()]
    if missing:
        message = _("The synthetic city in %(path)s lacks %(files)s: generate it again.")
        raise CommandError(message % {"path": city_dir, "files": ", ".join(missing)})


def check_database() -> None:
    """A CommandError unless the database is migrated and holds the city's org units."""
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()) or not OrgUnit.objects.exists():
        raise CommandError(
            _("The database is not set up or not up to date: run laborwatch migrate first.")
        )


def check_history_staff() -> None:
    """A CommandError unless the accounts and units the history replay hands cases to exist."""
    centre = User.objects.filter(role=Role.CENTRE_STAFF, is_active=True)
    if not centre.exists():
        raise CommandError(
            _(
                "The work-order history needs at least one active centre staff account to "
                "handle its cases. Run laborwatch demo (it creates the demo accounts), or create "
                "one with laborwatch django createsuperuser; or load without the history: "
                "laborwatch load --registry-only DIR."
            )
        )
    codes = sorted({code for unit_codes in REFERRAL_DEPARTMENTS.values() for code in unit_codes})
    present = set(OrgUnit.objects.filter(code__in=codes).values_list("code", flat=True))
    missing = [code for code in codes if code not in present]
    if missing:
        message = _(
            "The work-order history refers cases to departments the org units lack (%(codes)s): "
            "load a city file that has them (laborwatch migrate --city-file), or load with "
            "--registry-only."
        )
        raise CommandError(message % {"codes": ", ".join(missing)})
