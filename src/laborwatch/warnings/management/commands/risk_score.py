"""`laborwatch risk-score`: only the risk engine's scores and grades, without syncing warnings."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.risk.engines import Engine, score_with
from laborwatch.risk.rules import RulesConfig
from laborwatch.warnings.daily_summary import risk_type_counts
from laborwatch.warnings.management.risk_engine import ScoringCommand, open_feed_store, scoring


class Command(ScoringCommand):
    summary = gettext_lazy(
        "Compute the risk indicators, scores and grades of every enterprise only (warnings "
        "are not synced)."
    )

    def score(
        self, *, as_of: dt.date | None, config: RulesConfig, quiet: bool, engine: Engine
    ) -> None:
        root = open_feed_store(self.stdout)
        with scoring(_("Computing risk indicators and scores…"), quiet=quiet):
            run = score_with(engine, root, as_of=as_of, config=config)
        self.stdout.write(
            _(
                "Scoring day %(day)s (rules %(version)s): %(enterprises)s enterprises, "
                "%(files)d partition files read, %(seconds).1f seconds"
            )
            % {
                "day": run.as_of,
                "version": run.config_version,
                "enterprises": f"{run.enterprises:,}",
                "files": len(run.files_read),
                "seconds": run.seconds,
            }
        )
        self.stdout.write(_("  Scores: %(path)s") % {"path": run.scores_path})
        self.stdout.write(_("  Indicators: %(path)s") % {"path": run.indicators_path})
        for risk_type, label in config.risk_types.items():
            self.stdout.write("  " + risk_type_counts(label, run.grade_counts, risk_type))
