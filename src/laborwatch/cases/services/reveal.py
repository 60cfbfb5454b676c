"""The originals of a work order's free text (description, notes, replies) for a role that may
reveal personal data: read only through this service, which audits the reveal."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from laborwatch.cases.models import Case, CasePlan, Milestone, Referral
from laborwatch.core.audit import record_event
from laborwatch.core.models import AuditEvent, PersonalTextOriginal, User
from laborwatch.core.personal_text import originals_of


@dataclass(frozen=True)
class OriginalText:
    label: str | Promise
    text: str


def case_has_originals(case: Case) -> bool:
    """Whether any free text of the case was stored masked (so a reveal would show more)."""
    return any(
        PersonalTextOriginal.objects.filter(target_type=kind, target_id__in=ids).exists()
        for kind, ids in _targets(case).items()
    )


@transaction.atomic
def case_text_reveal(
    *, actor: User, case: Case, reason: str, now: dt.datetime
) -> list[OriginalText]:
    """The case's free texts as typed, where they were stored masked; the reveal is audited."""
    if not actor.can_reveal_personal_data:
        raise PermissionDenied(_("Your role may not view personal data in clear."))
    targets = _targets(case)
    found: list[OriginalText] = []
    labels = {
        "description": _("Description"),
        "outcome_note": _("Outcome"),
        "callback_note": _("Call-back note"),
    }
    case_originals = originals_of("cases.case", targets["cases.case"])
    for field, label in labels.items():
        if (str(case.pk), field) in case_originals:
            found.append(OriginalText(label, case_originals[(str(case.pk), field)]))
    for (_pk, _field), text in originals_of("cases.caseplan", targets["cases.caseplan"]).items():
        found.append(OriginalText(_("Plan goal"), text))
    milestone_originals = originals_of("cases.milestone", targets["cases.milestone"])
    for (_pk, _field), text in sorted(milestone_originals.items()):
        found.append(OriginalText(_("Milestone"), text))
    referral_originals = originals_of("cases.referral", targets["cases.referral"])
    for (_pk, field), text in sorted(referral_originals.items()):
        found.append(
            OriginalText(_("Referral request") if field == "request" else _("Reply"), text)
        )
    notes = originals_of("core.auditevent", targets["core.auditevent"])
    for event in AuditEvent.objects.filter(pk__in=[int(pk) for pk, _f in notes]).order_by(
        "at", "pk"
    ):
        found.append(
            OriginalText(
                f"{event.action_label} · {event.at:%Y-%m-%d %H:%M}",
                notes[(str(event.pk), "reason")],
            )
        )
    record_event(
        actor=actor,
        action="case.text_reveal",
        target=case,
        org_unit=case.district,
        after={"texts": len(found)},
        reason=reason,
        at=now,
    )
    return found


def _targets(case: Case) -> dict[str, list[str]]:
    """The rows whose free text belongs to the case, by model."""
    events = AuditEvent.objects.filter(target_type="cases.case", target_id=str(case.pk))
    return {
        "cases.case": [str(case.pk)],
        "cases.caseplan": [
            str(pk) for pk in CasePlan.objects.filter(case=case).values_list("pk", flat=True)
        ],
        "cases.milestone": [
            str(pk) for pk in Milestone.objects.filter(plan__case=case).values_list("pk", flat=True)
        ],
        "cases.referral": [
            str(pk) for pk in Referral.objects.filter(case=case).values_list("pk", flat=True)
        ],
        "core.auditevent": [str(pk) for pk in events.values_list("pk", flat=True)],
    }
