"""Isolated blips at healthy enterprises, so that detection precision can be measured;
grain: one row per blip (at most one per enterprise, never at an episode's enterprise)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from laborwatch.synth.enterprise_names import INDIVIDUAL
from laborwatch.synth.enterprises import Enterprises
from laborwatch.synth.episodes import Episodes
from laborwatch.synth.months import Window, month_label_array
from laborwatch.synth.projects import Projects

KINDS = (
    "late_social_insurance",  # one month unpaid, paid in full the next
    "single_lawsuit",  # one labour arbitration or lawsuit by one worker
    "utility_dip",  # one month of low electricity and water (maintenance, renovation)
    "tax_dip",  # one month of low declared revenue
    "headcount_dip",  # one month with fewer insured staff (late declarations)
    "wage_shortfall",  # one wage-account month paying a few workers less, made up next month
    "minor_layoff",  # a layoff filing below the large-scale thresholds
    "shrinkage",  # staff shrinking by a fifth to two fifths over months, by attrition
    "affiliate_transfer",  # a fifth to a half of staff moved to its head office or a branch
)
(
    LATE_SOCIAL_INSURANCE,
    SINGLE_LAWSUIT,
    UTILITY_DIP,
    TAX_DIP,
    HEADCOUNT_DIP,
    WAGE_SHORTFALL,
    MINOR_LAYOFF,
    SHRINKAGE,
    AFFILIATE_TRANSFER,
) = range(len(KINDS))
# Mix of the blips any healthy enterprise may show; the last four are drawn on their own.
KIND_WEIGHTS = np.array([0.3, 0.23, 0.18, 0.18, 0.11, 0.0, 0.0, 0.0, 0.0])
BLIP_SHARE = 0.02
MINOR_LAYOFF_SHARE = 0.06  # of enterprises large enough to file one
WAGE_SHORTFALL_SHARE = 0.08  # of contractors with a wage account
MIN_HEADCOUNT_DIP_STAFF = 5
MIN_MINOR_LAYOFF_STAFF = 80
SHRINKAGE_SHARE = 0.02  # of enterprises with MIN_SHRINKAGE_STAFF or more
MIN_SHRINKAGE_STAFF = 20
SHRINKAGE_MONTHS = (3, 6)  # the shrinkage runs over this many months
TRANSFER_SHARE = 0.1  # of healthy enterprises with an affiliate and MIN_TRANSFER_STAFF
MIN_TRANSFER_STAFF = 10
TRANSFER_MOVED = (0.2, 0.5)  # share of its staff an enterprise moves to its affiliate


@dataclass(frozen=True)
class Blips:
    enterprise: np.ndarray
    kind: np.ndarray
    month: np.ndarray  # month index within the window
    project: np.ndarray  # project index for wage shortfalls, else -1
    staff: np.ndarray  # the enterprise's head count at the end of the window
    # workers short-paid (wage_shortfall), laid off (minor_layoff) or moved (affiliate_transfer)
    shortfall: np.ndarray
    span: np.ndarray  # months a shrinkage runs (from `month`), else 0
    share: np.ndarray  # share of staff a shrinkage loses, else 0
    affiliate: np.ndarray  # the head office or branch staff are moved to, else -1
    affiliate_staff: np.ndarray  # the affiliate's head count before the transfer, else 0

    def of_kind(self, kind: int, month: int | None = None) -> np.ndarray:
        """Rows of one kind, optionally only those in `month`."""
        rows = self.kind == kind
        if month is not None:
            rows &= self.month == month
        return np.flatnonzero(rows)

    def joined(self, other: Blips) -> Blips:
        """Both sets of blips, these first."""
        return Blips(
            *(
                np.concatenate([getattr(self, name), getattr(other, name)])
                for name in self.__dataclass_fields__
            )
        )

    def table(self, enterprises: Enterprises, projects: Projects, window: Window) -> pa.Table:
        project_code = projects.code.take(np.maximum(self.project, 0))
        return pa.table(
            {
                "credit_code": enterprises.credit_code.take(self.enterprise),
                "kind": pa.array(KINDS).take(self.kind),
                "month": pa.array(month_label_array(window, self.month)),
                "project_code": pc.if_else(pa.array(self.project >= 0), project_code, None),
                "affiliate_code": enterprises.credit_code.take(
                    pa.array(np.maximum(self.affiliate, 0), mask=self.affiliate < 0)
                ),
            }
        )


def plan_blips(
    rng: np.random.Generator,
    enterprises: Enterprises,
    episodes: Episodes,
    projects: Projects,
    window: Window,
) -> Blips:
    n = enterprises.count
    healthy = enterprises.active & (enterprises.employees > 0)
    healthy[episodes.enterprise] = False
    month_established = np.maximum(window.month_index(enterprises.established), 0)
    # A blip needs a month before and after it to stand out from.
    healthy &= month_established + 1 < window.count - 1
    staff = enterprises.employees
    _, project_count = projects.first_of_contractor(n)
    # Minor layoffs and wage shortfalls can only happen at larger employers and contractors,
    # so they are drawn among those; any other healthy enterprise may get one other blip.
    minor_layoff = (
        healthy & (staff >= MIN_MINOR_LAYOFF_STAFF) & (rng.random(n) < MINOR_LAYOFF_SHARE)
    )
    healthy &= ~minor_layoff
    shrinkage = healthy & (staff >= MIN_SHRINKAGE_STAFF) & (rng.random(n) < SHRINKAGE_SHARE)
    healthy &= ~shrinkage
    shortfall = healthy & (project_count > 0) & (rng.random(n) < WAGE_SHORTFALL_SHARE)
    other = healthy & ~shortfall & (rng.random(n) < BLIP_SHARE)
    chosen = np.flatnonzero(minor_layoff | shrinkage | shortfall | other)
    k = len(chosen)
    low = month_established[chosen] + 1
    month = low + np.floor(rng.random(k) * (window.count - 1 - low)).astype(np.int64)
    kind = rng.choice(len(KINDS), k, p=KIND_WEIGHTS / KIND_WEIGHTS.sum())
    kind[minor_layoff[chosen]] = MINOR_LAYOFF
    kind[shrinkage[chosen]] = SHRINKAGE
    kind[shortfall[chosen]] = WAGE_SHORTFALL
    staff = staff[chosen]
    project = running_project(projects, chosen, month, n)
    shop = enterprises.kind[chosen] == INDIVIDUAL
    # Kinds a firm cannot show (a shop insuring nobody, no project running) become lawsuits.
    kind[(kind == LATE_SOCIAL_INSURANCE) & shop] = SINGLE_LAWSUIT
    kind[(kind == HEADCOUNT_DIP) & (staff < MIN_HEADCOUNT_DIP_STAFF)] = SINGLE_LAWSUIT
    kind[(kind == WAGE_SHORTFALL) & (project < 0)] = SINGLE_LAWSUIT
    project = np.where(kind == WAGE_SHORTFALL, project, -1)
    # A minor layoff stays under both large-scale thresholds: < 30% of staff and < 200.
    layoff = np.minimum(np.ceil(staff * rng.uniform(0.1, 0.25, k)), 199)
    shortfall = np.where(kind == WAGE_SHORTFALL, rng.integers(1, 4, k), 0)
    shortfall = np.where(kind == MINOR_LAYOFF, layoff, shortfall).astype(np.int64)
    span = np.where(kind == SHRINKAGE, rng.integers(*SHRINKAGE_MONTHS, k, endpoint=True), 0)
    share = np.where(kind == SHRINKAGE, rng.uniform(0.2, 0.4, k), 0.0)
    blips = Blips(
        chosen, kind, month, project, staff, shortfall, span, share, np.full(k, -1), np.zeros(k)
    )
    # Drawn last, so that the other blips stay what the seed gave them before.
    taken = np.zeros(n, dtype=bool)
    taken[chosen] = True
    return blips.joined(plan_transfers(rng, enterprises, episodes, window, healthy & ~taken))


def plan_transfers(
    rng: np.random.Generator,
    enterprises: Enterprises,
    episodes: Episodes,
    window: Window,
    healthy: np.ndarray,
) -> Blips:
    """Staff moved to the head office or a branch (the registry's 隶属企业) in one month: the
    insured head count falls as a layoff's does, and rises as much at the affiliate."""
    source, affiliate = enterprises.affiliates()
    staff = enterprises.employees
    eligible = healthy[source] & (staff[source] >= MIN_TRANSFER_STAFF)
    eligible &= enterprises.active[affiliate] & (staff[affiliate] > 0)
    # an episode's enterprise receiving staff would blur its own signals
    eligible &= ~np.isin(affiliate, episodes.enterprise)
    draw = rng.random(len(source)) < TRANSFER_SHARE
    pairs = np.flatnonzero(eligible & draw)
    # one transfer per enterprise: its first pair drawn
    _, first = np.unique(source[pairs], return_index=True)
    pairs = pairs[first]
    source, affiliate = source[pairs], affiliate[pairs]
    k = len(source)
    # a month with one before it to compare with, after the enterprise was registered
    low = np.maximum(window.month_index(enterprises.established[source]), 0) + 1
    month = low + np.floor(rng.random(k) * (window.count - 1 - low)).astype(np.int64)
    moved_share = rng.uniform(*TRANSFER_MOVED, k)
    # the registry's count is the one after the transfer (the end of the window)
    moved = np.ceil(staff[source] * moved_share / (1 - moved_share)).astype(np.int64)
    return Blips(
        enterprise=source,
        kind=np.full(k, AFFILIATE_TRANSFER),
        month=month,
        project=np.full(k, -1),
        staff=staff[source],
        shortfall=moved,
        span=np.zeros(k, dtype=np.int64),
        share=np.zeros(k),
        affiliate=affiliate,
        affiliate_staff=staff[affiliate].astype(np.float64),
    )


def running_project(
    projects: Projects, enterprise: np.ndarray, month: np.ndarray, enterprise_count: int
) -> np.ndarray:
    """A project of each enterprise running in `month` (its first such), or -1."""
    result = np.full(len(enterprise), -1)
    if projects.count == 0:
        return result
    first, counts = projects.first_of_contractor(enterprise_count)
    for offset in range(int(counts[enterprise].max(initial=0))):
        candidate = first[enterprise] + offset
        valid = (offset < counts[enterprise]) & (result < 0)
        candidate = np.minimum(candidate, projects.count - 1)
        runs = valid & (projects.start[candidate] <= month) & (month <= projects.end[candidate])
        result[runs] = candidate[runs]
    return result
