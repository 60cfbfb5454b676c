"""The 农民工工资专用账户 feed; grain: project × month for every project running that month."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from laborwatch.synth.enterprises import Enterprises
from laborwatch.synth.months import Window
from laborwatch.synth.projects import Projects
from laborwatch.synth.signals import ProjectMonth

MIN_ATTENDING = 3
ATTENDANCE_NOISE = 0.08
PAY_NOISE = 0.04
# Routine mismatches: in this share of project-months a few workers (this share of those
# attending, at least one) are not paid through the account: they left mid-month, were paid
# in cash or have no bank card yet. Nothing is owed to them.
ROUTINE_MISMATCH_SHARE = 0.13
ROUTINE_MISMATCH_WORKERS = (0.01, 0.05)
# Sites empty out over the Spring Festival and fill up slowly after it; winter slows work.
FESTIVAL_ATTENDANCE, AFTER_FESTIVAL_ATTENDANCE, WINTER_ATTENDANCE = 0.45, 0.8, 0.9


@dataclass
class WageAccounts:
    """Builds the wage-account feed month by month, carrying wages owed by each project."""

    enterprises: Enterprises
    projects: Projects
    window: Window

    def __post_init__(self) -> None:
        self.owed = np.zeros(self.projects.count, dtype=np.int64)

    def season(self, month: int) -> float:
        if self.window.festival_months()[month]:
            return FESTIVAL_ATTENDANCE
        if self.window.after_festival_months()[month]:
            return AFTER_FESTIVAL_ATTENDANCE
        return WINTER_ATTENDANCE if self.window.calendar_months[month] in (12, 1) else 1.0

    def build(self, rng: np.random.Generator, month: int, effects: ProjectMonth) -> pa.Table:
        p = self.projects
        rows = np.flatnonzero(p.active(month))
        duration = p.end[rows] - p.start[rows] + 1
        phase = (month - p.start[rows] + 0.5) / duration
        shape = 0.35 + 0.65 * np.sin(np.pi * phase)  # build-up, peak, finishing works
        noise = rng.lognormal(0, ATTENDANCE_NOISE, len(rows))
        attending = np.round(p.peak[rows] * shape * self.season(month) * noise).astype(np.int64)
        attending = np.maximum(attending, MIN_ATTENDING)
        paid = np.floor(attending * effects.paid_share[rows]).astype(np.int64)
        paid = np.clip(paid - effects.shortfall[rows], 0, attending)
        wage = p.monthly_wage[rows] * rng.uniform(1 - PAY_NOISE, 1 + PAY_NOISE, len(rows))
        share = effects.wage_share[rows]
        amount = np.round(paid * wage * share).astype(np.int64)
        self.owed[rows] += np.round((attending - paid) * wage + paid * wage * (1 - share)).astype(
            np.int64
        )
        # Paid outside the account, owed nothing (drawn after the owed wages are booked).
        routine = rng.random(len(rows)) < ROUTINE_MISMATCH_SHARE
        low, high = ROUTINE_MISMATCH_WORKERS
        outside = np.maximum(1, np.round(attending * rng.uniform(low, high, len(rows))))
        outside = np.where(routine & (paid == attending), np.minimum(outside, paid - 1), 0)
        outside = np.maximum(outside, 0).astype(np.int64)
        amount -= np.round(outside * wage * share).astype(np.int64)
        paid -= outside
        settle = effects.settle[rows]
        amount[settle] += self.owed[rows[settle]]
        self.owed[rows[settle]] = 0
        return pa.table(
            {
                "month": pa.repeat(str(self.window.months[month]), len(rows)),
                "project_code": p.code.take(rows),
                "project_name": p.name.take(rows),
                "credit_code": self.enterprises.credit_code.take(p.contractor[rows]),
                "attending_headcount": pa.array(attending, pa.int64()),
                "paid_headcount": pa.array(paid, pa.int64()),
                "amount_paid": pa.array(amount, pa.int64()),
            }
        )
