"""The load test's users (locust): hotline and district union staff at work on the app.

Run by benchmarks/load_test.py, which builds the city, writes the accounts and the work
orders each may open to the JSON file named by LABORWATCH_LOAD_PLAN and starts the server.
Each simulated user works in a session of one bench account (centre staff: the whole city; district
union staff: one district) and, with a pause between requests (LABORWATCH_LOAD_WAIT, "3,10"
seconds by default, a person reading what they opened), mixes what staff do: the inbox, the
work-order list with filters, a work order's page, a registry search, the warnings board, the
dashboard, a note written on a work order they handle, and now and then an Excel export of
last month's work orders in their scope. Every response must be 200 (a redirect after the
note's POST, followed, ends on the work order's page), or locust counts a failure.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
from itertools import count
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task

PLAN: dict[str, Any] = json.loads(Path(os.environ["LABORWATCH_LOAD_PLAN"]).read_text("utf-8"))
WAIT = [float(part) for part in os.environ.get("LABORWATCH_LOAD_WAIT", "3,10").split(",")]
ACCOUNTS = count()
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LIST_FILTERS = [
    {},
    {"status": "open"},
    {"light": "red"},
    {"status": "closed"},
    {"category": "WAGE.ARREARS"},
    {"page": "3"},
]


class Staff(HttpUser):
    wait_time = between(*WAIT)

    def on_start(self) -> None:
        # Signed in already (load_test.py opened a session per account): the password's hash
        # is slow on purpose, and 50 sign-ins at once are not the working day measured here.
        self.account = PLAN["accounts"][next(ACCOUNTS) % len(PLAN["accounts"])]
        self.client.cookies.set(PLAN["session_cookie"], self.account["session"])

    @task(4)
    def inbox(self) -> None:
        self.client.get("/cases/inbox/", name="inbox")

    @task(4)
    def case_list(self) -> None:
        self.client.get("/cases/", params=random.choice(LIST_FILTERS), name="case list")

    @task(4)
    def case_detail(self) -> None:
        number = random.choice(self.account["cases"])
        self.client.get(f"/cases/{number}/", name="case detail")

    @task(3)
    def registry_search(self) -> None:
        query = random.choice(PLAN["fragments"])
        self.client.get("/enterprises/", params={"q": query}, name="registry search")

    @task(2)
    def warnings_board(self) -> None:
        self.client.get("/warnings/", name="warnings board")

    @task(2)
    def dashboard(self) -> None:
        self.client.get("/", name="dashboard")

    @task(1)
    def note(self) -> None:
        """A note on a work order the user handles: the detail page, then the POST."""
        if not self.account["handled"]:
            return
        number = random.choice(self.account["handled"])
        page = self.client.get(f"/cases/{number}/", name="case detail")
        token = CSRF_INPUT.search(page.text)
        version = re.search(r'name="version" value="(\d+)"', page.text)
        if token is None or version is None:
            return
        self.client.post(
            f"/cases/{number}/act/note/",
            {
                "csrfmiddlewaretoken": token.group(1),
                "version": version.group(1),
                "note": "已电话联系职工，约定明日到单位协调。",
            },
            name="action: note",
        )

    @task(1)
    def export(self) -> None:
        month_ago = dt.date.today() - dt.timedelta(days=30)
        params = {"format": "xlsx", "received_from": month_ago.isoformat()}
        self.client.get("/cases/", params=params, name="export: work orders xlsx")

    @task(2)
    def healthz(self) -> None:
        self.client.get("/healthz", name="baseline /healthz")
