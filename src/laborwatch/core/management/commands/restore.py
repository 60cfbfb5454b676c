"""`laborwatch restore FILE --keys KEYS`: a backup into a fresh installation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.core.backup import BackupError, backup_restore
from laborwatch.lib.commands import LaborwatchCommand, existing_file


class Command(LaborwatchCommand):
    summary = gettext_lazy(
        "Restore a backup into a fresh data dir and an empty database, and check its row counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", type=existing_file, help=_("Backup file."))
        parser.add_argument(
            "--keys",
            type=existing_file,
            help=_(
                "Key file written with the backup (default: the backup file's name with .keys)."
            ),
        )

    def handle(self, *args: Any, backup: Path, keys: Path | None, **options: Any) -> None:
        keys = keys or backup.with_name(backup.name + ".keys")
        if not keys.is_file():
            raise CommandError(_("No key file at %(path)s: give it with --keys.") % {"path": keys})
        try:
            counts = backup_restore(path=backup, keys=keys, data_dir=Path(settings.DATA_DIR))
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("Restored %(rows)d rows in %(tables)d tables into %(dir)s; counts as in the backup.")
            % {"rows": sum(counts.values()), "tables": len(counts), "dir": settings.DATA_DIR}
        )
