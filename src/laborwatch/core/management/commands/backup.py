"""`laborwatch backup --out FILE`: the database, the data dir's files and, apart, the keys."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.core.backup import BackupError, backup_create
from laborwatch.lib.commands import LaborwatchCommand


class Command(LaborwatchCommand):
    summary = gettext_lazy(
        "Back up the database, the feed store and the data dir's files; the keys go to a file "
        "of their own."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, required=True, help=_("Backup file (.tar.gz)."))
        parser.add_argument(
            "--keys-out",
            type=Path,
            help=_("Key file (default: the backup file's name with .keys); keep it apart."),
        )

    def handle(self, *args: Any, out: Path, keys_out: Path | None, **options: Any) -> None:
        keys_out = keys_out or out.with_name(out.name + ".keys")
        try:
            result = backup_create(out=out, keys_out=keys_out, data_dir=Path(settings.DATA_DIR))
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("Backup written to %(path)s: %(rows)d rows in %(tables)d tables.")
            % {
                "path": result.path,
                "rows": sum(result.counts.values()),
                "tables": len(result.counts),
            }
        )
        self.stderr.write(
            _(
                "Keys written to %(path)s. Keep this file apart from the backup (another medium, "
                "another place): whoever holds both can read every ID number and phone."
            )
            % {"path": result.keys_path}
        )
