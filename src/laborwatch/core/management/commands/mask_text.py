"""`laborwatch mask-text`: mask the ID numbers and phones in free text stored before
masking existed (descriptions, notes, replies, milestone titles, inbox messages, audit
reasons), each original kept encrypted; run again, it changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.core.audit import record_event
from laborwatch.core.personal_text import masked_text_fields, personal_text_mask_existing
from laborwatch.lib.commands import LaborwatchCommand, add_quiet_argument, progress_bar

ACTOR_LABEL = "cli"


class Command(LaborwatchCommand):
    summary = gettext_lazy(
        "Mask the ID numbers and phones in free text stored before masking existed, keeping "
        "the originals encrypted (safe to run again)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_quiet_argument(parser)

    def handle(self, *args: Any, quiet: bool, **options: Any) -> None:
        with progress_bar(enabled=not quiet) as progress:
            tasks = {
                model._meta.label_lower: progress.add_task(
                    str(model._meta.verbose_name_plural),
                    total=model._default_manager.count(),
                )
                for model, _fields in masked_text_fields()
            }
            changed = personal_text_mask_existing(
                on_rows=lambda label, rows: progress.advance(tasks[label], rows)
            )
        total = sum(changed.values())
        if total:
            record_event(
                actor=None,
                actor_label=ACTOR_LABEL,
                action="personal_text.mask_existing",
                after={label: count for label, count in changed.items() if count},
            )
        self.stdout.write(
            _("Masked personal data in %(count)d stored texts; their originals are kept encrypted.")
            % {"count": total}
        )
