"""`laborwatch export-labels`: handlers' category decisions as JSON lines, for
`laborwatch text train-classifier`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.cases.models import Case, CategoryLabel
from laborwatch.lib.commands import LaborwatchCommand, cannot_write


class Command(LaborwatchCommand):
    summary = gettext_lazy(
        "Export the demand categories handlers corrected (JSON lines), to retrain the classifier."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, required=True, help=_("Output file (.jsonl)."))

    def handle(self, *args: Any, out: Path, **options: Any) -> None:
        rows: dict[int, dict[str, str]] = {}
        # A category chosen at intake that differs from the suggestion is a decision too.
        chosen = Case.objects.exclude(suggested_category="").exclude(status="merged")
        for case_id, text, category, suggested in chosen.values_list(
            "pk", "description", "category", "suggested_category"
        ).iterator():
            if category != suggested:
                rows[case_id] = {"text": text, "category": category}
        for label in CategoryLabel.objects.order_by("labelled_at", "pk").iterator():
            rows[label.case_id] = {"text": label.text, "category": label.category}
        try:
            with out.open("w", encoding="utf-8") as handle:
                for row in rows.values():
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        except OSError as error:
            raise cannot_write(out) from error
        self.stdout.write(
            _("Exported %(count)s category decisions of handlers: %(path)s")
            % {"count": f"{len(rows):,}", "path": out}
        )
        self.stdout.write(
            _("To retrain: laborwatch text train-classifier --from %(path)s") % {"path": out}
        )
