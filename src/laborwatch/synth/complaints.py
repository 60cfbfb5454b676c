"""Worker complaints, the seed of hotline work orders; grain: one row per complaint.

Background complaints come from workers all over the city; around each episode, distinct
workers of the employer complain in the weeks of the outbreak (at least ten, often twenty,
for a collective dispute). About one complaint in ten names the employer only as told
(a short name, a misheard brand, no place or no legal form) without its credit code.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from laborwatch.synth.background import background_enterprises, trading_days
from laborwatch.synth.enterprise_names import misspelt
from laborwatch.synth.enterprises import Enterprises
from laborwatch.synth.episodes import COLLECTIVE_DISPUTE, MASS_LAYOFF, WAGE_ARREARS, Episodes
from laborwatch.synth.industries import column
from laborwatch.synth.months import Window, days_between
from laborwatch.synth.projects import Projects
from laborwatch.synth.vocab import fill_templates, where

CHANNELS = (
    "hotline_12351", "walk_in", "online", "superior_assignment", "public_opinion", "department",
)  # fmt: skip
BACKGROUND_CHANNEL_MIX = np.array([0.68, 0.1, 0.12, 0.04, 0.03, 0.03])
COLLECTIVE_CHANNEL_MIX = np.array([0.55, 0.15, 0.05, 0.1, 0.1, 0.05])
CATEGORIES = (
    "wage_arrears", "social_insurance", "labor_contract", "dismissal", "injury", "overtime_pay",
)  # fmt: skip
WAGES, SOCIAL_INSURANCE, CONTRACT, DISMISSAL, INJURY, OVERTIME = range(len(CATEGORIES))
BACKGROUND_CATEGORY_MIX = np.array([0.42, 0.16, 0.12, 0.13, 0.09, 0.08])
LAYOFF_CATEGORY_MIX = np.array([0.0, 0.2, 0.2, 0.6, 0.0, 0.0])
BACKGROUND_RATE = 0.008  # complaints per trading enterprise and month
UNLINKED_SHARE = 0.1
GROUP_CALLER_SHARE = 0.3  # collective-dispute callers who speak for the whole group
# Days around the onset (first, last) in which an episode's workers complain: after the
# missed payday, after the layoff; before the gathering when the group calls first (the
# weeks of unpaid wages before it), from the gathering on when it does not.
COMPLAINT_DAYS = {WAGE_ARREARS: (2, 40), MASS_LAYOFF: (0, 25), COLLECTIVE_DISPUTE: (-28, 12)}
SILENT_GROUP_DAYS = (0, 14)
STRIDES = np.array([7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53])
SHANGHAI_OFFSET_SECONDS = 8 * 3600

TEMPLATES = {
    "wage_arrears": (
        "本人于{start}至{end}在{employer}务工，公司拖欠工资共计{amount}元至今未付。",
        "{employer}拖欠本人{months}个月工资共{amount}元，多次讨要无果，请求帮助。",
        "本人在{employer}工作，自{start}起工资一直未发放，共计{amount}元，老板一直推脱。",
    ),
    "wages_project": (
        "本人于{start}至{end}在{employer}承建的{project}务工，公司拖欠工资共计{amount}元至今未付。",
        "{project}拖欠农民工工资，本人被欠{amount}元，总包单位{employer}一直不管。",
    ),
    "wages_group": (
        "{employer}拖欠我们{group}名职工{months}个月工资共计约{amount}元，工人情绪激动，准备集体讨薪。",
        "我们{group}人在{employer}上班，从{start}开始就没发过工资，共欠{amount}元，希望工会尽快介入。",
    ),
    "wages_group_project": (
        "我们{group}名工人在{employer}承建的{project}干活，{start}至今工资一直没发，共计约{amount}元，请求工会帮忙讨薪。",
    ),
    "social_insurance": (
        "{employer}自{start}起未给本人缴纳社会保险，要求补缴。",
        "本人入职{employer}后公司一直未缴纳社保，现在离职了想补缴。",
        "{employer}从{start}开始停缴职工社保，公司说资金紧张。",
    ),
    "labor_contract": (
        "本人在{employer}工作{years}年，公司一直未签订书面劳动合同，要求支付二倍工资差额{amount}元。",
        "{employer}强迫员工重新签订劳动合同并降低工资标准，本人不同意，要求补偿{amount}元。",
    ),
    "dismissal": (
        "{employer}无故将本人辞退，未支付经济补偿金{amount}元。",
        "{employer}于{end}裁员，本人在公司工作{years}年，公司拒绝支付经济补偿{amount}元。",
    ),
    "injury": (
        "本人在{employer}工作期间受伤，公司不给申报工伤，医疗费{amount}元未报销。",
        "本人{end}在{employer}上班时受伤，公司只垫付了部分医药费，剩余{amount}元不予处理。",
    ),
    "overtime_pay": (
        "{employer}长期安排加班，未支付加班费共计{amount}元。",
        "{employer}每天要求工作12小时，周末也不休息，拖欠加班费{amount}元。",
    ),
}  # fmt: skip
FAMILIES = tuple(TEMPLATES)


@dataclass(frozen=True)
class Drafts:
    """Complaints before they are written up: one entry per complaint."""

    enterprise: np.ndarray
    worker: np.ndarray  # worker index (worker_key - 1)
    day: np.ndarray  # datetime64[D]
    channel: np.ndarray
    category: np.ndarray
    workers_involved: np.ndarray
    amount: np.ndarray  # yuan, NaN when the complaint names no sum
    months: np.ndarray  # months the trouble has lasted
    episode: np.ndarray  # -1 for background complaints
    project: np.ndarray  # -1 when no project is named

    @staticmethod
    def concat(parts: list[Drafts]) -> Drafts:
        fields = Drafts.__dataclass_fields__
        return Drafts(**{f: np.concatenate([getattr(p, f) for p in parts]) for f in fields})

    def take(self, rows: np.ndarray) -> Drafts:
        return Drafts(**{f: getattr(self, f)[rows] for f in Drafts.__dataclass_fields__})


def background_drafts(rng: np.random.Generator, enterprises: Enterprises, window: Window) -> Drafts:
    firm = background_enterprises(rng, enterprises, window, BACKGROUND_RATE, 0.9)
    n = len(firm)
    first, last = trading_days(enterprises, window, firm)
    staff = enterprises.employees[firm]
    worker = enterprises.first_worker[firm] + np.floor(rng.random(n) * staff).astype(np.int64)
    category = rng.choice(len(CATEGORIES), n, p=BACKGROUND_CATEGORY_MIX)
    involved = np.where(rng.random(n) < 0.9, 1, rng.integers(2, 7, n))
    wage = column("wage")[enterprises.industry[firm]] * rng.uniform(0.8, 1.2, n)
    months = rng.integers(1, 5, n)
    amount = np.select(
        [category == WAGES, category == CONTRACT, category == DISMISSAL, category == INJURY,
         category == OVERTIME],
        [wage * months * involved, wage * rng.uniform(2, 11, n), wage * rng.uniform(1, 8, n),
         rng.lognormal(np.log(20_000), 0.7, n), rng.lognormal(np.log(6_000), 0.6, n)],
        default=np.nan,
    )  # fmt: skip
    return Drafts(
        enterprise=firm,
        worker=worker,
        day=days_between(rng, first, last),
        channel=rng.choice(len(CHANNELS), n, p=BACKGROUND_CHANNEL_MIX),
        category=category,
        workers_involved=involved,
        amount=amount,
        months=months,
        episode=np.full(n, -1),
        project=np.full(n, -1),
    )


def distinct_workers(rng: np.random.Generator, staff: np.ndarray, count: np.ndarray) -> np.ndarray:
    """`count[g]` distinct offsets in [0, staff[g]) for each group g, concatenated: a random
    start and a stride coprime with the group's size never revisit a worker."""
    group = np.repeat(np.arange(len(count)), count)
    step = STRIDES[rng.integers(0, len(STRIDES), len(count))]
    step = np.where(np.gcd(step, staff) == 1, step, 1)
    start = np.floor(rng.random(len(count)) * staff).astype(np.int64)
    within = np.arange(len(group)) - np.repeat(np.cumsum(count) - count, count)
    return (start[group] + within * step[group]) % staff[group]


def episode_drafts(
    rng: np.random.Generator, enterprises: Enterprises, episodes: Episodes
) -> Drafts:
    count = episodes.complainants
    episode = np.repeat(np.arange(episodes.count), count)
    n = len(episode)
    kind = episodes.kind[episode]
    firm = episodes.enterprise[episode]
    worker = enterprises.first_worker[firm] + distinct_workers(rng, episodes.staff, count)
    low = np.select([kind == k for k in COMPLAINT_DAYS], [v[0] for v in COMPLAINT_DAYS.values()])
    high = np.select([kind == k for k in COMPLAINT_DAYS], [v[1] for v in COMPLAINT_DAYS.values()])
    collective = kind == COLLECTIVE_DISPUTE
    silent = collective & ~episodes.calls_before[episode]
    low = np.where(silent, SILENT_GROUP_DAYS[0], low)
    high = np.where(silent, SILENT_GROUP_DAYS[1], high)
    offset = low + np.floor(rng.random(n) * (high - low + 1)).astype(np.int64)
    channel = np.where(
        collective,
        rng.choice(len(CHANNELS), n, p=COLLECTIVE_CHANNEL_MIX),
        rng.choice(len(CHANNELS), n, p=BACKGROUND_CHANNEL_MIX),
    )
    category = np.where(rng.random(n) < 0.9, WAGES, SOCIAL_INSURANCE)
    layoff = kind == MASS_LAYOFF
    category[layoff] = rng.choice(len(CATEGORIES), layoff.sum(), p=LAYOFF_CATEGORY_MIX)
    group = collective & (rng.random(n) < GROUP_CALLER_SHARE)
    involved = np.where(group, episodes.workers_involved[episode], 1)
    per_worker = episodes.amount_involved[episode] / np.maximum(
        episodes.workers_involved[episode], 1
    )
    amount = np.where(
        group, episodes.amount_involved[episode], per_worker * rng.uniform(0.8, 1.2, n)
    )
    amount[category == SOCIAL_INSURANCE] = np.nan
    return Drafts(
        enterprise=firm,
        worker=worker,
        day=episodes.onset_day[episode] + offset,
        channel=channel,
        category=category,
        workers_involved=involved,
        amount=amount,
        months=np.maximum(episodes.onset[episode] - episodes.unpaid_from[episode], 1),
        episode=episode,
        project=episodes.project[episode],
    )


def told_names(
    rng: np.random.Generator, enterprises: Enterprises, firm: np.ndarray, linked: np.ndarray
) -> pa.Array:
    """The employer as the worker named it: with a credit code, mostly the registered name
    (sometimes a former or short name); without, a short, misheard or partial name."""
    n = len(firm)
    parts = enterprises.parts.take(firm)
    full = enterprises.name.take(firm)
    short = enterprises.short_name.take(firm)
    former = first_former_names(enterprises).take(firm)
    linked_choice = rng.choice(3, n, p=[0.85, 0.05, 0.1])
    as_linked = where(linked_choice == 1, pc.coalesce(former, full), full)
    as_linked = where(linked_choice == 2, short, as_linked)
    unlinked_choice = rng.choice(4, n, p=[0.4, 0.3, 0.15, 0.15])
    as_unlinked = where(unlinked_choice == 0, short, misspelt(rng, parts))
    as_unlinked = where(unlinked_choice == 2, parts.without_place(), as_unlinked)
    as_unlinked = where(unlinked_choice == 3, parts.without_legal_form(), as_unlinked)
    return where(linked, as_linked, as_unlinked)


def first_former_names(enterprises: Enterprises) -> pa.Array:
    """Each enterprise's first former name, null when it was never renamed."""
    former = enterprises.former_names
    lengths = pc.list_value_length(former).to_numpy(zero_copy_only=False)
    offsets = former.offsets.to_numpy()[:-1]
    values = former.values
    if len(values) == 0:
        return pa.nulls(len(former), pa.string())
    first = values.take(np.minimum(offsets, len(values) - 1))
    return pc.if_else(pa.array(lengths > 0), first, None)


def chinese_months(window: Window, index: np.ndarray) -> pa.Array:
    """'2026年3月' for month indices of the window."""
    months = window.months[0] + index
    years = months.astype("datetime64[Y]").astype(np.int64) + 1970
    numbers = months.astype(np.int64) % 12 + 1
    labels = np.char.add(
        np.char.add(years.astype(str), "年"), np.char.add(numbers.astype(str), "月")
    )
    return pa.array(labels)


def descriptions(
    rng: np.random.Generator,
    drafts: Drafts,
    *,
    told: pa.Array,
    amount: np.ndarray,
    projects: Projects,
    window: Window,
) -> pa.Array:
    """A one- or two-sentence account in the worker's words, from the category's templates."""
    n = len(drafts.day)
    month = window.month_index(drafts.day)
    has_project = drafts.project >= 0
    group = drafts.workers_involved > 1
    wages = drafts.category == WAGES
    family = np.array([FAMILIES.index(category) for category in CATEGORIES])[drafts.category]
    family[wages & has_project] = FAMILIES.index("wages_project")
    family[wages & group] = FAMILIES.index("wages_group")
    family[wages & group & has_project] = FAMILIES.index("wages_group_project")
    sizes = np.array([len(TEMPLATES[f]) for f in FAMILIES])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    choice = starts[family] + np.floor(rng.random(n) * sizes[family]).astype(np.int64)
    fields = {
        "employer": told,
        "start": chinese_months(window, month - drafts.months),
        "end": chinese_months(window, month),
        "months": pa.array(drafts.months).cast(pa.string()),
        "amount": pa.array(amount).cast(pa.string()),
        "group": pa.array(drafts.workers_involved).cast(pa.string()),
        "years": pa.array(rng.integers(1, 9, n)).cast(pa.string()),
        "project": projects.name.take(np.maximum(drafts.project, 0))
        if projects.count
        else pa.repeat("", n),
    }
    templates = [template for f in FAMILIES for template in TEMPLATES[f]]
    return fill_templates(templates, choice, fields)


def project_codes(drafts: Drafts, projects: Projects) -> pa.Array:
    """The project a complaint names (construction episodes), null otherwise."""
    if projects.count == 0:
        return pa.nulls(len(drafts.project), pa.string())
    named = projects.code.take(np.maximum(drafts.project, 0))
    return pc.if_else(pa.array(drafts.project >= 0), named, None)


def generate_complaints(
    rng: np.random.Generator,
    enterprises: Enterprises,
    episodes: Episodes,
    projects: Projects,
    window: Window,
) -> pa.Table:
    drafts = Drafts.concat(
        [background_drafts(rng, enterprises, window), episode_drafts(rng, enterprises, episodes)]
    )
    drafts = drafts.take((drafts.day >= window.first_day) & (drafts.day <= window.last_day))
    n = len(drafts.day)
    # Most calls come in office hours; the hotline answers round the clock.
    office = rng.random(n) < 0.9
    seconds = np.where(
        office, rng.integers(8 * 3600 + 1800, 21 * 3600, n), rng.integers(0, 86400, n)
    )
    epoch = drafts.day.astype(np.int64) * 86400 + seconds - SHANGHAI_OFFSET_SECONDS
    order = np.lexsort((drafts.worker, epoch))
    drafts, epoch = drafts.take(order), epoch[order]
    linked = rng.random(n) >= UNLINKED_SHARE
    told = told_names(rng, enterprises, drafts.enterprise, linked)
    no_amount = np.isnan(drafts.amount)
    amount = np.where(no_amount, 0, np.round(drafts.amount, -2)).astype(np.int64)
    credit_code = enterprises.credit_code.take(drafts.enterprise)
    episode_id = pa.array(drafts.episode + 1, pa.int64())
    return pa.table(
        {
            "complaint_id": pa.array(np.arange(1, n + 1), pa.int64()),
            "received_at": pa.array(epoch * 1000, pa.timestamp("ms", tz="Asia/Shanghai")),
            "worker_key": pa.array(drafts.worker + 1, pa.int64()),
            "credit_code": pc.if_else(pa.array(linked), credit_code, None),
            "employer_name_as_told": told,
            "channel": pa.array(CHANNELS).take(drafts.channel),
            "category": pa.array(CATEGORIES).take(drafts.category),
            "amount_claimed": pa.array(amount, pa.int64(), mask=no_amount),
            "workers_involved": pa.array(drafts.workers_involved, pa.int64()),
            "project_code": project_codes(drafts, projects),
            "description": descriptions(
                rng, drafts, told=told, amount=amount, projects=projects, window=window
            ),
            "episode_id": pc.if_else(pa.array(drafts.episode >= 0), episode_id, None),
        }
    )
