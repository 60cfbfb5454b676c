"""Injected labour-relations risk episodes (the labels); grain: one row per episode.

Each episode's onset (`onset_on`) is the first day its harm is visible to workers, as users
mean it: the first missed payday of a wage arrears, the day of a mass layoff, the day workers
gather for a collective dispute. What the feeds show before it varies, as it does in a real
city, and much of it shows only after:

- wage arrears: the payday (5th to 15th) on which the previous month's wages are not paid, or
  paid in part (生活费, living money); social insurance left unpaid from up to two months
  before that (for about two thirds), revenue and electricity falling for some; workers
  complain, sue and are listed after it.
- mass layoff: 20-60% of staff let go on one day; only some file the layoff report (about 30
  days ahead, as the law asks); business falls for most in the months before, some lose
  staff by attrition first; the insured head count drops the month after.
- collective dispute: most are about wages unpaid for one to three months (then the first
  missed payday is a wage-arrears episode of its own, labelled too); most groups call the
  hotline in the weeks before they gather, some gather without calling.

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
MIN_LEAD_MONTHS = 3  # months of the window before the first onset: history to compare with
MIN_HISTORY_DAYS = 180  # an enterprise needs some normal history before trouble starts
NEVER = 10_000  # a month index no window reaches
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
PAYDAYS = (5, 15)  # the day of the month wages are due (inclusive range)
# Months social insurance goes unpaid before the first unpaid wage month: none before (it
# stops with the wages, or later), the same month, one or two months earlier.
SI_LEADS = (-1, 0, 1, 2)
SI_LEAD_SHARES = (0.35, 0.2, 0.25, 0.2)
DECLINE_SHARE = 0.6  # wage arrears whose revenue and electricity fall before the onset
LIVING_MONEY_SHARE = 0.6  # unpaid project months that still pay a fraction of the wage
LAYOFF_FILED_SHARE = 0.4
LAYOFF_NOTICE_DAYS = 30  # 劳动合同法 第四十一条: the report comes thirty days ahead
LAYOFF_DECLINE_SHARE = 0.75
LAYOFF_ATTRITION_SHARE = 0.4
WAGE_DRIVEN_SHARE = 0.85  # collective disputes about unpaid wages
CALLS_BEFORE_SHARE = 0.65  # groups that call the hotline before they gather


@dataclass(frozen=True)
class Episodes:
    enterprise: np.ndarray
    kind: np.ndarray
    onset_day: np.ndarray  # datetime64[D]: the first day the harm is visible (the label)
    onset: np.ndarray  # month index of onset_day
    signals_from: np.ndarray  # month index of the first month the feeds show trouble
    unpaid_from: np.ndarray  # first work month whose wages go unpaid (NEVER: none)
    wage_onset_day: np.ndarray  # the first missed payday (NaT: wages are paid)
    si_from: np.ndarray  # first month social insurance is left unpaid (NEVER: none)
    decline_from: np.ndarray  # first month revenue and electricity fall (NEVER: none)
    resolve: np.ndarray  # month index when pay resumes
    settled: np.ndarray  # arrears are paid back at `resolve`
    pay_drop: np.ndarray  # share of the social-insurance bill left unpaid
    wage_paid_share: np.ndarray  # share of the wage the unpaid project months still pay
    staff_drop: np.ndarray  # share of insured staff gone by the onset (attrition)
    activity_drop: np.ndarray  # share of revenue lost by the onset
    utility_drop: np.ndarray  # share of electricity and water lost by the onset
    staff: np.ndarray  # the enterprise's head count at the end of the window
    staff_before: np.ndarray  # head count before a mass layoff (`staff` otherwise)
    layoff_filed: np.ndarray  # a mass layoff reported to 人社 ahead
    calls_before: np.ndarray  # a collective dispute's workers call before they gather
    project: np.ndarray  # project index, -1 if none
    workers_involved: np.ndarray
    amount_involved: np.ndarray  # yuan
    complainants: np.ndarray  # distinct workers of the employer who complain

    @property
    def count(self) -> int:
        return len(self.enterprise)

    def progress(self, month: int, start: np.ndarray | None = None) -> np.ndarray:
        """How far each episode has built up in `month`: 0 before `start` (default: its first
        signals), 1 from the onset month."""
        start = self.signals_from if start is None else start
        built = (month - start + 1) / np.maximum(self.onset - start + 1, 1)
        return np.clip(built, 0.0, 1.0)

    def table(self, enterprises: Enterprises, projects: Projects, window: Window) -> pa.Table:
        """The labels: one row per episode, and for a collective dispute about unpaid wages
        also its wage arrears (from the first missed payday)."""
        wage_driven = np.flatnonzero(
            (self.kind == COLLECTIVE_DISPUTE) & ~np.isnat(self.wage_onset_day)
        )
        rows = np.concatenate([np.arange(self.count), wage_driven])
        extra = np.arange(len(rows)) >= self.count
        kind = np.where(extra, WAGE_ARREARS, self.kind[rows])
        onset_day = np.where(extra, self.wage_onset_day[rows], self.onset_day[rows])
        project_code = projects.code.take(np.maximum(self.project[rows], 0))
        has_project = pa.array(self.project[rows] >= 0)
        return pa.table(
            {
                "episode_id": pa.array(np.arange(1, len(rows) + 1), pa.int64()),
                "credit_code": enterprises.credit_code.take(self.enterprise[rows]),
                "kind": pa.array(KINDS).take(kind),
                "onset_on": pa.array(onset_day, pa.date32()),
                "signals_month": pa.array(month_label_array(window, self.signals_from[rows])),
                "layoff_filed": pa.array(self.layoff_filed[rows] & ~extra),
                "calls_before": pa.array(self.calls_before[rows] & ~extra),
                "workers_involved": pa.array(self.workers_involved[rows], pa.int64()),
                "amount_involved": pa.array(self.amount_involved[rows], pa.int64()),
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
    """Onset days, leaving months of history before and two weeks of aftermath in view."""
    first = window.month_starts[min(MIN_LEAD_MONTHS, window.count - 1)]
    last = max(window.last_day - 14, first)
    days, probabilities = window.event_day_weights(first, last)
    return days[rng.choice(len(days), n, p=probabilities)]


def payday(window: Window, month: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A payday (PAYDAYS) in each month (window month indices)."""
    low, high = PAYDAYS
    start = (window.months[0] + month).astype("datetime64[D]")
    return start + rng.integers(low - 1, high, len(month))


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
    wages, layoff, collective = (kind == k for k in (WAGE_ARREARS, MASS_LAYOFF, COLLECTIVE_DISPUTE))
    onset_day = event_days(rng, window, n)
    onset = window.month_index(onset_day)
    # Wage arrears: the onset is the payday of the first unpaid (work) month's wages.
    onset_day = np.where(wages, payday(window, onset, rng), onset_day)
    # A collective dispute about wages: one to three months of wages unpaid before it.
    wage_driven = collective & (rng.random(n) < WAGE_DRIVEN_SHARE)
    unpaid_months = rng.integers(1, 4, n)
    wage_onset_month = np.where(wages, onset, np.where(wage_driven, onset - unpaid_months + 1, 0))
    unpaid = wages | wage_driven
    wage_onset_day = payday(window, wage_onset_month, rng)
    wage_onset_day = np.where(wages, onset_day, wage_onset_day)
    # The collective's first missed payday comes before its gathering.
    wage_onset_day = np.minimum(wage_onset_day, onset_day - 7)
    wage_onset_day[~unpaid] = np.datetime64("NaT")
    unpaid_from = np.where(unpaid, window.month_index(wage_onset_day) - 1, NEVER)
    si_lead = rng.choice(SI_LEADS, n, p=SI_LEAD_SHARES)
    si_from = np.where(si_lead >= 0, unpaid_from - si_lead, unpaid_from + 2)
    # Layoffs mostly keep paying social insurance; a quarter fall behind in the months before.
    layoff_si = layoff & (rng.random(n) < 0.25)
    si_from = np.where(layoff, np.where(layoff_si, onset - rng.integers(0, 3, n), NEVER), si_from)
    declines = np.where(layoff, LAYOFF_DECLINE_SHARE, DECLINE_SHARE)
    decline_from = np.where(
        rng.random(n) < declines, onset - rng.integers(1, 5, n), np.where(layoff, NEVER, onset)
    )
    signals_from = np.minimum.reduce([si_from, decline_from, onset, unpaid_from])
    project, projects = assign_projects(
        rng, enterprise, signals_from, onset, projects, enterprises.count
    )

    layoff_share = rng.uniform(0.2, 0.6, n)
    staff_before = np.where(layoff, np.ceil(staff / (1 - layoff_share)), staff).astype(np.int64)
    attrition = layoff & (rng.random(n) < LAYOFF_ATTRITION_SHARE)
    staff_drop = np.where(
        layoff,
        np.where(attrition, rng.uniform(0.05, 0.12, n), 0.0),
        np.where(collective, rng.uniform(0.05, 0.2, n), rng.uniform(0.0, 0.1, n)),
    )
    activity_drop = rng.uniform(0.2, 0.6, n) + 0.1 * (layoff | collective)
    wage = column("wage")[enterprises.industry[enterprise]] * rng.uniform(0.8, 1.2, n)
    wage = np.where(project >= 0, projects.monthly_wage[np.maximum(project, 0)], wage)
    base = np.where(project >= 0, projects.peak[np.maximum(project, 0)], staff)
    involved = np.maximum(1, np.round(base * rng.uniform(0.2, 0.8, n)))
    involved = np.where(
        collective, np.maximum(12, np.round(base * rng.uniform(0.4, 1.0, n))), involved
    )
    involved = np.where(layoff, staff_before - staff, involved).astype(np.int64)
    months_owed = np.maximum(onset - unpaid_from, 1)
    amount = np.where(
        layoff, involved * wage * rng.uniform(1.0, 4.0, n), involved * wage * months_owed
    )
    living_money = rng.random(n) < LIVING_MONEY_SHARE
    return (
        Episodes(
            enterprise=enterprise,
            kind=kind,
            onset_day=onset_day,
            onset=onset,
            signals_from=signals_from,
            unpaid_from=unpaid_from,
            wage_onset_day=wage_onset_day,
            si_from=si_from,
            decline_from=decline_from,
            resolve=onset + rng.integers(1, 6, n),
            settled=rng.random(n) < SETTLED_SHARE,
            pay_drop=np.where(collective, rng.uniform(0.7, 1.0, n), rng.uniform(0.5, 1.0, n)),
            wage_paid_share=np.where(living_money, rng.uniform(0.2, 0.5, n), 0.0),
            staff_drop=staff_drop,
            activity_drop=activity_drop,
            utility_drop=activity_drop * rng.uniform(0.6, 1.0, n),
            staff=staff,
            staff_before=staff_before,
            layoff_filed=layoff & (rng.random(n) < LAYOFF_FILED_SHARE),
            calls_before=collective & (rng.random(n) < CALLS_BEFORE_SHARE),
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
