"""Events out to the risk engine's opinion_events feed, as the daily pipeline exports them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from laborwatch.opinion.feed import export_opinion_events, opinion_event_rows
from laborwatch.risk import store
from laborwatch.risk.feeds import FEEDS
from tests.opinion.support import T0, make_event, verified

pytestmark = pytest.mark.django_db


def stored(root: Path, *columns: str) -> list[tuple]:
    files = store.feed_files(root, FEEDS["opinion_events"])
    table = pa.concat_tables([pq.read_table(path, columns=list(columns)) for path in files])
    return [tuple(row[name] for name in columns) for row in table.to_pylist()]


def test_events_on_the_list_go_out_keyed_by_number(
    tmp_path, registry, org_units, setup_actor, make_user
):
    shinan = org_units["shinan"]
    linked = make_event(district=shinan, enterprise=registry.shinan_enterprise, heat=42.5)
    named = make_event(district=shinan, heat=7.25)
    named.enterprise_named = "青岛某建筑劳务公司"
    named.save()
    make_event(district=shinan, on_list=False)  # not about labour
    make_event(district=shinan)  # naming no employer
    rumour = make_event(district=shinan, enterprise=registry.huangdao_enterprise)
    verified(rumour, setup_actor, make_user("desk", "district_staff", "shinan"), result="untrue")
    table = opinion_event_rows(since=T0 - dt.timedelta(days=1), until=T0)
    assert table.to_pylist() == [
        {
            "event_id": linked.number,
            "first_seen_on": dt.date(2025, 3, 5),
            "credit_code": registry.shinan_enterprise.credit_code,
            "heat": 42.5,
            "posts": 2,
            "enterprise_name": "青岛海岸电子有限公司",
        },
        {
            "event_id": named.number,
            "first_seen_on": dt.date(2025, 3, 5),
            "credit_code": None,
            "heat": 7.25,
            "posts": 2,
            "enterprise_name": "青岛某建筑劳务公司",
        },
    ]
    report = export_opinion_events(tmp_path, as_of=dt.date(2025, 3, 5), now=T0)
    assert report is not None
    assert (report.status, report.rows_taken, report.rows_rejected) == ("loaded", 2, 0)
    assert sorted(stored(tmp_path, "event_id", "credit_code", "heat")) == sorted(
        [
            (linked.number, registry.shinan_enterprise.credit_code, 42.5),
            (named.number, None, 7.25),
        ]
    )


def test_nothing_to_export(tmp_path, org_units):
    assert export_opinion_events(tmp_path, as_of=dt.date(2025, 3, 5), now=T0) is None
