"""What the `laborwatch` management commands share: the base command, argument types for
dates and months, the configuration check before starting anything, and the progress bar."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.checks import run_checks
from django.core.management.base import (
    BaseCommand,
    CommandError,
    CommandParser,
    DjangoHelpFormatter,
)
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise
    from rich.progress import Progress

# Exit code of a command given wrong arguments (argparse's own), apart from 1 for a failure.
USAGE_ERROR = 2
_MONTH = re.compile(r"(\d{4})-(\d{2})")
# argparse's own words in --help (it translates them through Python's gettext, which follows
# the shell's locale and has no Chinese catalogue), by argparse's English.
ARGPARSE_WORDS = {
    "positional arguments": gettext_lazy("positional arguments"),
    "options": gettext_lazy("options"),
    "show this help message and exit": gettext_lazy("show this help message and exit"),
}


class HelpFormatter(DjangoHelpFormatter):
    """Django's --help layout, with argparse's own words in the active language."""

    def add_usage(self, usage, actions, groups, prefix=None):
        # argparse passes "" for a sub-command's name, None for the usage line.
        super().add_usage(usage, actions, groups, _("usage: ") if prefix is None else prefix)

    def start_section(self, heading: str | None) -> None:
        super().start_section(_argparse_word(heading))

    def _get_help_string(self, action):
        return _argparse_word(super()._get_help_string(action))


def _argparse_word(text: str | None) -> str | None:
    return str(ARGPARSE_WORDS[text]) if text in ARGPARSE_WORDS else text


class LaborwatchCommand(BaseCommand):
    """A `laborwatch` command: help in the active language (zh-hans by default), Django's own
    options left out of it, and a user error printed as its message alone with its exit code,
    never as a traceback or under an English class name."""

    # What the command does, in a line: lazily translated, so Django's `help` (a plain str) is
    # left empty and the parser shows this in the active language instead.
    summary: StrOrPromise = ""
    # Checks that matter before starting something run through `require_sound_configuration`.
    requires_system_checks: list[str] = []
    suppressed_base_arguments = {
        "--version",
        "-v",
        "--verbosity",
        "--settings",
        "--pythonpath",
        "--traceback",
        "--no-color",
        "--force-color",
        "--skip-checks",
    }

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        kwargs.setdefault("formatter_class", HelpFormatter)
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        _format_subcommands_alike(parser)
        parser.description = str(self.summary) or None
        return parser

    def run_from_argv(self, argv: list[str]) -> None:
        if "--traceback" in argv:
            super().run_from_argv(argv)
            return
        try:
            # With --traceback Django raises a CommandError instead of printing its class name.
            super().run_from_argv([*argv[:2], "--traceback", *argv[2:]])
        except CommandError as error:
            self.stderr.write(str(error))
            sys.exit(error.returncode)


def _format_subcommands_alike(parser: argparse.ArgumentParser) -> None:
    """Sub-commands (`report daily`) are made by argparse with its plain formatter; they get the
    command's (walking the parser as Django's call_command does)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for subparser in action.choices.values():
                subparser.formatter_class = parser.formatter_class
                _format_subcommands_alike(subparser)


# The argument types below refuse a value with a CommandError, not argparse's
# ArgumentTypeError: argparse lets any other exception through, so the user reads the Chinese
# message alone (exit code 2) rather than inside argparse's English "usage: … error: argument".


def date_argument(text: str) -> dt.date:
    """An argparse type: a date written YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        message = _("Write the date as YYYY-MM-DD: %(value)s") % {"value": text}
        raise CommandError(message, returncode=USAGE_ERROR) from error


def month_argument(text: str) -> dt.date:
    """An argparse type: a month written YYYY-MM, as the date of its first day."""
    match = _MONTH.fullmatch(text.strip())
    if match is None or not 1 <= int(match[2]) <= 12:
        message = _("Write the month as YYYY-MM, e.g. 2026-10: %(value)s") % {"value": text}
        raise CommandError(message, returncode=USAGE_ERROR)
    return dt.date(int(match[1]), int(match[2]), 1)


def existing_file(text: str) -> Path:
    """An argparse type: the path of a file that exists."""
    path = Path(text)
    if not path.is_file():
        message = _("No file at %(path)s") % {"path": text}
        raise CommandError(message, returncode=USAGE_ERROR)
    return path


def cannot_write(path: Path) -> CommandError:
    """The error of a command that could not write its output file or directory (the
    system's reason is in English, so the message says what to check instead)."""
    message = _("Cannot write %(path)s: check that its folder exists and may be written to.")
    return CommandError(message % {"path": path})


def require_sound_configuration() -> None:
    """Django's system checks (settings such as LABORWATCH_WARNINGS among them), so that
    nothing starts on a wrong configuration: a CommandError listing the errors."""
    errors = [message for message in run_checks() if message.is_serious()]
    if errors:
        raise CommandError(
            "\n".join(
                _("Configuration error %(id)s: %(message)s")
                % {"id": message.id, "message": message.msg}
                for message in errors
            )
        )


def add_quiet_argument(parser: argparse.ArgumentParser) -> None:
    """`--quiet`: the long work of the command shows no progress bar (see `progress_bar`)."""
    parser.add_argument("--quiet", action="store_true", help=_("Show no progress bar."))


def progress_bar(*, enabled: bool) -> Progress:
    """The bar long work shows on the console (nothing when `enabled` is False)."""
    # Imported here: commands that show no progress start without rich.
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        disable=not enabled,
    )
