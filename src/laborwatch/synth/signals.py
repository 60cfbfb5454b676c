"""How episodes and blips bend one month of the feeds: multipliers per enterprise and project."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from laborwatch.synth import distractors as blip
from laborwatch.synth.distractors import Blips
from laborwatch.synth.episodes import MASS_LAYOFF, NEVER, Episodes

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
    wage_share: np.ndarray  # share of each paid worker's wage paid (生活费: a fraction)
    shortfall: np.ndarray  # workers left unpaid regardless of the share
    settle: np.ndarray  # wages owed by the project are paid this month

    @classmethod
    def neutral(cls, n: int) -> ProjectMonth:
        return cls(np.ones(n), np.ones(n), np.zeros(n, dtype=np.int64), np.zeros(n, dtype=bool))


def enterprise_month(month: int, n: int, episodes: Episodes, blips: Blips) -> EnterpriseMonth:
    effects = EnterpriseMonth.neutral(n)
    apply_episodes(effects, month, episodes)
    apply_blips(effects, month, blips)
    return effects


def apply_episodes(effects: EnterpriseMonth, month: int, episodes: Episodes) -> None:
    before_resolve = month < episodes.resolve
    firm = episodes.enterprise
    # Social insurance goes unpaid from si_from (the employer stops paying it whole).
    unpaid = before_resolve & (month >= episodes.si_from)
    effects.pay_share[firm] = np.where(unpaid, 1 - episodes.pay_drop, 1.0)
    effects.settle[firm] = (month == episodes.resolve) & episodes.settled
    # Staff leave (attrition) as the trouble builds; a mass layoff's staff are insured until
    # the month after the layoff day. Lost staff do not come back.
    layoff = episodes.kind == MASS_LAYOFF
    staff = 1 - episodes.staff_drop * episodes.progress(month)
    before_layoff = episodes.staff_before / np.maximum(episodes.staff, 1)
    staff = np.where(layoff & (month <= episodes.onset), before_layoff * staff, staff)
    staff = np.where(layoff & (month > episodes.onset), 1.0, staff)
    effects.staff[firm] = staff
    # Business falls from decline_from; it recovers only half-way after the resolution.
    recovered = np.where(before_resolve, 1.0, 0.5)
    decline = episodes.progress(month, episodes.decline_from) * recovered
    effects.revenue[firm] = 1 - episodes.activity_drop * decline
    effects.utility[firm] = 1 - episodes.utility_drop * decline


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
    # A shrinkage loses its share evenly over its months and ends at the registry's count.
    shrinks = blips.of_kind(blip.SHRINKAGE)
    done = np.clip((month - blips.month[shrinks] + 1) / blips.span[shrinks], 0.0, 1.0)
    before = 1 / (1 - blips.share[shrinks])
    factor = before - (before - 1) * done
    effects.staff[blips.enterprise[shrinks]] *= factor
    effects.revenue[blips.enterprise[shrinks]] *= factor
    # Staff moved to an affiliate: insured at the enterprise until the month before the
    # transfer, at the affiliate from its month on.
    transfers = blips.of_kind(blip.AFFILIATE_TRANSFER)
    moved = blips.shortfall[transfers]
    pending = month < blips.month[transfers]
    source_staff = np.maximum(blips.staff[transfers], 1)
    effects.staff[blips.enterprise[transfers]] *= np.where(
        pending, (source_staff + moved) / source_staff, 1.0
    )
    affiliate_staff = np.maximum(blips.affiliate_staff[transfers], 1)
    np.multiply.at(
        effects.staff,
        blips.affiliate[transfers],
        np.where(pending, 1.0, (affiliate_staff + moved) / affiliate_staff),
    )


def project_month(month: int, n: int, episodes: Episodes, blips: Blips) -> ProjectMonth:
    effects = ProjectMonth.neutral(n)
    rows = np.flatnonzero((episodes.project >= 0) & (episodes.unpaid_from < NEVER))
    project = episodes.project[rows]
    resolved = month >= episodes.resolve[rows]
    # From the first unpaid month until the resolution: nobody paid, or everyone paid a
    # fraction of the wage (living money).
    unpaid = (month >= episodes.unpaid_from[rows]) & ~resolved
    living_money = episodes.wage_paid_share[rows] > 0
    effects.paid_share[project] = np.where(unpaid & ~living_money, 0.0, 1.0)
    effects.wage_share[project] = np.where(
        unpaid & living_money, episodes.wage_paid_share[rows], 1.0
    )
    effects.settle[project] = (month == episodes.resolve[rows]) & episodes.settled[rows]
    short = blips.of_kind(blip.WAGE_SHORTFALL, month)
    effects.shortfall[blips.project[short]] = blips.shortfall[short]
    made_up = blips.of_kind(blip.WAGE_SHORTFALL, month - 1)
    effects.settle[blips.project[made_up]] = True
    return effects
