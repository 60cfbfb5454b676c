"""A group case counts once in a figure, not once per caller."""

from decimal import Decimal as D

from laborwatch.cases.figures import Counted, Reported, counted_once


def test_callers_speaking_for_the_whole_group_count_once() -> None:
    twelve = [Reported("G1", 12, D("300000"), D("240000")) for _ in range(5)]
    assert counted_once(twelve) == Counted(12, D("300000"), D("240000"))


def test_single_worker_reports_add_up_when_they_are_more() -> None:
    five = [Reported("G1", 1, D("5000"), D("5000")) for _ in range(5)]
    three_speak_for = [Reported("G1", 3, D("15000"), D("0"))]
    assert counted_once(five + three_speak_for) == Counted(5, D("25000"), D("25000"))


def test_each_group_and_every_ungrouped_order_adds() -> None:
    reports = [
        Reported(None, 2, D("100"), D("50")),
        Reported(None, 2, D("100"), D("50")),
        Reported("G1", 12, D("300000"), D("0")),
        Reported("G1", 1, D("20000"), D("20000")),
        Reported("G2", 1, D("10")),
    ]
    assert counted_once(reports) == Counted(17, D("300210"), D("20100"))


def test_nothing_counts_nothing() -> None:
    assert counted_once([]) == Counted(0, D("0"), D("0"))
