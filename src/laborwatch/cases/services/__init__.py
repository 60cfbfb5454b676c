"""Writes for work orders; every change is a service call that leaves an audit event."""

from laborwatch.cases.errors import InvalidTransition, StaleCase
from laborwatch.cases.services.handling import (
    case_accept,
    case_add_note,
    case_archive,
    case_assign,
    case_call_back,
    case_close,
    case_contact,
    case_give_feedback,
    case_link_employer,
    case_merge,
    case_recategorise,
    case_reopen,
    case_resolve,
    case_start_handling,
)
from laborwatch.cases.services.instructions import (
    case_instruct,
    instruction_acknowledge,
    instruction_close,
    instruction_report,
)
from laborwatch.cases.services.intake import IntakeResult, case_intake
from laborwatch.cases.services.plans import milestone_complete, plan_create
from laborwatch.cases.services.referrals import (
    referral_acknowledge,
    referral_create,
    referral_reply,
)
from laborwatch.cases.services.sweep import SweepResult, sla_sweep

__all__ = [
    "IntakeResult",
    "InvalidTransition",
    "StaleCase",
    "SweepResult",
    "case_accept",
    "case_add_note",
    "case_archive",
    "case_assign",
    "case_call_back",
    "case_close",
    "case_contact",
    "case_give_feedback",
    "case_instruct",
    "case_intake",
    "case_link_employer",
    "case_merge",
    "case_recategorise",
    "case_reopen",
    "case_resolve",
    "case_start_handling",
    "instruction_acknowledge",
    "instruction_close",
    "instruction_report",
    "milestone_complete",
    "plan_create",
    "referral_acknowledge",
    "referral_create",
    "referral_reply",
    "sla_sweep",
]
