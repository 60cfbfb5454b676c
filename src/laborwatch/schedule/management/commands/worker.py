"""`laborwatch worker`: the schedule's consumer on its own (production), on the queue of
LABORWATCH_TASKS_URL: its periodic tick and its workers. Run one on each of several servers
sharing Redis or PostgreSQL (and set LABORWATCH_SWEEP_SECONDS=0 for their `serve` if the
workers are to do it alone); each slot still runs once. SIGTERM lets the tasks in hand finish
(up to tasks.STOP_SECONDS), SIGINT stops at once, SIGHUP restarts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.lib.commands import USAGE_ERROR, LaborwatchCommand, require_sound_configuration
from laborwatch.schedule.tasks import WORKERS, create_consumer, default_queue


class Command(LaborwatchCommand):
    summary = gettext_lazy(
        "Run the schedule's worker: the inbox, the morning run, the monthly report and the "
        "sweeps, on the task queue of LABORWATCH_TASKS_URL (for several servers)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--workers",
            type=int,
            default=WORKERS,
            metavar="N",
            help=_("Worker threads (default %(count)d).") % {"count": WORKERS},
        )

    def handle(self, *args: Any, workers: int, **options: Any) -> None:
        if workers < 1:
            message = _("--workers must be 1 or more, not %(count)d.")
            raise CommandError(message % {"count": workers}, returncode=USAGE_ERROR)
        require_sound_configuration()
        create_consumer(default_queue(), workers=workers).run()
