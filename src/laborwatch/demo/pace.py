"""How long a working centre takes over each step: well within the deadline, now and then late."""

from __future__ import annotations

import datetime as dt
import random

# The share of steps taken after their deadline: a few late, as in a centre that keeps up.
LATE_SHARE = 0.04


def when_done(
    start: dt.datetime,
    due: dt.datetime | None,
    rng: random.Random,
    *,
    late_share: float = LATE_SHARE,
    without_due: dt.timedelta = dt.timedelta(hours=2),
) -> dt.datetime:
    """The moment a step begun at `start` is done, given its deadline `due`.

    Most steps end between a tenth and nine tenths of the time left; `late_share` of them end
    after the deadline, by up to half the window again. A step without a deadline, or begun
    when its deadline had already passed, takes up to `without_due`.
    """
    if due is None or due <= start:
        return start + without_due * rng.uniform(0.1, 1.0)
    window = due - start
    if rng.random() < late_share:
        return due + window * rng.uniform(0.05, 0.5)
    return start + window * rng.uniform(0.1, 0.9)
