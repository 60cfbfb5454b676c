"""Injected labour-relations risk episodes (the labels); grain: one row per episode.

Each episode has an onset month, when its first signals appear in the feeds, and an outbreak
day (`event_on`) two to six months later: the dispute, the mass complaints or the layoff.
The feeds, events and complaints modules read these parameters to bend their data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from laborwatch.synth.enterprises import Enterprises
from laborwatch.synth.industries import SECTIONS, column
from laborwatch.synth.months import Window, month_label_array
from laborwatch.synth.projects import Projects

KINDS = ("wage_arrears", "mass_layoff", "collective_dispute")
WAGE_ARREARS, MASS_LAYOFF, COLLECTIVE_DISPUTE = range(3)

EPISODE_SHARE = 0.015
MIN_LEAD_MONTHS, MAX_LEAD_MONTHS = 2, 6
MIN_HISTORY_DAYS = 180  # an enterprise needs some normal history before trouble starts
# Kind mix (wage arrears, mass layoff, collective dispute) by section; others use DEFAULT.
KIND_MIX = {
    "E": (0.5, 0.05, 0.45),
    "C": (0.35, 0.4, 0.25),
    "H": (0.6, 0.25, 0.15),
    "G": (0.55, 0.15, 0.3),
}
DEFAULT_KIND_MIX = (0.6, 0.2, 0.2)
MIN_STAFF = {WAGE_ARREARS: 3, MASS_LAYOFF: 20, COLLECTIVE_DISPUTE: 12}
COLLECTIVE_MIN_COMPLAINANTS, COLLECTIVE_RED_COMPLAINANTS = 10, 20
COLLECTIVE_RED_SHARE = 0.45
SETTLED_SHARE = 0.6  # arrears recovered after the outbreak (工会介入 / 联动处置)


@dataclass(frozen=True)
class Episodes:
    enterprise: np.ndarray
    kind: np.ndarray
    onset: np.ndarray  # month index of the first signals (may precede the window)
    event: np.ndarray  # month index of event_day
    event_day: np.ndarray  # datetime64[D]
    resolve: np.ndarray  # month index when pay resumes
    settled: np.ndarray  # arrears are paid back at `resolve`
    pay_drop: np.ndarray  # share of the social-insurance bill left unpaid at the outbreak
    staff_drop: np.ndarray  # share of insured staff gone by the outbreak
    activity_drop: np.ndarray  # share of revenue lost by the outbreak
    utility_drop: np.ndarray  # share of electricity and water lost by the outbreak
    staff: np.ndarray  # the enterprise's head count at the end of the window
    staff_before: np.ndarray  # head count before a mass layoff (`staff` otherwise)
    unpaid_months: np.ndarray  # months before the outbreak with no wage-account payment
    project: np.ndarray  # project index, -1 if none
    workers_involved: np.ndarray
    amount_involved: np.ndarray  # yuan
    complainants: np.ndarray  # distinct workers of the employer who complain

    @property
    def count(self) -> int:
        return len(self.enterprise)

    def progress(self, month: int) -> np.ndarray:
        """How far each episode has built up in `month`: 0 before onset, 1 from the outbreak."""
        built = (month - self.onset + 1) / (self.event - self.onset + 1)
        return np.clip(built, 0.0, 1.0)

    def table(self, enterprises: Enterprises, projects: Projects, window: Window) -> pa.Table:
        project_code = projects.code.take(np.maximum(self.project, 0))
        has_project = pa.array(self.project >= 0)
        return pa.table(
            {
                "episode_id": pa.array(np.arange(1, self.count + 1), pa.int64()),
                "credit_code": enterprises.credit_code.take(self.enterprise),
                "kind": pa.array(KINDS).take(self.kind),
                "onset_month": pa.array(month_label_array(window, self.onset)),
                "event_on": pa.array(self.event_day, pa.date32()),
                "workers_involved": pa.array(self.workers_involved, pa.int64()),
                "amount_involved": pa.array(self.amount_involved, pa.int64()),
                "project_code": pc.if_else(has_project, project_code, None),
            }
        )


def weighted_sample(rng: np.random.Generator, weight: np.ndarray, k: int) -> np.ndarray:
    """k distinct indices drawn with probability ∝ weight (Gumbel top-k), ascending."""
    positive = np.flatnonzero(weight > 0)
    keys = np.log(weight[positive]) - np.log(-np.log(rng.random(len(positive))))
    top = np.argsort(-keys, kind="stable")[:k]
    return np.sort(positive[top])


def draw_kinds(rng: np.random.Generator, industry: np.ndarray, staff: np.ndarray) -> np.ndarray:
    mixes = np.array([KIND_MIX.get(section, DEFAULT_KIND_MIX) for section in SECTIONS])
    cumulative = np.cumsum(mixes, axis=1)[industry]
    kind = (rng.random(len(industry))[:, None] > cumulative).sum(axis=1)
    kind = np.minimum(kind, len(KINDS) - 1)
    # Too small a firm for its kind of episode falls back to plain wage arrears.
    for episode_kind, minimum in MIN_STAFF.items():
        kind[(kind == episode_kind) & (staff < minimum)] = WAGE_ARREARS
    return kind


def event_days(rng: np.random.Generator, window: Window, n: int) -> np.ndarray:
    """Outbreak days, leaving two months of build-up and two weeks of aftermath in view."""
    first = window.month_starts[min(MIN_LEAD_MONTHS, window.count - 1)]
    last = max(window.last_day - 14, first)
    days, probabilities = window.event_day_weights(first, last)
    return days[rng.choice(len(days), n, p=probabilities)]


def assign_projects(
    rng: np.random.Generator,
    enterprise: np.ndarray,
    onset: np.ndarray,
    event: np.ndarray,
    projects: Projects,
    enterprise_count: int,
) -> tuple[np.ndarray, Projects]:
    """The contractor's biggest project running at the outbreak; when none runs then, its
    first project is rescheduled around the episode so that the wage account shows it."""
    if projects.count == 0:
        return np.full(len(enterprise), -1), projects
    event_of = np.full(enterprise_count, np.iinfo(np.int64).min)
    event_of[enterprise] = event
    project_event = event_of[projects.contractor]
    running = (projects.start <= project_event) & (project_event <= projects.end)
    score = np.where(running, projects.peak, 0)
    order = np.lexsort((-score, projects.contractor))  # best project first within a contractor
    first, counts = projects.first_of_contractor(enterprise_count)
    best = order[np.minimum(first[enterprise], projects.count - 1)]
    has_projects = counts[enterprise] > 0
    project = np.where(has_projects, best, -1)
    idle = has_projects & ~running[np.maximum(project, 0)]
    rows = project[idle]
    start = onset[idle] - rng.integers(1, 7, idle.sum())
    end = event[idle] + rng.integers(2, 9, idle.sum())
    return project, projects.moved(rows, start, end)


def plan_episodes(
    rng: np.random.Generator, enterprises: Enterprises, projects: Projects, window: Window
) -> tuple[Episodes, Projects]:
    """Choose ~1.5% of enterprises, weighted towards builders, factories, caterers and
    hauliers, and give each an episode. Returns the projects with any rescheduling."""
    staff = enterprises.employees
    old_enough = enterprises.established <= window.first_day - MIN_HISTORY_DAYS
    eligible = enterprises.active & old_enough & (staff >= MIN_STAFF[WAGE_ARREARS])
    weight = np.where(eligible, column("episode_weight")[enterprises.industry] * staff**0.35, 0.0)
    enterprise = weighted_sample(rng, weight, round(EPISODE_SHARE * enterprises.count))
    n = len(enterprise)
    staff = staff[enterprise]
    kind = draw_kinds(rng, enterprises.industry[enterprise], staff)
    event_day = event_days(rng, window, n)
    event = window.month_index(event_day)
    onset = event - rng.integers(MIN_LEAD_MONTHS, MAX_LEAD_MONTHS + 1, n)
    project, projects = assign_projects(rng, enterprise, onset, event, projects, enterprises.count)

    layoff = kind == MASS_LAYOFF
    collective = kind == COLLECTIVE_DISPUTE
    layoff_share = rng.uniform(0.3, 0.6, n)
    staff_before = np.where(layoff, np.ceil(staff / (1 - layoff_share)), staff).astype(np.int64)
    pay_drop = np.where(collective, rng.uniform(0.7, 1.0, n), rng.uniform(0.5, 1.0, n))
    # Most layoffs are orderly: only some leave social insurance unpaid as well.
    pay_drop[layoff & (rng.random(n) < 0.7)] = 0.0
    activity_drop = rng.uniform(0.2, 0.6, n) + 0.1 * (layoff | collective)
    wage = column("wage")[enterprises.industry[enterprise]] * rng.uniform(0.8, 1.2, n)
    wage = np.where(project >= 0, projects.monthly_wage[np.maximum(project, 0)], wage)
    base = np.where(project >= 0, projects.peak[np.maximum(project, 0)], staff)
    involved = np.maximum(1, np.round(base * rng.uniform(0.2, 0.8, n)))
    involved = np.where(
        collective, np.maximum(12, np.round(base * rng.uniform(0.4, 1.0, n))), involved
    )
    involved = np.where(layoff, staff_before - staff, involved).astype(np.int64)
    months_unpaid = event - onset
    amount = np.where(
        layoff, involved * wage * rng.uniform(1.0, 4.0, n), involved * wage * months_unpaid
    )
    return (
        Episodes(
            enterprise=enterprise,
            kind=kind,
            onset=onset,
            event=event,
            event_day=event_day,
            resolve=event + rng.integers(1, 6, n),
            settled=rng.random(n) < SETTLED_SHARE,
            pay_drop=pay_drop,
            staff_drop=np.where(collective, rng.uniform(0.1, 0.3, n), rng.uniform(0.05, 0.2, n)),
            activity_drop=activity_drop,
            utility_drop=activity_drop * rng.uniform(0.6, 1.0, n),
            staff=staff,
            staff_before=staff_before,
            unpaid_months=np.where(layoff, 0, rng.integers(1, 3, n)),
            project=project,
            workers_involved=involved,
            amount_involved=np.round(amount, -2).astype(np.int64),
            complainants=complainant_counts(rng, kind, staff),
        ),
        projects,
    )


def complainant_counts(rng: np.random.Generator, kind: np.ndarray, staff: np.ndarray) -> np.ndarray:
    """Distinct complaining workers: ≥10 for a collective dispute (often ≥20), a few otherwise."""
    n = len(kind)
    red = rng.random(n) < COLLECTIVE_RED_SHARE
    collective = np.where(
        red,
        rng.integers(COLLECTIVE_RED_COMPLAINANTS, 41, n),
        rng.integers(COLLECTIVE_MIN_COMPLAINANTS, COLLECTIVE_RED_COMPLAINANTS, n),
    )
    few = 1 + rng.poisson(1.5, n)
    count = np.where(kind == COLLECTIVE_DISPUTE, collective, np.minimum(few, 8))
    return np.minimum(count, staff)
