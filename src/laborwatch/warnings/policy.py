"""Warning policy: sign-for deadlines by grade, clean days before auto-resolution, routing.

Defaults follow the issue (red 2 h, orange 24 h, yellow 3 working days); a deployment
overrides them with the environment variable LABORWATCH_WARNINGS (JSON, read into the
setting of that name), e.g. {"clean_days": 14, "acknowledge": {"red": {"hours": 1}}}.
A wrong override stops the run with a message saying which part is wrong. The department
names the rules file uses are mapped to org units here and nowhere else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from laborwatch.core.calendar import add_working_days


@dataclass(frozen=True)
class AcknowledgeWindow:
    hours: int = 0
    working_days: int = 0

    def due(self, routed_at: dt.datetime) -> dt.datetime:
        """The sign-for deadline: hours after routing, or the end of the Nth working day."""
        if self.working_days:
            day = add_working_days(timezone.localtime(routed_at).date(), self.working_days)
            return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))
        return routed_at + dt.timedelta(hours=self.hours)


DEFAULT_ACKNOWLEDGE = {
    "red": AcknowledgeWindow(hours=2),
    "orange": AcknowledgeWindow(hours=24),
    "yellow": AcknowledgeWindow(working_days=3),
    "blue": AcknowledgeWindow(working_days=5),
}
# A warning resolves after six weeks without any signal: every monthly feed has delivered a
# month since (social insurance around the 12th, wage accounts around the 25th), so a quiet
# spell between two deliveries does not resolve a warning its next delivery would re-open.
DEFAULT_CLEAN_DAYS = 42
# Bounds of an override: a month to sign for, a quarter of working days, a year of clean days.
MAX_WINDOW = {"hours": 720, "working_days": 60}
MAX_CLEAN_DAYS = 365

# Department names of rules-v1.toml → the org units that receive the warning. Wage-account
# rules (住建) go to housing and to labour inspection, which enforces wage payment; arbitration
# and lawsuit rules (仲裁) go to the arbitration institute and the court. Data-providing
# departments (税务, 市场监管, 发改, 网信) hand their signal to the district union instead.
DEPARTMENT_UNITS: dict[str, tuple[str, ...]] = {
    "人社": ("hrss-inspection",),
    "住建": ("housing", "hrss-inspection"),
    "仲裁": ("arbitration", "court"),
    "法院": ("court",),
    "税务": (),
    "市场监管": (),
    "发改": (),
    "网信": (),
}


@dataclass(frozen=True)
class WarningPolicy:
    acknowledge: dict[str, AcknowledgeWindow]
    clean_days: int

    def acknowledge_due(self, grade: str, routed_at: dt.datetime) -> dt.datetime:
        return self.acknowledge[grade].due(routed_at)


class PolicyError(ImproperlyConfigured):
    """LABORWATCH_WARNINGS is not a valid override; the message is for users (Chinese)."""


def warning_policy() -> WarningPolicy:
    overrides: Any = getattr(settings, "LABORWATCH_WARNINGS", None)
    if overrides is None:
        overrides = {}
    if not isinstance(overrides, dict) or set(overrides) - {"acknowledge", "clean_days"}:
        raise PolicyError(
            "LABORWATCH_WARNINGS 只能包含 acknowledge（各等级签收时限）"
            "和 clean_days（自动解除天数）"
        )
    acknowledge = dict(DEFAULT_ACKNOWLEDGE)
    windows = overrides.get("acknowledge", {})
    if not isinstance(windows, dict):
        raise PolicyError("LABORWATCH_WARNINGS.acknowledge 应为“等级 → 时限”的对象")
    for grade, window in windows.items():
        acknowledge[grade] = _window(grade, window)
    clean_days = overrides.get("clean_days", DEFAULT_CLEAN_DAYS)
    if not _whole(clean_days, MAX_CLEAN_DAYS):
        raise PolicyError(
            f"LABORWATCH_WARNINGS.clean_days 应为 1 至 {MAX_CLEAN_DAYS} 的整数，实为 {clean_days!r}"
        )
    return WarningPolicy(acknowledge=acknowledge, clean_days=clean_days)


def _window(grade: str, window: Any) -> AcknowledgeWindow:
    where = f"LABORWATCH_WARNINGS.acknowledge.{grade}"
    if grade not in DEFAULT_ACKNOWLEDGE:
        raise PolicyError(f"{where}：未知的预警等级，可选 {'、'.join(DEFAULT_ACKNOWLEDGE)}")
    if (
        not isinstance(window, dict)
        or len(window) != 1
        or not set(window)
        <= {
            "hours",
            "working_days",
        }
    ):
        raise PolicyError(f'{where} 应为 {{"hours": N}} 或 {{"working_days": N}}')
    ((unit, value),) = window.items()
    if not _whole(value, MAX_WINDOW[unit]):
        raise PolicyError(f"{where} 的时限应为 1 至 {MAX_WINDOW[unit]} 的整数，实为 {value!r}")
    return AcknowledgeWindow(**window)


def _whole(value: Any, most: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= most


def department_unit_codes(departments: Iterable[str]) -> list[str]:
    """Org-unit codes receiving a warning whose fired rules name these departments."""
    codes: list[str] = []
    for name in departments:
        for code in DEPARTMENT_UNITS.get(name, ()):
            if code not in codes:
                codes.append(code)
    return codes
