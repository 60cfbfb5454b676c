"""The demo: accounts, a synthetic city, and the year of work a working centre would have done.

Nothing outside this package and `laborwatch demo` depends on it. Each step is one public
function, in the order `laborwatch demo` calls them (or `prepare`, which calls them all):
ensure_demo_users, ensure_city, city_load.load_city, replay_history, replay_opinion,
prepare_warnings. The history, the public-opinion list and the warnings are made by the real
services, each given the moment it acts.
"""

from laborwatch.demo.city import ensure_city
from laborwatch.demo.history import replay_history
from laborwatch.demo.opinion import replay_opinion
from laborwatch.demo.start import Prepared, prepare
from laborwatch.demo.users import DEMO_PASSWORD, ensure_demo_users
from laborwatch.demo.warnings import prepare_warnings

__all__ = [
    "DEMO_PASSWORD",
    "Prepared",
    "ensure_city",
    "ensure_demo_users",
    "prepare",
    "prepare_warnings",
    "replay_history",
    "replay_opinion",
]
