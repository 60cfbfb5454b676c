"""Monthly department feeds: social insurance, tax, utilities; grain: enterprise × month.

Every active enterprise has a baseline (insured share, wage base, revenue, consumption) and a
slow growth trend anchored so that its last month matches the registry's head count; each
month multiplies the baseline by seasonality, noise and the episode and blip effects.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from laborwatch.synth.enterprise_names import INDIVIDUAL
from laborwatch.synth.enterprises import Enterprises
from laborwatch.synth.industries import SECTION_INDEX, SECTIONS, column
from laborwatch.synth.months import Window
from laborwatch.synth.signals import EnterpriseMonth

# Social-insurance contribution base limits (yuan a month) and the rate without injury
# insurance: pension 16% + 8%, medical 8% + 2%, unemployment 0.7% + 0.3%.
SI_BASE_MIN, SI_BASE_MAX = 4400, 22000
SI_RATE = 0.35
MINIMUM_BASE_SHARE_MICRO = 0.7  # micro firms mostly declare at the lower limit
MICRO_TAX_RATE = 0.012  # small-scale taxpayers
# Micro firms are small-scale taxpayers: most file by the quarter (a return in March, June,
# September and December declaring the quarter's revenue), the rest monthly.
QUARTERLY_TAX_SHARE = 0.7
QUARTER_END_MONTHS = (3, 6, 9, 12)
# Tourism (accommodation and catering H, leisure R): seasonal staff are insured only in the
# season, fewer over the winter months (the seaside city's off-season).
OFF_SEASON_MONTHS, OFF_SEASON_STAFF = (11, 12, 1, 2, 3), 0.8
PEAK_MONTHS, PEAK_STAFF = (7, 8), 1.1
# Data as departments deliver it: a few enterprise-months missing from a month's file (a gap;
# the enterprise is there the month after) and a few credit codes mistyped by one character.
GAP_SHARE = 0.005
MISTYPED_CODE_SHARE = 0.002
INSURED_SHARE_RANGE = ((0.4, 1.0), (0.6, 1.0), (0.8, 1.0), (0.9, 1.0))  # by size band
SHOP_INSURED_SHARE_RANGE = (0.0, 0.8)
GROWTH_MEAN, GROWTH_SPREAD = 0.001, 0.008  # monthly log growth
REVENUE_NOISE = (0.35, 0.12)  # (micro, others)
UTILITY_NOISE = 0.08
BASE_KWH, BASE_WATER = 150.0, 2.0  # a site's consumption before any staff


@dataclass(frozen=True)
class Baseline:
    insured_share: np.ndarray
    growth: np.ndarray
    si_base: np.ndarray
    si_rate: np.ndarray
    revenue: np.ndarray  # a normal month, yuan
    tax_rate: np.ndarray
    kwh: np.ndarray
    water: np.ndarray
    quarterly_tax: np.ndarray  # a small-scale taxpayer filing by the quarter


def draw_baseline(rng: np.random.Generator, enterprises: Enterprises) -> Baseline:
    n = enterprises.count
    industry, band = enterprises.industry, enterprises.size_band
    low = np.array([r[0] for r in INSURED_SHARE_RANGE])[band]
    high = np.array([r[1] for r in INSURED_SHARE_RANGE])[band]
    shop = enterprises.kind == INDIVIDUAL
    low[shop], high[shop] = SHOP_INSURED_SHARE_RANGE
    wage = column("wage")[industry] * rng.uniform(0.85, 1.15, n)
    si_base = np.clip(wage, SI_BASE_MIN, SI_BASE_MAX)
    micro = band == 0
    si_base[micro & (rng.random(n) < MINIMUM_BASE_SHARE_MICRO)] = SI_BASE_MIN
    tax_rate = np.where(
        micro,
        MICRO_TAX_RATE * rng.uniform(0.8, 1.5, n),
        column("tax_rate")[industry] * rng.uniform(0.7, 1.3, n),
    )
    staff = enterprises.employees
    return Baseline(
        insured_share=rng.uniform(low, high),
        growth=rng.normal(GROWTH_MEAN, GROWTH_SPREAD, n),
        si_base=si_base,
        si_rate=SI_RATE + column("injury_rate")[industry],
        revenue=enterprises.annual_revenue / 12,
        tax_rate=tax_rate,
        kwh=BASE_KWH + staff * column("kwh_per_worker")[industry] * rng.lognormal(0, 0.4, n),
        water=BASE_WATER + staff * column("water_per_worker")[industry] * rng.lognormal(0, 0.4, n),
        quarterly_tax=micro & (rng.random(n) < QUARTERLY_TAX_SHARE),
    )


def seasonality(window: Window, month: int) -> dict[str, np.ndarray]:
    """Per-section factors for revenue, electricity, water and site attendance in `month`."""
    calendar = window.calendar_months[month]
    festival = window.festival_months()[month]
    after_festival = window.after_festival_months()[month]
    sections = len(SECTIONS)
    revenue, electricity, water = np.ones(sections), np.ones(sections), np.ones(sections)
    C, E, F, G, H, R = (SECTION_INDEX[s] for s in "CEFGHR")
    if calendar == 12:
        revenue *= 1.15
    if calendar in (7, 8):
        electricity *= 1.25
        water *= 1.2
        revenue[[H, R]] *= 1.25  # the summer seaside season
        water[H] *= 1.15
    elif calendar in (6, 9, 12, 1, 2):  # air conditioning, then heating
        electricity *= 1.1
    if festival:
        revenue *= 0.95
        revenue[[F, H]] *= 1.2
        revenue[C] *= 0.9
        revenue[E] *= 0.65
        electricity[C] *= 0.75
        electricity[E] *= 0.6
        electricity[G] *= 0.85
    if after_festival:
        revenue[E] *= 0.85
    staff = np.ones(sections)
    if calendar in OFF_SEASON_MONTHS:
        staff[[H, R]] *= OFF_SEASON_STAFF
    elif calendar in PEAK_MONTHS:
        staff[[H, R]] *= PEAK_STAFF
    return {"revenue": revenue, "electricity": electricity, "water": water, "staff": staff}


class SocialInsuranceLedger:
    """Outstanding contributions (欠费) carried from month to month."""

    def __init__(self, n: int) -> None:
        self.arrears = np.zeros(n, dtype=np.int64)

    def post(self, due: np.ndarray, effects: EnterpriseMonth) -> tuple[np.ndarray, np.ndarray]:
        """(paid, arrears after this month) for every enterprise."""
        paid_now = np.round(due * effects.pay_share).astype(np.int64)
        settled = np.where(effects.settle, self.arrears, 0)
        self.arrears = self.arrears + due - paid_now - settled
        return paid_now + settled, self.arrears.copy()


@dataclass
class MonthlyFeeds:
    """Builds the three enterprise × month feeds, one month at a time."""

    enterprises: Enterprises
    baseline: Baseline
    window: Window

    def __post_init__(self) -> None:
        self.ledger = SocialInsuranceLedger(self.enterprises.count)
        self.micro = self.enterprises.size_band == 0
        self.quarterly = self.baseline.quarterly_tax
        self.quarter_revenue = np.zeros(self.enterprises.count)
        self.insures_someone = (self.enterprises.kind != INDIVIDUAL) & (
            self.enterprises.employees > 0
        )

    def trading(self, month: int) -> np.ndarray:
        """Enterprises registered by the end of `month` and still trading."""
        established = self.enterprises.established <= self.window.month_end(month)
        return self.enterprises.active & established

    def build(
        self, rng: np.random.Generator, month: int, effects: EnterpriseMonth
    ) -> dict[str, pa.Table]:
        ent, base = self.enterprises, self.baseline
        n = ent.count
        trend = np.exp(base.growth * (month - (self.window.count - 1)))
        season = seasonality(self.window, month)
        staff = ent.employees * trend * effects.staff * season["staff"][ent.industry]
        insured = np.round(staff * base.insured_share).astype(np.int64)
        # A company insures at least its legal representative; a shop may insure nobody.
        insured = np.where(self.insures_someone, np.maximum(insured, 1), insured)
        due = np.round(insured * base.si_base * base.si_rate).astype(np.int64)
        paid, arrears = self.ledger.post(due, effects)
        noise = np.where(self.micro, REVENUE_NOISE[0], REVENUE_NOISE[1])
        revenue = base.revenue * trend * effects.revenue * season["revenue"][ent.industry]
        revenue = np.round(revenue * rng.lognormal(0, noise)).astype(np.int64)
        utility = trend * effects.utility
        kwh = base.kwh * utility * season["electricity"][ent.industry]
        water = base.water * utility * season["water"][ent.industry]
        kwh = np.round(kwh * rng.lognormal(0, UTILITY_NOISE, n)).astype(np.int64)
        water = np.round(water * rng.lognormal(0, UTILITY_NOISE, n)).astype(np.int64)
        trading = self.trading(month)
        # A quarterly filer declares the quarter's revenue in its last month.
        quarter_end = self.window.calendar_months[month] in QUARTER_END_MONTHS
        self.quarter_revenue += np.where(self.quarterly, revenue, 0)
        declared = np.where(self.quarterly, self.quarter_revenue, revenue).astype(np.int64)
        if quarter_end:
            self.quarter_revenue[:] = 0
        filing = trading & (quarter_end | ~self.quarterly)
        tax = np.round(declared * base.tax_rate).astype(np.int64)
        label = str(self.window.months[month])

        def delivered(rows: np.ndarray) -> np.ndarray:
            return np.flatnonzero(rows & (rng.random(n) >= GAP_SHARE))

        return {
            "social_insurance": feed_table(
                ent, delivered(trading), label, rng,
                insured_headcount=insured, amount_due=due, amount_paid=paid, arrears=arrears,
            ),
            "tax": feed_table(
                ent, delivered(filing), label, rng, taxable_revenue=declared, tax_paid=tax
            ),
            "utilities": feed_table(
                ent, delivered(trading), label, rng, electricity_kwh=kwh, water_m3=water
            ),
        }  # fmt: skip


def feed_table(
    enterprises: Enterprises,
    rows: np.ndarray,
    month: str,
    rng: np.random.Generator,
    **values: np.ndarray,
) -> pa.Table:
    columns = {
        "month": pa.repeat(month, len(rows)),
        "credit_code": mistyped(rng, enterprises.credit_code.take(rows)),
    }
    columns.update({name: pa.array(value[rows], pa.int64()) for name, value in values.items()})
    return pa.table(columns)


def mistyped(rng: np.random.Generator, codes: pa.Array) -> pa.Array:
    """The codes with MISTYPED_CODE_SHARE of them mistyped: one digit of the organisation
    code changed (the check character then fails, almost always)."""
    wrong = np.flatnonzero(rng.random(len(codes)) < MISTYPED_CODE_SHARE)
    if len(wrong) == 0:
        return codes
    text = np.array(codes.to_pylist(), dtype=object)
    position = rng.integers(8, 17, len(wrong))
    for row, at in zip(wrong, position, strict=True):
        code = text[row]
        digit = str((int(code[at]) + 1) % 10) if code[at].isdigit() else "1"
        text[row] = code[:at] + digit + code[at + 1 :]
    return pa.array(text.tolist(), pa.string())
