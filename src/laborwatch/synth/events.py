"""Event feeds: court filings, abnormal-operation listings and layoff filings; grain: one row
per event, dated within the window (written month by month by event date)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from laborwatch.synth import distractors as blip
from laborwatch.synth.background import background_enterprises, trading_days
from laborwatch.synth.distractors import Blips
from laborwatch.synth.enterprise_names import COMPANY, INDIVIDUAL
from laborwatch.synth.enterprises import Enterprises
from laborwatch.synth.episodes import (
    COLLECTIVE_DISPUTE,
    LAYOFF_NOTICE_DAYS,
    MASS_LAYOFF,
    Episodes,
)
from laborwatch.synth.months import Window, days_between, month_label_array

COURT_KINDS = ("labor_arbitration", "labor_lawsuit", "enforcement")
ARBITRATION, LAWSUIT, ENFORCEMENT = range(3)
BACKGROUND_COURT_RATE = 0.004  # filings per trading enterprise and month
BACKGROUND_COURT_KINDS = np.array([0.7, 0.22, 0.08])
CLAIM_MEDIAN, CLAIM_SPREAD = 15_000, 0.8
# The feed's natural key: two filings alike in all of these are one filing.
COURT_FILING_KEY = ("credit_code", "filed_on", "kind", "plaintiffs", "amount")

REASON_NO_CONTACT = "通过登记的住所或者经营场所无法联系"
REASON_ANNUAL_REPORT = "未依照《企业信息公示暂行条例》第八条规定的期限公示年度报告"
REASON_SHOP_ANNUAL_REPORT = "未按规定报送年度报告"
REASON_FALSE_INFORMATION = "公示企业信息隐瞒真实情况、弄虚作假"
ANNUAL_REPORT_MISS_RATE = {COMPANY: 0.03, INDIVIDUAL: 0.05}  # of micro enterprises, each July
NO_CONTACT_RATE = 0.0004  # per trading enterprise and month
FALSE_INFORMATION_RATE = 0.00005
EPISODE_NO_CONTACT_SHARE = 0.3  # the boss is gone after wage arrears or a dispute


@dataclass(frozen=True)
class Dated:
    """Rows of one event feed before they become a table: enterprise index and date."""

    enterprise: np.ndarray
    day: np.ndarray

    def inside(self, window: Window) -> np.ndarray:
        return (self.day >= window.first_day) & (self.day <= window.last_day)


@dataclass(frozen=True)
class EventSources:
    """What every event feed is drawn from: the firms, their risk episodes, the one-off blips
    (distractors) and the months of the window."""

    enterprises: Enterprises
    episodes: Episodes
    blips: Blips
    window: Window

    def day_in_blip_month(self, rng: np.random.Generator, rows: np.ndarray) -> np.ndarray:
        """A random day within the month each of these blips falls in."""
        months = self.blips.month[rows]
        return days_between(rng, self.window.month_starts[months], self.window.month_end(months))


def event_table(
    enterprises: Enterprises,
    window: Window,
    dated: Dated,
    date_column: str,
    key: tuple[str, ...],
    **values: pa.Array,
) -> pa.Table:
    """Rows inside the window, sorted by date (stable), with `month` and `credit_code`;
    a row repeating an earlier one's `key` (a feed's natural key) is dropped."""
    keep = np.flatnonzero(dated.inside(window))
    order = keep[np.argsort(dated.day[keep], kind="stable")]
    columns = {
        "month": pa.array(month_label_array(window, window.month_index(dated.day[order]))),
        date_column: pa.array(dated.day[order], pa.date32()),
        "credit_code": enterprises.credit_code.take(dated.enterprise[order]),
    }
    columns.update({name: value.take(order) for name, value in values.items()})
    table = pa.table(columns)
    first = (
        table.append_column("row", pa.array(np.arange(table.num_rows)))
        .group_by(list(key), use_threads=False)
        .aggregate([("row", "min")])
    )
    return table.take(np.sort(first.column("row_min").to_numpy()))


def court_filings(rng: np.random.Generator, sources: EventSources) -> pa.Table:
    """劳动仲裁 / 劳动争议诉讼 / 执行 filings: background, one-off blips, and clusters that
    build around each episode's outbreak and follow it for months."""
    enterprises, blips, window = sources.enterprises, sources.blips, sources.window
    firm = background_enterprises(rng, enterprises, window, BACKGROUND_COURT_RATE, 0.7)
    first, last = trading_days(enterprises, window, firm)
    background = Dated(firm, days_between(rng, first, last))
    background_kind = rng.choice(3, len(firm), p=BACKGROUND_COURT_KINDS)
    background_plaintiffs = np.where(rng.random(len(firm)) < 0.85, 1, rng.integers(2, 6, len(firm)))

    lawsuit = blips.of_kind(blip.SINGLE_LAWSUIT)
    one_off = Dated(blips.enterprise[lawsuit], sources.day_in_blip_month(rng, lawsuit))
    one_off_kind = np.where(rng.random(len(lawsuit)) < 0.6, ARBITRATION, LAWSUIT)

    cluster, cluster_kind, cluster_plaintiffs, per_worker = episode_filings(rng, sources.episodes)
    dated = Dated(
        np.concatenate([background.enterprise, one_off.enterprise, cluster.enterprise]),
        np.concatenate([background.day, one_off.day, cluster.day]),
    )
    kind = np.concatenate([background_kind, one_off_kind, cluster_kind])
    plaintiffs = np.concatenate(
        [background_plaintiffs, np.ones(len(lawsuit), np.int64), cluster_plaintiffs]
    )
    claim = np.exp(rng.normal(np.log(CLAIM_MEDIAN), CLAIM_SPREAD, len(kind)))
    claim[len(kind) - len(per_worker) :] = per_worker * rng.uniform(0.6, 1.2, len(per_worker))
    return event_table(
        enterprises,
        window,
        dated,
        "filed_on",
        COURT_FILING_KEY,
        kind=pa.array(COURT_KINDS).take(kind),
        plaintiffs=pa.array(plaintiffs, pa.int64()),
        amount=pa.array(np.round(plaintiffs * claim, -2), pa.int64()),
    )


def episode_filings(rng: np.random.Generator, episodes: Episodes) -> tuple:
    """(dated, kind, plaintiffs, claim per plaintiff) of the filings around each outbreak.

    Workers file after their harm: from a week after the first missed payday (or the layoff,
    or the gathering) over the months that follow; lawsuits follow failed arbitration,
    enforcement follows judgments.
    """
    collective = episodes.kind == COLLECTIVE_DISPUTE
    count = np.where(
        collective, 2 + rng.poisson(3, episodes.count), 1 + rng.poisson(2, episodes.count)
    )
    episode = np.repeat(np.arange(episodes.count), count)
    offset = np.round(rng.gamma(2.0, 20.0, len(episode)) + 7).astype(np.int64)
    kind = np.full(len(episode), ARBITRATION)
    late = offset > 45
    kind[late] = np.where(rng.random(late.sum()) < 0.7, LAWSUIT, ARBITRATION)
    later = offset > 120
    kind[later] = np.where(rng.random(later.sum()) < 0.6, ENFORCEMENT, LAWSUIT)
    plaintiffs = np.where(
        episodes.kind[episode] == MASS_LAYOFF,
        rng.integers(1, 21, len(episode)),
        rng.integers(1, 6, len(episode)),
    )
    # The first filing of a collective dispute is the group's own (集体仲裁).
    group = (np.diff(episode, prepend=-1) != 0) & collective[episode]
    share = rng.uniform(0.3, 1.0, len(episode))
    group_size = np.round(episodes.workers_involved[episode] * share)
    plaintiffs = np.where(group, np.maximum(10, group_size), plaintiffs)
    per_worker = episodes.amount_involved[episode] / np.maximum(
        episodes.workers_involved[episode], 1
    )
    harm = np.where(np.isnat(episodes.wage_onset_day), episodes.onset_day, episodes.wage_onset_day)[
        episode
    ]
    dated = Dated(episodes.enterprise[episode], harm + offset)
    return dated, kind, plaintiffs.astype(np.int64), per_worker


def abnormal_listings(rng: np.random.Generator, sources: EventSources) -> pa.Table:
    """经营异常名录 listings: the July wave for missed annual reports, unreachable addresses
    (some right after an episode's outbreak), and rare false filings."""
    enterprises, episodes, window = sources.enterprises, sources.episodes, sources.window
    parts: list[tuple[Dated, np.ndarray]] = []
    micro = enterprises.active & (enterprises.size_band == 0)
    for july in window.months[window.calendar_months == 7]:
        year_start = july.astype("datetime64[Y]").astype("datetime64[D]")
        registered = enterprises.established < year_start
        for kind, rate in ANNUAL_REPORT_MISS_RATE.items():
            candidates = micro & registered & (enterprises.kind == kind)
            rows = np.flatnonzero(candidates & (rng.random(enterprises.count) < rate))
            start = np.full(len(rows), july.astype("datetime64[D]"))
            day = days_between(rng, start, start + 14)
            reason = REASON_ANNUAL_REPORT if kind == COMPANY else REASON_SHOP_ANNUAL_REPORT
            parts.append((Dated(rows, day), np.full(len(rows), reason)))
    for rate, reason in (
        (NO_CONTACT_RATE, REASON_NO_CONTACT),
        (FALSE_INFORMATION_RATE, REASON_FALSE_INFORMATION),
    ):
        rows = background_enterprises(rng, enterprises, window, rate, 0.0)
        first, last = trading_days(enterprises, window, rows)
        parts.append((Dated(rows, days_between(rng, first, last)), np.full(len(rows), reason)))
    gone = np.flatnonzero(
        (episodes.kind != MASS_LAYOFF) & (rng.random(episodes.count) < EPISODE_NO_CONTACT_SHARE)
    )
    day = episodes.onset_day[gone] + rng.integers(20, 91, len(gone))
    parts.append((Dated(episodes.enterprise[gone], day), np.full(len(gone), REASON_NO_CONTACT)))
    dated = Dated(
        np.concatenate([d.enterprise for d, _ in parts]).astype(np.int64),
        np.concatenate([d.day for d, _ in parts]),
    )
    reasons = pa.array(np.concatenate([r for _, r in parts]).astype(str))
    return event_table(
        enterprises, window, dated, "listed_on", ("credit_code", "listed_on"), reason=reasons
    )


def layoff_filings(rng: np.random.Generator, sources: EventSources) -> pa.Table:
    """裁员备案: the mass layoffs of episodes that are reported (about thirty days before the
    layoff day; the others lay off without a report) and minor layoffs."""
    episodes, blips = sources.episodes, sources.blips
    layoff = np.flatnonzero((episodes.kind == MASS_LAYOFF) & episodes.layoff_filed)
    notice = LAYOFF_NOTICE_DAYS + rng.integers(-5, 6, len(layoff))
    minor = blips.of_kind(blip.MINOR_LAYOFF)
    minor_day = sources.day_in_blip_month(rng, minor)
    dated = Dated(
        np.concatenate([episodes.enterprise[layoff], blips.enterprise[minor]]),
        np.concatenate([episodes.onset_day[layoff] - notice, minor_day]),
    )
    laid_off = np.concatenate(
        [episodes.staff_before[layoff] - episodes.staff[layoff], blips.shortfall[minor]]
    )
    staff = np.concatenate(
        [episodes.staff_before[layoff], blips.staff[minor] + blips.shortfall[minor]]
    )
    return event_table(
        sources.enterprises,
        sources.window,
        dated,
        "filed_on",
        ("credit_code", "filed_on"),
        layoff_count=pa.array(laid_off, pa.int64()),
        staff_count=pa.array(staff, pa.int64()),
    )
