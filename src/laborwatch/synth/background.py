"""Background occurrences (filings, listings, complaints) spread over trading enterprise-months."""

from __future__ import annotations

import numpy as np

from laborwatch.synth.enterprises import Enterprises
from laborwatch.synth.months import Window


def trading_days(
    enterprises: Enterprises, window: Window, rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(first, last) day each enterprise in `rows` traded within the window."""
    first = np.maximum(enterprises.established[rows], window.first_day)
    return first, np.full(len(rows), window.last_day)


def background_enterprises(
    rng: np.random.Generator, enterprises: Enterprises, window: Window, rate: float, power: float
) -> np.ndarray:
    """Enterprises of background events: a Poisson total over trading enterprise-months,
    shared out with weight staff**power × months traded."""
    first, last = trading_days(enterprises, window, np.arange(enterprises.count))
    months = np.clip((last - first).astype(np.int64) / 30.4, 0, None) * enterprises.active
    weight = months * np.maximum(enterprises.employees, 1) ** power
    if weight.sum() == 0:
        return np.empty(0, dtype=np.int64)
    total = rng.poisson(rate * months.sum())
    return np.sort(rng.choice(enterprises.count, total, p=weight / weight.sum()))
