"""Writes for warnings; every change is a service call that leaves an audit event."""

from laborwatch.warnings.errors import StaleWarning, StepNotAllowed
from laborwatch.warnings.services.instructions import (
    warning_instruct,
    warning_instruction_acknowledge,
    warning_instruction_close,
    warning_instruction_report,
)
from laborwatch.warnings.services.loop import warning_acknowledge, warning_record_step
from laborwatch.warnings.services.sweep import WarningSweepResult, warnings_sweep
from laborwatch.warnings.services.sync import SyncResult, merge_evidence, warnings_sync
from laborwatch.warnings.services.work_order import CATEGORY_BY_RISK, warning_open_case

__all__ = [
    "CATEGORY_BY_RISK",
    "StaleWarning",
    "StepNotAllowed",
    "SyncResult",
    "WarningSweepResult",
    "merge_evidence",
    "warning_acknowledge",
    "warning_instruct",
    "warning_instruction_acknowledge",
    "warning_instruction_close",
    "warning_instruction_report",
    "warning_open_case",
    "warning_record_step",
    "warnings_sweep",
    "warnings_sync",
]
