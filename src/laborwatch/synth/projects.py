"""Construction-style projects with a 农民工工资专用账户; grain: one row per project."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pyarrow as pa

from laborwatch.synth.codes import as_strings, decimal_digits, redraw_until_unique
from laborwatch.synth.districts import CODES, roads
from laborwatch.synth.enterprise_names import COMPANY, company_brands
from laborwatch.synth.enterprises import Enterprises
from laborwatch.synth.industries import PROJECT_SHARE, SECTION_INDEX, by_section
from laborwatch.synth.months import Window, yyyymmdd
from laborwatch.synth.vocab import Vocabulary, join, where, words_by_group

MICRO_CONTRACTOR_SHARE = 0.35  # micro builders that hold a project of their own
STAFF_PER_EXTRA_PROJECT = 120
MAX_PROJECTS = 15
MIN_MONTHS, MAX_MONTHS = 6, 30
MIN_PEAK, MAX_PEAK = 10, 800
WAGE_MEAN, WAGE_SPREAD, WAGE_MIN, WAGE_MAX = 7200, 900, 5000, 11000

HOUSING = Vocabulary.of(
    ["花园", "小区", "名苑", "华府", "家园", "雅居", "新城", "公馆", "御园", "尚城", "佳苑", "嘉园"]
)
PHASES = Vocabulary.of(["", "一期", "二期", "三期", "四期"], [0.35, 0.25, 0.22, 0.12, 0.06])
HOUSING_WORKS = Vocabulary.of(["工程", "项目", "建设项目", "住宅楼工程"], [0.4, 0.3, 0.2, 0.1])
PUBLIC_WORKS = Vocabulary.of(
    ["道路改造工程", "管网改造工程", "综合整治工程", "提升改造工程", "雨污分流工程"]
)
INDUSTRIAL_WORKS = Vocabulary.of(
    ["产业园建设项目", "物流园一期工程", "商业综合体项目", "科技园新建工程", "厂房扩建工程"]
)
HOUSING_KIND, PUBLIC_KIND, INDUSTRIAL_KIND = 0, 1, 2
# Builders mostly put up housing; water, power and factory firms build for their own trade.
KIND_MIX_BUILDERS = [0.6, 0.2, 0.2]
KIND_MIX_OTHERS = [0.0, 0.6, 0.4]


@dataclass(frozen=True)
class Projects:
    contractor: np.ndarray  # enterprise index of the general contractor (总包), ascending
    start: np.ndarray  # first month, as an index of the window (negative: before it)
    end: np.ndarray  # last month, inclusive
    peak: np.ndarray  # attending head count at the height of the works
    monthly_wage: np.ndarray  # yuan per attending worker
    code: pa.Array  # 施工许可证编号-like: division + yyyymmdd + serial
    name: pa.Array

    @property
    def count(self) -> int:
        return len(self.contractor)

    def first_of_contractor(self, enterprise_count: int) -> tuple[np.ndarray, np.ndarray]:
        """(index of first project, number of projects) for every enterprise."""
        counts = np.bincount(self.contractor, minlength=enterprise_count)
        return np.concatenate([[0], np.cumsum(counts)[:-1]]), counts

    def active(self, month: int) -> np.ndarray:
        return (self.start <= month) & (month <= self.end)

    def moved(self, rows: np.ndarray, start: np.ndarray, end: np.ndarray) -> Projects:
        """These projects with `rows` rescheduled to run from `start` to `end`."""
        new_start, new_end = self.start.copy(), self.end.copy()
        new_start[rows], new_end[rows] = start, end
        return replace(self, start=new_start, end=new_end)


def project_counts(rng: np.random.Generator, enterprises: Enterprises) -> np.ndarray:
    n = enterprises.count
    share = by_section(PROJECT_SHARE)[enterprises.industry]
    contracting = enterprises.active & (enterprises.kind == COMPANY) & (rng.random(n) < share)
    micro = enterprises.size_band == 0
    counts = 1 + rng.poisson(enterprises.employees / STAFF_PER_EXTRA_PROJECT)
    counts[micro] = rng.random(micro.sum()) < MICRO_CONTRACTOR_SHARE
    return np.where(contracting, np.minimum(counts, MAX_PROJECTS), 0)


def project_codes(
    rng: np.random.Generator, division: np.ndarray, start_day: np.ndarray
) -> pa.Array:
    """Unique 18-digit codes: division code, permit date (yyyymmdd), four-digit serial."""
    stem = division.astype(np.int64) * 10**12 + yyyymmdd(start_day) * 10**4

    def draw(rows: np.ndarray) -> np.ndarray:
        return stem[rows] + rng.integers(101, 10_000, len(rows))

    codes = redraw_until_unique(draw(np.arange(len(stem))), draw)
    return as_strings(decimal_digits(codes, 18))


def project_names(rng: np.random.Generator, kind: np.ndarray, district: np.ndarray) -> pa.Array:
    """青岛锦华名苑二期工程, 香港中路道路改造工程, 宏泰产业园建设项目 …"""
    n = len(kind)
    first, second, _ = company_brands(rng, n)
    brand = join(first, second)
    city = where(rng.random(n) < 0.6, pa.repeat("青岛", n), "")
    housing = join(
        city, brand, HOUSING.draw(rng, n), PHASES.draw(rng, n), HOUSING_WORKS.draw(rng, n)
    )
    public = join(words_by_group(rng, district, roads()), PUBLIC_WORKS.draw(rng, n))
    industrial = join(city, brand, INDUSTRIAL_WORKS.draw(rng, n))
    return where(kind == HOUSING_KIND, housing, where(kind == PUBLIC_KIND, public, industrial))


def plan_projects(rng: np.random.Generator, enterprises: Enterprises, window: Window) -> Projects:
    counts = project_counts(rng, enterprises)
    contractor = np.repeat(np.arange(enterprises.count), counts)
    n = len(contractor)
    months = rng.integers(MIN_MONTHS, MAX_MONTHS + 1, n)
    start = rng.integers(-months + 1, window.count)
    established = window.month_index(enterprises.established[contractor])
    start = np.maximum(start, established)
    staff = enterprises.employees[contractor]
    peak = np.exp(rng.normal(np.log(30 + 0.8 * staff), 0.5))
    wage = np.clip(rng.normal(WAGE_MEAN, WAGE_SPREAD, n), WAGE_MIN, WAGE_MAX)
    builder = enterprises.industry[contractor] == SECTION_INDEX["E"]
    kind = np.where(
        builder,
        rng.choice(3, n, p=KIND_MIX_BUILDERS),
        rng.choice(3, n, p=KIND_MIX_OTHERS),
    )
    start_day = (window.months[0] + start).astype("datetime64[D]") + rng.integers(0, 28, n)
    district = enterprises.district[contractor]
    return Projects(
        contractor=contractor,
        start=start,
        end=start + months - 1,
        peak=np.clip(np.round(peak), MIN_PEAK, MAX_PEAK).astype(np.int64),
        monthly_wage=np.round(wage, -2),
        code=project_codes(rng, CODES[district], start_day),
        name=project_names(rng, kind, district),
    )
