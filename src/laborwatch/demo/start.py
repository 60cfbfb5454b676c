"""What `laborwatch demo` does before it serves: accounts, city, history, the public-opinion
list, warnings, each once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from laborwatch.cases.models import Case
from laborwatch.city_load import load_city
from laborwatch.core.models import User
from laborwatch.dashboard.facts import facts_rebuild
from laborwatch.demo.city import city_dir, ensure_city
from laborwatch.demo.history import replay_history
from laborwatch.demo.opinion import POSTS_FILE, replay_opinion
from laborwatch.demo.users import ensure_demo_users
from laborwatch.demo.warnings import prepare_warnings
from laborwatch.enterprises.models import Enterprise
from laborwatch.opinion.models import Event
from laborwatch.warnings.daily import DailyRun
from laborwatch.warnings.models import Warning


@dataclass
class Prepared:
    users: list[User]  # the accounts to list at start-up
    city_dir: Path | None  # None when nothing needed the city
    cases: int  # work orders replayed by this call
    posts: int  # public-opinion posts ingested by this call
    daily: DailyRun | None  # the latest warning run, when this call made the warnings


def prepare(
    *,
    seed: int = 1,
    root: Path | None = None,
    now: dt.datetime | None = None,
    progress: bool = True,
    say: Callable[[str], None] = lambda message: None,
) -> Prepared:
    """Whatever the demo database still lacks: accounts, the city's registry and callers, a
    replayed work-order history, the public-opinion list, warnings. `say` receives a line
    before each long step."""
    now = now or timezone.now()
    root = root or Path(settings.DATA_DIR)
    users = ensure_demo_users()
    today = timezone.localtime(now).date()
    folder = city_dir(root, seed=seed, today=today)
    # A city made before it had a post stream (or none at all this month) has no posts to load.
    opinion_done = Event.objects.exists() or not (folder / POSTS_FILE).exists()
    made = (Enterprise, Case, Warning)
    if opinion_done and all(model.objects.exists() for model in made):
        return Prepared(users, None, 0, 0, None)
    if not (folder / "manifest.json").exists():
        say(_("Generating the demo city…"))
        ensure_city(root, seed=seed, today=today, progress=progress)
    if not Enterprise.objects.exists():
        say(_("Loading the demo city…"))
        load_city(folder, progress=progress)
    cases = 0
    if not Case.objects.exists():
        say(_("Replaying the work orders of the past year…"))
        cases = replay_history(folder, now=now, seed=seed, progress=progress)
    posts = 0
    if not Event.objects.exists():
        # Before the warnings: the daily runs export the events to the risk engine's feed.
        say(_("Loading six months of public-opinion posts and working their events…"))
        posts = replay_opinion(folder, now=now, seed=seed, progress=progress)
    daily = None
    if not Warning.objects.exists():
        say(_("Loading the demo feeds and running the daily warning pipeline…"))
        daily = prepare_warnings(folder, root=root, now=now, seed=seed)
    # The history above was written in bulk in places: the dashboard's figures built whole.
    facts_rebuild(now=now)
    return Prepared(users, folder, cases, posts, daily)
