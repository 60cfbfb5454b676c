"""`laborwatch sla-sweep` prints what the sweep did, the leaders' instructions (督办/批示)
urged for being past their deadline among it; the scheduled sweep records the same figure."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from laborwatch.cli import main
from laborwatch.schedule.jobs import JOBS
from tests.warnings.test_instructions import DEADLINE, instruct, warning  # noqa: F401

pytestmark = pytest.mark.django_db
LATE = DEADLINE + dt.timedelta(minutes=5)


def test_the_sweep_command_counts_the_instructions_it_urged(warning, leader, capsys) -> None:  # noqa: F811
    instruct(warning, leader)
    with time_machine.travel(LATE, tick=False):
        assert main(["sla-sweep"]) == 0
        first = capsys.readouterr().out.splitlines()
        assert main(["sla-sweep"]) == 0  # urged once: the next sweep finds none to urge
        second = capsys.readouterr().out.splitlines()
    assert "领导批示超期催办：工单 0 件，预警 1 条" in first
    assert "领导批示超期催办：工单 0 件，预警 0 条" in second


def test_the_scheduled_sweep_records_the_instructions_it_urged(warning, leader) -> None:  # noqa: F811
    instruct(warning, leader)
    assert JOBS["sweep"].run(LATE)["instructions_urged"] == 1
    assert JOBS["sweep"].run(LATE + dt.timedelta(minutes=5))["instructions_urged"] == 0
