"""`laborwatch risk fit --from-verifications`: the rules' weights fitted on the warnings loop's
verifications, checked on a held-out later period, written as a new rules version."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laborwatch.lib.commands import USAGE_ERROR, LaborwatchCommand
from laborwatch.risk.fitting import HELD_OUT_SHARE, fit_rules, format_fit
from laborwatch.risk.rules import ACTIVE_RULES
from laborwatch.warnings.fitting import verified_samples
from laborwatch.warnings.management.risk_engine import rules_from, write_fitted_rules


class Command(LaborwatchCommand):
    summary = gettext_lazy(
        "Fit the risk rules' weights on verified warnings (属实 / 不属实) and compare them with "
        "the rules in use on a held-out later period."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["fit"], help=_("What to do: fit."))
        parser.add_argument(
            "--from-verifications",
            action="store_true",
            help=_("Learn from the verifications recorded on warnings (the only source)."),
        )
        parser.add_argument(
            "--held-out",
            type=float,
            default=HELD_OUT_SHARE,
            help=_("Share of the latest verified warnings kept out of the fit to check it."),
        )
        parser.add_argument(
            "--rules", type=Path, help=_("Rules to start from (default: the rules in use).")
        )
        parser.add_argument(
            "--activate",
            action="store_true",
            help=_("Use the fitted rules from now on (laborwatch score reads them)."),
        )

    def handle(
        self,
        *args: Any,
        action: str,
        from_verifications: bool,
        held_out: float,
        rules: Path | None,
        activate: bool,
        **options: Any,
    ) -> None:
        if not from_verifications:
            raise CommandError(
                _("Say what to learn from: laborwatch risk fit --from-verifications"),
                returncode=USAGE_ERROR,
            )
        if not 0 < held_out < 1:
            message = _("--held-out must lie between 0 and 1, not %(value)s.")
            raise CommandError(message % {"value": held_out}, returncode=USAGE_ERROR)
        root = Path(settings.DATA_DIR)
        config = rules_from(rules)
        samples, missing = verified_samples(root)
        if not samples:
            raise CommandError(_("No verified warning has the indicators of its first day."))
        version = f"{config.version.split('-fit-')[0]}-fit-{dt.date.today():%Y%m%d}"
        fit = fit_rules(samples, config, version=version, held_out_share=held_out)
        path = write_fitted_rules(root, fit, rules)
        self.stdout.write(
            _("%(count)d verified warnings (%(missing)d without the indicators of their day).")
            % {"count": len(samples), "missing": missing}
        )
        self.stdout.write(format_fit(fit, config.risk_types))
        self.stdout.write(_("Fitted rules: %(path)s") % {"path": path})
        if activate:
            shutil.copyfile(path, root / ACTIVE_RULES)
            self.stdout.write(
                _("From now on laborwatch score uses %(version)s.") % {"version": version}
            )
