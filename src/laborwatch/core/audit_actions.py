"""Chinese names of the audit actions the services record, and of the objects they touch.

One mapping for every page and export that shows an audit event: the audit log, its Excel
export, the work order's timeline. tests/core/test_audit_actions.py checks that every action
written anywhere in the code has its name here.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

AUDIT_ACTION_LABELS: dict[str, Promise] = {
    # core
    "audit.export": _("Audit log exported"),
    "org_units.load": _("Org units loaded"),
    "user.create": _("Account created"),
    "user.update": _("Account changed"),
    "user.password_change": _("Password changed"),
    "user.delete": _("Account deleted"),
    "admin.create": _("Created in the admin site"),
    "admin.change": _("Changed in the admin site"),
    "admin.delete": _("Deleted in the admin site"),
    "login.lock": _("Sign-in locked after repeated failures"),
    "login.unlock": _("Sign-in lock lifted"),
    "personal_text.mask_existing": _("Personal data in stored free text masked"),
    # enterprises and workers
    "enterprise.create": _("Enterprise registered"),
    "enterprise.update": _("Enterprise updated"),
    "enterprise.bulk_load": _("Enterprise registry loaded"),
    "enterprise.registry_sync": _("Enterprise registry changes applied"),
    "enterprise.rename": _("Enterprise renamed"),
    "enterprise.alias_learn": _("Employer alias learnt"),
    "enterprise.export": _("Enterprise registry exported"),
    "worker.create": _("Worker registered"),
    "worker.bulk_load": _("Workers loaded"),
    "worker.reveal": _("Personal data viewed in clear"),
    "worker.export": _("Worker list exported (masked)"),
    "worker.reveal_export": _("Worker list exported in clear"),
    # work orders
    "case.create": _("Registered"),
    "case.accept": _("Accepted"),
    "case.contact": _("Parties contacted"),
    "case.feedback": _("Feedback given to the worker"),
    "case.handle": _("Handling started"),
    "case.resolve": _("Resolved"),
    "case.close": _("Closed"),
    "case.call_back": _("Called back"),
    "case.archive": _("Archived"),
    "case.reopen": _("Reopened"),
    "case.assign": _("Handler assigned"),
    "case.note": _("Note"),
    "case.text_reveal": _("Texts viewed as typed (personal data in clear)"),
    "case.link_employer": _("Employer confirmed"),
    "case.recategorise": _("Category corrected"),
    "case.merge": _("Merged into another work order"),
    "case.absorb": _("Absorbed a duplicate"),
    "case.plan": _("Plan made"),
    "case.milestone_done": _("Milestone completed"),
    "case.refer": _("Referred"),
    "case.referral_acknowledge": _("Referral signed for"),
    "case.referral_reply": _("Referral answered"),
    "case.referral_escalate": _("Unsigned referral escalated"),
    "case.urge": _("Urged"),
    "case.escalate": _("Escalated as overdue"),
    "case.instruct": _("Leader's instruction (督办)"),
    "case.instruction_acknowledge": _("Leader's instruction signed for"),
    "case.instruction_report": _("Reported back on the leader's instruction"),
    "case.instruction_close": _("Leader's instruction closed"),
    "case.instruction_urge": _("Urged on an overdue instruction"),
    "case.export": _("Work-order list exported"),
    "case.ledger_export": _("Wage-arrears ledger exported"),
    "case_group.create": _("Group case formed"),
    "api_client.create": _("Hotline API client created"),
    "api_client.reissue": _("Hotline API token reissued"),
    "api_client.revoke": _("Hotline API token revoked"),
    # warnings: the daily sync
    "warning.open": _("Warning raised"),
    "warning.escalate": _("Warning grade raised"),
    "warning.de_escalate": _("Warning grade lowered"),
    "warning.evidence": _("New evidence on the warning"),
    "warning.resolve": _("Warning resolved after clean days"),
    "warning.inhibit": _("Warning inhibited by a higher grade"),
    "warning.release": _("Warning no longer inhibited"),
    "warning.overdue": _("Warning not signed for in time"),
    # warnings: people
    "warning.acknowledge": _("Warning signed for"),
    "warning.verification": _("Warning verified"),
    "warning.joint_handling": _("Joint handling recorded"),
    "warning.service": _("Service matching recorded"),
    "warning.root_cause": _("Root-cause measure recorded"),
    "warning.closure": _("Warning closed"),
    "warning.open_case": _("Work order opened from the warning"),
    "warning.instruct": _("Leader's instruction (督办)"),
    "warning.instruction_acknowledge": _("Leader's instruction signed for"),
    "warning.instruction_report": _("Reported back on the leader's instruction"),
    "warning.instruction_close": _("Leader's instruction closed"),
    "warning.instruction_urge": _("Urged on an overdue instruction"),
    "warning.export": _("Warning list exported"),
    # reports
    "report.issue": _("Report issued"),
    "report.correct": _("Correction of a report issued"),
    "warning.opinion_attach": _("Public-opinion event attached"),
    "case.opinion_join": _("Public-opinion event joined"),
    # public opinion
    "opinion_event.create": _("Public-opinion event formed"),
    "opinion_event.grade": _("Public-opinion grade raised"),
    "opinion_event.assign": _("Assigned for verification"),
    "opinion_event.acknowledge": _("Signed for verification"),
    "opinion_event.verify": _("Verified"),
    "opinion_event.dispose": _("Disposal recorded"),
    "opinion_event.respond": _("Public response recorded"),
    "opinion_event.close": _("Public-opinion event closed"),
    "opinion_event.link_enterprise": _("Enterprise confirmed"),
    "opinion_event.merge": _("Merged into another event"),
    "opinion_event.absorb": _("Absorbed another event"),
    "opinion_event.split": _("Posts split off"),
    "opinion_event.note": _("Note"),
    "opinion_event.urge": _("Response urged"),
    "opinion_event.overdue": _("Response overdue, escalated"),
    "opinion_event.unsigned": _("Unsigned assignment escalated"),
    "opinion_event.export": _("Public-opinion list exported"),
    "opinion_post.reveal": _("Post viewed in clear"),
    "opinion_post.ingest": _("Public-opinion posts ingested"),
}


# Who acted when no person did: the label the service wrote, named for a reader.
SYSTEM_ACTOR_LABELS: dict[str, Promise] = {
    "system": _("System"),
    "intake": _("Intake (automatic)"),
    "sla-sweep": _("Deadline sweep"),
    "load": _("Data load"),
    "setup": _("Setup"),
    "score": _("Daily warning run"),
    "schedule": _("Schedule"),
    "registry sync": _("Registry sync"),
}


def system_actor_label(actor_label: str) -> str:
    """A system actor's Chinese name; an external system (the hotline's API client) shows by
    the name it was registered under."""
    label = SYSTEM_ACTOR_LABELS.get(actor_label)
    return str(label) if label is not None else actor_label


def audit_action_label(action: str) -> str:
    """The Chinese name of an action; an action without one shows as recorded."""
    label = AUDIT_ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def target_type_label(target_type: str) -> str:
    """The name of the model an event's `target_type` ("app_label.model") names."""
    try:
        model = apps.get_model(target_type)
    except (LookupError, ValueError):  # not a model: a label the event was given by hand
        return target_type
    return str(model._meta.verbose_name)
