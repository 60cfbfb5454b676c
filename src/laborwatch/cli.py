"""The `laborwatch` command: a thin dispatcher to the Django management commands of the apps
(`laborwatch score` runs warnings/management/commands/score.py), and `laborwatch django …` to
any Django management command."""

from __future__ import annotations

import os
import sys

# The `laborwatch` commands. Each is the management command of the same name with hyphens as
# underscores (modules cannot hold hyphens; `api_token` is accepted too), but `migrate`, which
# loads the org units after Django's migrate, is `migrate_city`: Django's own stays as it is,
# for `laborwatch django migrate` and the test runner.
RENAMED = {"migrate": "migrate_city"}
COMMANDS = (
    "demo",
    "migrate",
    "serve",
    "backup",
    "restore",
    "mask-text",
    "synth",
    "load",
    "registry",
    "sla-sweep",
    "run-jobs",
    "worker",
    "api-token",
    "ingest",
    "score",
    "risk-score",
    "risk-eval",
    "backtest",
    "risk",
    "report",
    "export-labels",
    "text",
    "opinion",
)


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit code (0 when it succeeded)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laborwatch.config.settings")
    import django
    from django.conf import settings
    from django.utils import translation

    django.setup()
    try:
        # zh-hans (LANGUAGE_CODE), whatever the shell's locale or a caller had active.
        with translation.override(settings.LANGUAGE_CODE):
            return _dispatch(argv)
    except SystemExit as exit:
        return exit.code if isinstance(exit.code, int) else int(exit.code is not None)


def _dispatch(argv: list[str]) -> int:
    from django.core.management import execute_from_command_line, get_commands, load_command_class
    from django.utils.translation import gettext as _

    if not argv or argv[0] in ("-h", "--help", "help"):
        print(_usage(), file=sys.stdout if argv else sys.stderr)
        return 0 if argv else 2
    typed, rest = argv[0], argv[1:]
    if typed == "django":
        execute_from_command_line(["laborwatch django", *rest])
        return 0
    if typed.replace("_", "-") not in COMMANDS:
        message = _("laborwatch has no command %(name)s. Its commands:") % {"name": typed}
        print(f"{message}\n{_command_list()}", file=sys.stderr)
        return 2
    name = management_name(typed)
    command = load_command_class(get_commands()[name], name)
    command.run_from_argv(["laborwatch", typed, *rest])
    return 0


def management_name(typed: str) -> str:
    """The management command behind `laborwatch <typed>`."""
    name = typed.replace("_", "-")
    return RENAMED.get(name, name.replace("-", "_"))


def _command_list() -> str:
    from django.core.management import get_commands, load_command_class

    from laborwatch.lib.commands import LaborwatchCommand

    commands = get_commands()
    lines = []
    for typed in COMMANDS:
        name = management_name(typed)
        command = load_command_class(commands[name], name)
        assert isinstance(command, LaborwatchCommand)  # each of COMMANDS is one
        lines.append(f"  {typed:<14}{command.summary}")
    return "\n".join(lines)


def _usage() -> str:
    from django.utils.translation import gettext as _

    return "\n".join(
        [
            _("Usage: laborwatch COMMAND [options]; laborwatch COMMAND --help for its options."),
            "",
            _command_list(),
            "  {:<14}{}".format(
                "django", _("Any Django management command (createsuperuser, migrate …).")
            ),
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
