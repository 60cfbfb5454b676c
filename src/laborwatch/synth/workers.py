"""The workforce (职工); grain: one row per worker, numbered employer by employer."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from laborwatch.synth.codes import id_numbers, mobile_phones
from laborwatch.synth.districts import CODES, local_id_regions, migrant_id_regions
from laborwatch.synth.enterprises import Enterprises
from laborwatch.synth.industries import column
from laborwatch.synth.months import Window
from laborwatch.synth.names import person_names

MIN_AGE, MAX_AGE = 19, 66
MEAN_AGE, AGE_SPREAD = 39.0, 10.5
# Locals are mostly registered in the district where they work.
SAME_DISTRICT_SHARE = 0.55


def employer_of_workers(enterprises: Enterprises) -> np.ndarray:
    """Enterprise index of every worker: worker k works for the enterprise whose block holds k."""
    return np.repeat(np.arange(enterprises.count), enterprises.employees)


def birth_days(rng: np.random.Generator, n: int, window: Window) -> np.ndarray:
    """Birth dates of a working population: born in the years that make them MIN_AGE to
    MAX_AGE at the window's end (1960-2007 for a window ending in 2026)."""
    end_year = int(str(window.last_day)[:4])
    earliest = np.datetime64(f"{end_year - MAX_AGE}-01-01")
    latest = np.datetime64(f"{end_year - MIN_AGE}-12-31")
    birth = window.last_day - (rng.normal(MEAN_AGE, AGE_SPREAD, n) * 365.25).astype(np.int64)
    # Redraw the tails uniformly rather than clip them: clipping would pile thousands of
    # people onto one birthday and exhaust its identity-number sequence space.
    outside = (birth < earliest) | (birth > latest)
    span = (latest - earliest).astype(np.int64) + 1
    birth[outside] = earliest + rng.integers(0, span, outside.sum())
    return birth


def id_regions(
    rng: np.random.Generator, employer_district: np.ndarray, migrant: np.ndarray
) -> np.ndarray:
    n = len(migrant)
    local_codes, local_probabilities = local_id_regions()
    region = local_codes[rng.choice(len(local_codes), n, p=local_probabilities)]
    same = rng.random(n) < SAME_DISTRICT_SHARE
    region[same] = CODES[employer_district[same]]
    home_codes, home_probabilities = migrant_id_regions()
    region[migrant] = home_codes[rng.choice(len(home_codes), migrant.sum(), p=home_probabilities)]
    return region


def generate_workers(
    rng: np.random.Generator, enterprises: Enterprises, window: Window
) -> pa.Table:
    employer = employer_of_workers(enterprises)
    n = len(employer)
    industry = enterprises.industry[employer]
    male = rng.random(n) < column("male_share")[industry]
    migrant = rng.random(n) < column("migrant_share")[industry]
    region = id_regions(rng, enterprises.district[employer], migrant)
    birth = birth_days(rng, n, window)
    return pa.table(
        {
            "worker_key": pa.array(np.arange(1, n + 1), pa.int64()),
            "name": person_names(rng, male),
            "id_number": id_numbers(rng, region=region, birth=birth, male=male),
            "gender": pa.array(np.where(male, "男", "女")),
            "phone": mobile_phones(rng, n),
            "employer_credit_code": enterprises.credit_code.take(employer),
        }
    )
