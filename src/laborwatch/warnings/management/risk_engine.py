"""The risk engine as the commands open it: the feed store, brought up to date from an earlier
version, and the rules file."""

from __future__ import annotations

import tomllib
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError, OutputWrapper
from django.utils.translation import gettext as _

from laborwatch.risk import store
from laborwatch.risk.rules import RulesConfig, RulesError, load_rules


def open_feed_store(stdout: OutputWrapper) -> Path:
    """The store under LABORWATCH_DATA_DIR, upgraded once if an earlier version wrote it; a
    CommandError when another process holds it too long."""
    root = Path(settings.DATA_DIR)
    try:
        upgraded = store.upgrade_store(root)
    except store.StoreBusyError as error:
        raise CommandError(str(error)) from error
    if upgraded:
        stdout.write(
            _("Feed store upgraded: %(count)d partition files given the enterprise key")
            % {"count": upgraded}
        )
    return root


def rules_from(path: Path | None) -> RulesConfig:
    """The rules in `path` (default: the shipped rules); a CommandError when they cannot be
    read or are not valid."""
    try:
        return load_rules(path)
    except (OSError, tomllib.TOMLDecodeError, RulesError, KeyError, ValueError) as error:
        message = _("Cannot use the rules file %(path)s: %(error)s")
        raise CommandError(message % {"path": path, "error": error}) from error
