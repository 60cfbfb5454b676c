"""How episodes and blips bend one month of the feeds: multipliers per enterprise and project."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from laborwatch.synth import distractors as blip
from laborwatch.synth.distractors import Blips
from laborwatch.synth.episodes import MASS_LAYOFF, Episodes

HEADCOUNT_DIP_FACTOR = 0.8
UTILITY_DIP_FACTOR = 0.45
TAX_DIP_FACTOR = 0.5


@dataclass(frozen=True)
class EnterpriseMonth:
    """Per-enterprise multipliers of the baseline for one month."""

    staff: np.ndarray  # insured head count
    revenue: np.ndarray
    utility: np.ndarray
    pay_share: np.ndarray  # share of this month's social-insurance bill paid
    settle: np.ndarray  # outstanding arrears are paid off this month

    @classmethod
    def neutral(cls, n: int) -> EnterpriseMonth:
        return cls(np.ones(n), np.ones(n), np.ones(n), np.ones(n), np.zeros(n, dtype=bool))


@dataclass(frozen=True)
class ProjectMonth:
    """Per-project changes to wage-account payments for one month."""

    paid_share: np.ndarray  # share of attending workers paid
    shortfall: np.ndarray  # workers left unpaid regardless of the share
    settle: np.ndarray  # wages owed by the project are paid this month

    @classmethod
    def neutral(cls, n: int) -> ProjectMonth:
        return cls(np.ones(n), np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool))


def enterprise_month(month: int, n: int, episodes: Episodes, blips: Blips) -> EnterpriseMonth:
    effects = EnterpriseMonth.neutral(n)
    apply_episodes(effects, month, episodes)
    apply_blips(effects, month, blips)
    return effects


def apply_episodes(effects: EnterpriseMonth, month: int, episodes: Episodes) -> None:
    progress = episodes.progress(month)
    before_resolve = month < episodes.resolve
    firm = episodes.enterprise
    effects.pay_share[firm] = np.where(before_resolve, 1 - episodes.pay_drop * progress, 1.0)
    effects.settle[firm] = (month == episodes.resolve) & episodes.settled
    # Lost staff do not come back; business recovers only half-way after the outbreak.
    layoff = episodes.kind == MASS_LAYOFF
    staff = 1 - episodes.staff_drop * progress
    before_layoff = episodes.staff_before / np.maximum(episodes.staff, 1)
    staff = np.where(layoff & (month <= episodes.event), before_layoff * staff, staff)
    staff = np.where(layoff & (month > episodes.event), 1.0, staff)
    effects.staff[firm] = staff
    recovered = np.where(before_resolve, 1.0, 0.5)
    effects.revenue[firm] = 1 - episodes.activity_drop * progress * recovered
    effects.utility[firm] = 1 - episodes.utility_drop * progress * recovered


def apply_blips(effects: EnterpriseMonth, month: int, blips: Blips) -> None:
    late = blips.enterprise[blips.of_kind(blip.LATE_SOCIAL_INSURANCE, month)]
    effects.pay_share[late] = 0.0
    paid_late = blips.enterprise[blips.of_kind(blip.LATE_SOCIAL_INSURANCE, month - 1)]
    effects.settle[paid_late] = True
    effects.utility[blips.enterprise[blips.of_kind(blip.UTILITY_DIP, month)]] *= UTILITY_DIP_FACTOR
    effects.revenue[blips.enterprise[blips.of_kind(blip.TAX_DIP, month)]] *= TAX_DIP_FACTOR
    dip = blips.enterprise[blips.of_kind(blip.HEADCOUNT_DIP, month)]
    effects.staff[dip] *= HEADCOUNT_DIP_FACTOR
    layoffs = blips.of_kind(blip.MINOR_LAYOFF)
    pending = layoffs[month <= blips.month[layoffs]]
    staff_after = np.maximum(blips.staff[pending], 1)
    effects.staff[blips.enterprise[pending]] *= (
        staff_after + blips.shortfall[pending]
    ) / staff_after


def project_month(month: int, n: int, episodes: Episodes, blips: Blips) -> ProjectMonth:
    effects = ProjectMonth.neutral(n)
    rows = np.flatnonzero(episodes.project >= 0)
    project = episodes.project[rows]
    progress = episodes.progress(month)[rows]
    resolved = month >= episodes.resolve[rows]
    # The last months before the outbreak, and until it is resolved, pay nobody at all.
    unpaid = (
        (episodes.unpaid_months[rows] > 0)
        & (month > episodes.event[rows] - episodes.unpaid_months[rows])
        & ~resolved
    )
    share = np.where(resolved, 1.0, 1 - episodes.pay_drop[rows] * progress)
    effects.paid_share[project] = np.where(unpaid, 0.0, share)
    effects.settle[project] = (month == episodes.resolve[rows]) & episodes.settled[rows]
    short = blips.of_kind(blip.WAGE_SHORTFALL, month)
    effects.shortfall[blips.project[short]] = blips.shortfall[short]
    made_up = blips.of_kind(blip.WAGE_SHORTFALL, month - 1)
    effects.settle[blips.project[made_up]] = True
    return effects
