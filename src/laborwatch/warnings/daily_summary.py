"""The console summary of a daily run (`laborwatch score`, and the demo's first run)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from laborwatch.risk.rules import GRADES, load_rules
from laborwatch.warnings.daily import DailyRun
from laborwatch.warnings.models import Grade


def risk_type_counts(label: str, counts: dict[tuple[str, str], int], risk_type: str) -> str:
    """'欠薪风险：红色 1，橙色 0，…': one risk type's enterprises by grade, reddest first."""
    grades = dict(Grade.choices)
    by_grade = _(", ").join(
        f"{grades[grade]} {counts.get((risk_type, grade), 0):,}" for grade in reversed(GRADES)
    )
    return _("%(risk_type)s: %(counts)s") % {"risk_type": label, "counts": by_grade}


def format_daily(run: DailyRun, risk_labels: dict[str, str] | None = None) -> str:
    risk_labels = risk_labels or load_rules().risk_types
    score, sync = run.score, run.sync
    if run.export is None:
        lines = [_("Work-order export: no work orders")]
    else:
        lines = [_("Work-order export: %(summary)s") % {"summary": run.export.summary()}]
    if run.opinion_export is not None:
        lines.append(
            _("Public-opinion export: %(summary)s") % {"summary": run.opinion_export.summary()}
        )
    lines.append(
        _(
            "Scoring day %(day)s (rules %(version)s): %(enterprises)s enterprises, "
            "%(seconds).1f seconds; scores in %(path)s"
        )
        % {
            "day": score.as_of,
            "version": score.config_version,
            "enterprises": f"{score.enterprises:,}",
            "seconds": score.seconds,
            "path": score.scores_path,
        }
    )
    for risk_type, label in risk_labels.items():
        lines.append("  " + risk_type_counts(label, score.grade_counts, risk_type))
    lines.append(
        _(
            "Warning sync (%(seconds).1f seconds): %(signals)s graded signals, %(opened)s "
            "opened, %(escalated)s escalated, %(de_escalated)s de-escalated, %(evidence)s with "
            "new evidence, %(repeated)s continued, %(resolved)s resolved, %(inhibited)s "
            "inhibited, %(released)s released, %(routings)s newly routed for sign-for"
        )
        % {
            "seconds": run.sync_seconds,
            "signals": f"{sync.signals:,}",
            "opened": f"{sync.opened:,}",
            "escalated": f"{sync.escalated:,}",
            "de_escalated": f"{sync.de_escalated:,}",
            "evidence": f"{sync.evidence_added:,}",
            "repeated": f"{sync.repeated:,}",
            "resolved": f"{sync.resolved:,}",
            "inhibited": f"{sync.inhibited:,}",
            "released": f"{sync.released:,}",
            "routings": f"{sync.routings:,}",
        }
    )
    if sync.unknown_enterprises:
        lines.append(
            "  "
            + _("Enterprises not in the registry: %(count)s (no warning made)")
            % {"count": f"{sync.unknown_enterprises:,}"}
        )
    if sync.already_synced:
        lines.append(
            "  "
            + _("Warnings synced for this day already: %(count)s (left unchanged)")
            % {"count": f"{sync.already_synced:,}"}
        )
    return "\n".join(lines)
