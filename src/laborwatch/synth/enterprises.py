"""The enterprise registry (市场主体登记); grain: one row per enterprise."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from laborwatch.synth import enterprise_names
from laborwatch.synth.codes import credit_codes
from laborwatch.synth.districts import CODES, NAMES, district_probabilities, roads
from laborwatch.synth.enterprise_names import COMPANY, COOPERATIVE, INDIVIDUAL, NameParts
from laborwatch.synth.industries import (
    COOPERATIVE_SHARE,
    INDIVIDUAL_BUSINESS_SHARE,
    SECTIONS,
    SIZE_BANDS,
    by_section,
    column,
    threshold_columns,
)
from laborwatch.synth.months import Window
from laborwatch.synth.vocab import Vocabulary, join, where, words_by_group

STATUSES = ("存续", "在业", "吊销", "注销")
STATUS_SHARES = np.array([0.86, 0.09, 0.03, 0.02])
ACTIVE_STATUS_COUNT = 2  # 存续 and 在业 trade; 吊销 (revoked) and 注销 (deregistered) do not

SHOP_STAFF_MEAN, SHOP_STAFF_MAX = 1.2, 8
COOPERATIVE_MEDIAN_STAFF, COOPERATIVE_SPREAD = 4.0, 0.8
REVENUE_SPREAD = 0.5
MEAN_AGE_YEARS, MAX_AGE_YEARS = 7.0, 40.0
# Organisation codes inside credit codes took the "MA…" form when 三证合一 began.
NEW_STYLE_CODES_FROM = np.datetime64("2015-10-01")

CAPITAL_LADDERS = {
    COMPANY: np.array([1e5, 3e5, 5e5, 1e6, 2e6, 3e6, 5e6, 1e7, 2e7, 3e7, 5e7, 1e8, 2e8, 5e8, 1e9]),
    INDIVIDUAL: np.array([1e4, 2e4, 3e4, 5e4, 1e5, 2e5]),
    COOPERATIVE: np.array([1e5, 2e5, 5e5, 1e6, 2e6, 5e6]),
}
ADDRESS_PREFIXES = Vocabulary.of(["山东省青岛市", "青岛市"], [0.6, 0.4])
# Branches (分公司) and their head office (隶属企业) in the registry: staff moved between
# them is a transfer within one legal person, not a layoff.
BRANCH_SHARE = 0.04  # of trading companies that are not head offices themselves
MIN_HEAD_OFFICE_STAFF = 20


@dataclass(frozen=True)
class Enterprises:
    industry: np.ndarray  # section index into industries.INDUSTRIES
    kind: np.ndarray  # COMPANY, INDIVIDUAL or COOPERATIVE
    district: np.ndarray  # index into districts.DISTRICTS
    status: np.ndarray  # index into STATUSES
    established: np.ndarray  # datetime64[D]
    employees: np.ndarray
    annual_revenue: np.ndarray  # yuan
    size_band: np.ndarray  # index into SIZE_BANDS
    registered_capital: np.ndarray  # yuan
    credit_code: pa.Array
    parts: NameParts
    name: pa.Array
    short_name: pa.Array
    former_names: pa.ListArray
    address: pa.Array
    parent: np.ndarray  # index of a branch's head office (隶属企业), else -1

    @property
    def count(self) -> int:
        return len(self.industry)

    @property
    def active(self) -> np.ndarray:
        return self.status < ACTIVE_STATUS_COUNT

    @property
    def first_worker(self) -> np.ndarray:
        """Index of each enterprise's first worker: workers are numbered employer by employer."""
        return np.concatenate([[0], np.cumsum(self.employees)[:-1]])

    def table(self) -> pa.Table:
        return pa.table(
            {
                "credit_code": self.credit_code,
                "name": self.name,
                "short_name": self.short_name,
                "former_names": self.former_names,
                "district": pa.array(NAMES).take(self.district),
                "industry": pa.array(SECTIONS).take(self.industry),
                "size_band": pa.array(SIZE_BANDS).take(self.size_band),
                "registered_capital": pa.array(self.registered_capital, pa.int64()),
                "status": pa.array(STATUSES).take(self.status),
                "address": self.address,
                "employee_count": pa.array(self.employees, pa.int64()),
                "established_on": pa.array(self.established, pa.date32()),
                "parent_credit_code": self.credit_code.take(
                    pa.array(np.where(self.parent >= 0, self.parent, 0), mask=self.parent < 0)
                ),
            }
        )

    def affiliates(self) -> tuple[np.ndarray, np.ndarray]:
        """(enterprise, affiliate) pairs in both directions: each branch with its head office."""
        branch = np.flatnonzero(self.parent >= 0)
        head = self.parent[branch]
        return np.concatenate([branch, head]), np.concatenate([head, branch])


def draw_kinds(rng: np.random.Generator, industry: np.ndarray) -> np.ndarray:
    draw = rng.random(len(industry))
    individual_share = by_section(INDIVIDUAL_BUSINESS_SHARE)[industry]
    cooperative_share = by_section(COOPERATIVE_SHARE)[industry]
    kind = np.full(len(industry), COMPANY, dtype=np.int8)
    kind[draw < individual_share] = INDIVIDUAL
    kind[(draw >= individual_share) & (draw < individual_share + cooperative_share)] = COOPERATIVE
    return kind


def draw_parents(
    rng: np.random.Generator, kind: np.ndarray, industry: np.ndarray, staff: np.ndarray
) -> np.ndarray:
    """A head office for about BRANCH_SHARE of trading companies: a company of the same
    section, not a branch itself, with MIN_HEAD_OFFICE_STAFF or more (-1 for the rest)."""
    n = len(kind)
    trading = (kind == COMPANY) & (staff > 0)
    branch = trading & (rng.random(n) < BRANCH_SHARE)
    heads = np.flatnonzero(trading & ~branch & (staff >= MIN_HEAD_OFFICE_STAFF))
    heads = heads[np.argsort(industry[heads], kind="stable")]
    first = np.searchsorted(industry[heads], np.arange(len(SECTIONS)))
    count = np.bincount(industry[heads], minlength=len(SECTIONS))
    pick = first[industry] + np.floor(rng.random(n) * count[industry]).astype(np.int64)
    parent = np.where(branch & (count[industry] > 0), heads[np.minimum(pick, len(heads) - 1)], -1)
    return parent if len(heads) else np.full(n, -1)


def draw_districts(rng: np.random.Generator, industry: np.ndarray) -> np.ndarray:
    probabilities = district_probabilities()
    cumulative = np.cumsum(probabilities, axis=1)[industry]
    district = (rng.random(len(industry))[:, None] > cumulative).sum(axis=1)
    return np.minimum(district, probabilities.shape[1] - 1)


def allocate_staff(
    rng: np.random.Generator,
    *,
    industry: np.ndarray,
    kind: np.ndarray,
    active: np.ndarray,
    total_workers: int,
) -> np.ndarray:
    """Head counts summing exactly to `total_workers`: shops get a few staff, companies and
    co-operatives at least one plus a lognormal share of the rest, so that the tail of big
    employers is as heavy as the section's spread says."""
    n = len(industry)
    median = np.where(
        kind == COOPERATIVE, COOPERATIVE_MEDIAN_STAFF, column("median_staff")[industry]
    )
    spread = np.where(kind == COOPERATIVE, COOPERATIVE_SPREAD, column("staff_spread")[industry])
    weight = np.exp(rng.normal(np.log(median), spread))
    shop_staff = np.minimum(1 + rng.poisson(SHOP_STAFF_MEAN, n), SHOP_STAFF_MAX)
    staff = np.zeros(n, dtype=np.int64)
    shops = active & (kind == INDIVIDUAL)
    staff[shops] = shop_staff[shops]
    firms = np.flatnonzero(active & (kind != INDIVIDUAL))
    staff[firms] = 1
    # The rest goes to the firms (to the shops in a town with no firm trading at all).
    receivers = firms if len(firms) else np.flatnonzero(shops)
    extra = total_workers - staff.sum()
    if extra < 0 or len(receivers) == 0:
        raise ValueError(
            f"{total_workers} workers cannot staff {active.sum()} trading enterprises "
            "/ 职工人数与在营企业数不相称"
        )
    share = weight[receivers] / weight[receivers].sum() * extra
    whole = np.floor(share).astype(np.int64)
    # The remainder goes one each to the largest fractional parts (stable, so deterministic).
    order = np.argsort(-(share - whole), kind="stable")[: extra - whole.sum()]
    whole[order] += 1
    staff[receivers] += whole
    return staff


def size_bands(industry: np.ndarray, staff: np.ndarray, revenue: np.ndarray) -> np.ndarray:
    """MIIT band: the largest band whose staff AND revenue thresholds the firm reaches."""
    thresholds = threshold_columns()
    band = np.zeros(len(industry), dtype=np.int8)
    for number, name in enumerate(("small", "medium", "large"), start=1):
        reaches = (staff >= thresholds[f"{name}_staff"][industry]) & (
            revenue >= thresholds[f"{name}_revenue"][industry]
        )
        band[reaches & (staff > 0)] = number
    return band


def registered_capital(
    rng: np.random.Generator, kind: np.ndarray, revenue: np.ndarray
) -> np.ndarray:
    """Capital on a ladder of round sums (10万, 50万, 100万 …), tied loosely to turnover."""
    target = np.maximum(revenue, 2e5) * np.exp(rng.normal(-1.2, 0.8, len(kind)))
    capital = np.zeros(len(kind), dtype=np.int64)
    for group, ladder in CAPITAL_LADDERS.items():
        rows = np.flatnonzero(kind == group)
        rung = np.abs(np.log(target[rows])[:, None] - np.log(ladder)[None, :]).argmin(axis=1)
        capital[rows] = ladder[rung].astype(np.int64)
    return capital


def establishment_days(rng: np.random.Generator, staff: np.ndarray, window: Window) -> np.ndarray:
    """Registration date: young firms are many, big employers tend to be old."""
    age_years = rng.exponential(MEAN_AGE_YEARS, len(staff)) + 3.0 * np.log10(staff + 1)
    age_days = (np.minimum(age_years, MAX_AGE_YEARS) * 365.25).astype(np.int64)
    return window.last_day - age_days


def addresses(rng: np.random.Generator, district: np.ndarray) -> pa.Array:
    """山东省青岛市崂山区松岭路169号3号楼1208室 and shorter forms."""
    n = len(district)
    road = words_by_group(rng, district, roads())
    number = np.floor(np.exp(rng.uniform(0, np.log(600), n))).astype(np.int64)
    building = pa.array(rng.integers(1, 30, n)).cast(pa.string())
    room = pa.array(rng.integers(1, 28, n) * 100 + rng.integers(1, 9, n)).cast(pa.string())
    tail_kind = rng.choice(4, n, p=[0.5, 0.15, 0.2, 0.15])
    tail = where(tail_kind == 1, join(building, "号楼"), "")
    tail = where(tail_kind == 2, join(room, "室"), tail)
    tail = where(tail_kind == 3, join(building, "号楼", room, "室"), tail)
    return join(
        ADDRESS_PREFIXES.draw(rng, n),
        pa.array(NAMES).take(district),
        road,
        pa.array(number).cast(pa.string()),
        "号",
        tail,
    )


def generate_enterprises(
    rng: np.random.Generator, *, count: int, total_workers: int, window: Window
) -> Enterprises:
    industry = rng.choice(len(SECTIONS), count, p=column("share") / column("share").sum())
    kind = draw_kinds(rng, industry)
    district = draw_districts(rng, industry)
    status = rng.choice(len(STATUSES), count, p=STATUS_SHARES).astype(np.int8)
    active = status < ACTIVE_STATUS_COUNT
    staff = allocate_staff(
        rng, industry=industry, kind=kind, active=active, total_workers=total_workers
    )
    revenue = (
        staff
        * column("revenue_per_worker")[industry]
        * np.exp(rng.normal(0, REVENUE_SPREAD, count))
    )
    band = size_bands(industry, staff, revenue)
    established = establishment_days(rng, staff, window)
    kind_byte = np.array([ord("1"), ord("2"), ord("3")], dtype=np.uint8)[kind]
    new_style = (established >= NEW_STYLE_CODES_FROM) | (kind != COMPANY)
    codes = credit_codes(rng, kind=kind_byte, division=CODES[district], new_style=new_style)
    parts = enterprise_names.draw_parts(
        rng, kind=kind, industry=industry, district=district, size_band=band
    )
    parts = enterprise_names.unique_parts(rng, parts)
    return Enterprises(
        industry=industry,
        kind=kind,
        district=district,
        status=status,
        established=established,
        employees=staff,
        annual_revenue=revenue,
        size_band=band,
        registered_capital=registered_capital(rng, kind, revenue),
        credit_code=codes,
        parts=parts,
        name=parts.names(),
        short_name=enterprise_names.short_names(rng, parts, kind),
        former_names=enterprise_names.former_names(
            rng, parts, kind=kind, industry=industry, district=district, size_band=band
        ),
        address=addresses(rng, district),
        # drawn last: the registry's other columns stay what the seed gave them before
        parent=draw_parents(rng, kind, industry, staff),
    )
