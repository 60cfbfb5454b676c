"""One literal-input test per rule of rules-v1, plus grades, the seasonal weight, evidence.

Each test builds the smallest feed rows that make one rule fire for ACME and checks the
indicator value, the level reached and the resulting grade.
"""

from __future__ import annotations

import ast
import datetime as dt
import json
from pathlib import Path

import pytest

from laborwatch.risk.rules import RulesError, load_rules, parse_rules
from laborwatch.risk.scoring import feed_frame
from tests.risk.helpers import ACME, AS_OF, CONFIG, OTHER, code, months, registry, score

MONTHS = months(dt.date(2025, 11, 1), 12)  # 2025-11 .. 2026-10


def _fired(scores: dict, risk_type: str) -> dict[str, dict]:
    return {item["rule"]: item for item in json.loads(scores[risk_type]["evidence"])}


def _check(rule_id: str, scores: dict, level: str) -> None:
    """The rule fired at `level`; the rule ids of these calls are the module's coverage."""
    rule = next(r for r in CONFIG.rules if r.id == rule_id)
    assert _fired(scores, rule.risk_type)[rule_id]["level"] == level


def _social_insurance(arrears_from: int | None = None, headcounts: list[int] | None = None):
    rows = []
    for index, month in enumerate(MONTHS):
        in_arrears = arrears_from is not None and index >= arrears_from
        rows.append(
            {
                "month": month,
                "credit_code": ACME,
                "insured_headcount": headcounts[index] if headcounts else 100,
                "amount_due": 1000.0,
                "amount_paid": 0.0 if in_arrears else 1000.0,
                "arrears": 1000.0 if in_arrears else 0.0,
            }
        )
    return {"social_insurance": feed_frame("social_insurance", rows)}


def _work_orders(
    count: int,
    *,
    workers: int | None = None,
    category: str = "other",
    channel: str = "hotline_12351",
    day: dt.date = dt.date(2026, 10, 20),
):
    rows = [
        {
            "complaint_id": f"c{index}",
            "received_at": dt.datetime.combine(day, dt.time(10)),
            "worker_key": f"w{index % (workers or count)}",
            "credit_code": ACME,
            "channel": channel,
            "category": category,
            "workers_involved": 1,
        }
        for index in range(count)
    ]
    return {"work_orders": feed_frame("work_orders", rows)}


def test_si_arrears_three_months_is_red_level() -> None:
    values, scores = score(_social_insurance(arrears_from=9))
    assert values["si_arrears_months"] == 3
    assert values["si_arrears_amount"] == 1000.0
    _check("si_arrears", scores, "red")
    _check("si_unpaid", scores, "yellow")
    # weight 50 × red 1.0, and the month's bill wholly unpaid: 30 × yellow 0.5
    assert scores["wage_arrears"]["score"] == 65.0
    assert scores["wage_arrears"]["grade"] == "orange"


def test_one_month_unpaid_is_yellow_at_once() -> None:
    values, scores = score(_social_insurance(arrears_from=11))
    assert (values["si_arrears_months"], values["si_unpaid_share"]) == (1, 1.0)
    assert scores["wage_arrears"]["score"] == 40.0
    assert scores["wage_arrears"]["grade"] == "yellow"


def test_earlier_arrears_left_outstanding_do_not_count_against_a_month_paid_in_full() -> None:
    rows = _social_insurance(arrears_from=9)["social_insurance"].to_pylist()
    rows[-1] = {**rows[-1], "amount_paid": 1000.0}  # October paid, the balance still owed
    values, scores = score({"social_insurance": feed_frame("social_insurance", rows)})
    assert (values["si_arrears_months"], values["si_arrears_amount"]) == (0, 1000.0)
    assert scores["wage_arrears"]["grade"] == "none"


def test_si_arrears_counts_only_the_current_streak() -> None:
    frames = _social_insurance(arrears_from=10)
    values, _ = score(frames)
    assert values["si_arrears_months"] == 2
    values, scores = score(_social_insurance(arrears_from=None))
    assert values["si_arrears_months"] == 0
    assert scores["wage_arrears"]["grade"] == "none"


def test_si_arrears_streak_older_than_the_recent_months_is_counted_whole() -> None:
    # The recent months (the trailing window) are grouped for every enterprise; a streak
    # through all of them is followed back into the older months of the lookback.
    values, _ = score(_social_insurance(arrears_from=2))  # clear in 2026-01, arrears since
    assert values["si_arrears_months"] == 10
    values, _ = score(_social_insurance(arrears_from=0))  # no clear month in the window
    assert values["si_arrears_months"] == 13  # counted from the window's start


def test_si_arrears_not_known_before_the_month_ends() -> None:
    values, _ = score(_social_insurance(arrears_from=9), as_of=dt.date(2026, 10, 30))
    assert values["si_arrears_months"] == 2  # October is not over: September is the latest


def test_a_month_not_delivered_is_carried_then_missing_never_zero() -> None:
    # ACME's October row has not come while OTHER's has: ACME is read as of September.
    frames = _social_insurance(arrears_from=9)
    rows = [row for row in frames["social_insurance"].to_pylist() if row["month"] < MONTHS[-1]]
    rows.append({**rows[-1], "month": MONTHS[-1], "credit_code": OTHER, "arrears": 0.0})
    carried, scores = score({"social_insurance": feed_frame("social_insurance", rows)})
    assert (carried["si_data_month"], carried["si_arrears_months"]) == (MONTHS[-2], 2)
    _check("si_arrears", scores, "orange")
    # Without August and September too, nothing is known of ACME: missing, not zero.
    old = [row for row in rows if row["credit_code"] == ACME and row["month"] < MONTHS[-3]]
    other = [row for row in rows if row["credit_code"] == OTHER]
    missing, scores = score({"social_insurance": feed_frame("social_insurance", old + other)})
    assert (missing["si_data_month"], missing["si_arrears_months"]) == (None, None)
    assert scores["wage_arrears"]["grade"] == "none"


def test_rows_not_arrived_by_the_day_are_not_read() -> None:
    rows = _social_insurance(arrears_from=9)["social_insurance"].to_pylist()
    for row in rows:  # October's social insurance arrives on 12 November
        row["arrived_on"] = dt.date(2026, 11, 12) if row["month"] == MONTHS[-1] else None
    frames = {"social_insurance": feed_frame("social_insurance", rows)}
    values, _ = score(frames, as_of=dt.date(2026, 11, 11))
    assert (values["si_data_month"], values["si_arrears_months"]) == (MONTHS[-2], 2)
    values, _ = score(frames, as_of=dt.date(2026, 11, 12))
    assert (values["si_data_month"], values["si_arrears_months"]) == (MONTHS[-1], 3)


def _wage_account(paid: list[tuple[int, float]], attending: int = 40):
    rows = [
        {
            "month": month,
            "project_code": "P-001",
            "project_name": "某小区二期",
            "credit_code": ACME,
            "attending_headcount": attending,
            "paid_headcount": paid_headcount,
            "amount_paid": amount,
        }
        for month, (paid_headcount, amount) in zip(MONTHS[-len(paid) :], paid, strict=True)
    ]
    return {"wage_account": feed_frame("wage_account", rows)}


def test_wage_account_month_without_payment_is_red() -> None:
    values, scores = score(_wage_account([(40, 2e5), (40, 2e5), (0, 0.0)]))
    assert values["wage_account_unpaid_months"] == 1
    assert values["wage_account_project"] == "P-001"
    _check("wage_account_unpaid", scores, "red")
    _check("wage_account_dispute", scores, "yellow")
    assert scores["wage_arrears"]["grade"] == "red"  # sets the grade whatever the score
    assert json.loads(scores["wage_arrears"]["departments"]) == ["住建"]


def test_wage_account_names_the_same_project_among_equally_bad_ones() -> None:
    rows = _wage_account([(40, 2e5), (0, 0.0)])["wage_account"].to_pylist()
    for project in ("P-009", "P-003"):  # two more projects exactly as bad as P-001
        rows += [{**row, "project_code": project} for row in rows[:2]]
    for order in (rows, rows[::-1]):
        values, _ = score({"wage_account": feed_frame("wage_account", order)})
        assert values["wage_account_unpaid_months"] == 1
        assert values["wage_account_project"] == "P-001"


def test_a_project_that_changed_contractor_is_its_latest_contractors() -> None:
    # P-001 went from ACME (September) to OTHER (October), which stopped paying; twelve
    # workers complain naming only the project. (ACME has the larger enterprise key.)
    rows = _wage_account([(40, 2e5), (0, 0.0)])["wage_account"].to_pylist()
    rows[1]["credit_code"] = OTHER
    frames = {
        "wage_account": feed_frame("wage_account", rows),
        "work_orders": feed_frame(
            "work_orders",
            [
                {
                    "complaint_id": f"c{index}",
                    "received_at": dt.datetime(2026, 10, 20, 10),
                    "worker_key": f"w{index}",
                    "project_code": "P-001",
                    "category": "wage_arrears",
                }
                for index in range(12)
            ],
        ),
    }
    values, scores = score(frames, credit_code=OTHER)
    assert values["wage_account_unpaid_months"] == 1
    assert values["project_complaining_workers_30d"] == 12
    assert scores["wage_arrears"]["grade"] == "red"
    earlier, _ = score(frames)
    assert earlier["wage_account_unpaid_months"] is None  # no project of its own: missing
    assert earlier["project_complaining_workers_30d"] == 0


def test_a_worker_in_forty_not_paid_through_the_account_is_routine() -> None:
    values, scores = score(_wage_account([(40, 2e5), (39, 1.95e5)]))
    assert values["wage_account_paid_shortfall"] == pytest.approx(0.025)
    assert values["wage_account_amount_shortfall"] == pytest.approx(0.025)
    assert scores["wage_arrears"]["grade"] == "none"


def test_wage_account_paying_half_the_workers_is_orange() -> None:
    values, scores = score(_wage_account([(40, 2e5), (20, 1e5)]))
    assert values["wage_account_paid_shortfall"] == pytest.approx(0.5)
    _check("wage_account_shortfall", scores, "orange")
    _check("wage_account_amount", scores, "orange")
    assert scores["wage_arrears"]["grade"] == "orange"


def test_living_money_is_a_shortfall_of_the_amount() -> None:
    # every worker paid, each a fifth of the usual 5,000 yuan: the head count sees nothing
    values, scores = score(_wage_account([(40, 2e5), (40, 2e5), (40, 4e4)]))
    assert values["wage_account_paid_shortfall"] == 0.0
    assert values["wage_account_amount_shortfall"] == pytest.approx(0.8)
    _check("wage_account_amount", scores, "red")
    assert scores["wage_arrears"]["grade"] == "red"


def test_wage_complaints() -> None:
    values, scores = score(_work_orders(4, category="wage_arrears"))
    assert values["wage_work_orders_30d"] == 4
    _check("wage_complaints", scores, "orange")


def test_two_workers_calling_about_wages_at_a_small_firm_are_arrears() -> None:
    """Two of a firm of twelve (counted as twenty) calling about wages: ten per hundred, the
    missed payday's sign; two work orders alone earn 20 points, a blue."""
    values, scores = score({**_work_orders(2, category="wage_arrears"), **_insured(12)})
    assert values["wage_complainants_30d"] == 2
    assert values["wage_complainants_per_100_30d"] == 10
    _check("wage_complainants", scores, "yellow")
    # 40 × yellow 0.5 + wage_complaints 40 × yellow 0.5
    assert scores["wage_arrears"]["score"] == 40.0
    assert scores["wage_arrears"]["grade"] == "yellow"
    # The same two callers at a firm of two hundred: one per hundred, no level, a blue.
    values, scores = score({**_work_orders(2, category="wage_arrears"), **_insured(200)})
    assert values["wage_complainants_per_100_30d"] == 1
    assert "wage_complainants" not in _fired(scores, "wage_arrears")
    assert scores["wage_arrears"]["grade"] == "blue"
    # One worker calling twice is one worker; calls about other things are not about wages.
    values, scores = score({**_work_orders(2, workers=1, category="wage_arrears"), **_insured(12)})
    assert values["wage_complainants_per_100_30d"] == 5
    assert scores["wage_arrears"]["grade"] == "blue"
    values, _ = score({**_work_orders(2, category="dismissal"), **_insured(12)})
    assert values["wage_complainants_per_100_30d"] == 0.0


def test_one_caller_speaking_for_a_group_is_one_report_of_wages() -> None:
    """A tenth of ordinary calls speak for a few co-workers: separate callers are the sign."""
    orders = _work_orders(1, category="WAGE.ARREARS")["work_orders"].to_pylist()
    orders[0].update(workers_involved=6)
    frames = {"work_orders": feed_frame("work_orders", orders)}
    values, scores = score(frames)  # no social insurance known: twenty counted
    assert values["wage_complainants_per_100_30d"] == 5
    assert "wage_complainants" not in _fired(scores, "wage_arrears")
    orders.append({**orders[0], "complaint_id": "c8", "worker_key": "w8", "workers_involved": 1})
    values, scores = score({"work_orders": feed_frame("work_orders", orders), **_insured(50)})
    assert values["wage_complainants_per_100_30d"] == 4  # two of fifty
    values, scores = score({"work_orders": feed_frame("work_orders", orders), **_insured(20)})
    assert values["wage_complainants_per_100_30d"] == 10


def test_work_orders_older_than_30_days_do_not_count() -> None:
    values, _ = score(_work_orders(4, day=dt.date(2026, 10, 1)))
    assert values["work_orders_30d"] == 0
    values, _ = score(_work_orders(4, day=dt.date(2026, 10, 2)))
    assert values["work_orders_30d"] == 4


def _court(kind: str, count: int, plaintiffs: int = 1, day: dt.date = dt.date(2026, 9, 15)):
    rows = [
        {
            "filed_on": day,
            "credit_code": ACME,
            "kind": kind,
            "plaintiffs": plaintiffs + i * 0,
            "amount": 1000.0 + i,
        }
        for i in range(count)
    ]
    return {"court_filings": feed_frame("court_filings", rows)}


def test_labor_cases() -> None:
    values, scores = score(_court("labor_arbitration", 2))
    assert values["labor_cases_90d"] == 2
    _check("labor_cases", scores, "yellow")


def test_enforcement() -> None:
    values, scores = score(_court("enforcement", 1, day=dt.date(2026, 6, 1)))
    assert (values["enforcement_180d"], values["labor_cases_90d"]) == (1, 0)
    _check("enforcement", scores, "orange")


def test_collective_lawsuit() -> None:
    values, scores = score(_court("labor_lawsuit", 1, plaintiffs=12))
    assert values["labor_plaintiffs_90d"] == 12
    _check("collective_lawsuit", scores, "orange")
    # a case already in the courts' hands: points (30), no grade of its own
    assert scores["collective_dispute"]["grade"] == "blue"


def _monthly(feed: str, column: str, series: list[float], **fixed: float):
    rows = [
        {"month": month, "credit_code": ACME, column: value, **fixed}
        for month, value in zip(MONTHS[-len(series) :], series, strict=True)
    ]
    return {feed: feed_frame(feed, rows)}


def test_revenue_drop() -> None:
    frames = _monthly("tax", "taxable_revenue", [1e6] * 6 + [4e5], tax_paid=1.0)
    values, scores = score(frames)
    assert values["tax_revenue_drop"] == pytest.approx(0.6)
    _check("revenue_drop_wages", scores, "yellow")
    _check("revenue_drop_layoff", scores, "yellow")


def test_utility_drop() -> None:
    values, scores = score(_monthly("utilities", "electricity_kwh", [5e4] * 6 + [1e4]))
    assert values["utility_drop"] == pytest.approx(0.8)
    _check("utility_drop", scores, "orange")


def test_small_payroll_drop_is_ignored() -> None:
    values, _ = score(_social_insurance(headcounts=[8] * 11 + [1]))
    assert values["si_headcount_drop"] == 0.0


def test_headcount_drop() -> None:
    values, scores = score(_social_insurance(headcounts=[100] * 11 + [60]))
    assert values["si_headcount_drop"] == pytest.approx(0.4)
    assert values["si_headcount_month_drop"] == pytest.approx(0.4)
    _check("headcount_drop", scores, "orange")
    _check("headcount_month_drop", scores, "orange")
    assert scores["mass_layoff"]["grade"] == "orange"  # 30 + 37.5 points


def test_a_gradual_shrinkage_is_no_month_drop() -> None:
    values, scores = score(_social_insurance(headcounts=[100 - 3 * i for i in range(12)]))
    assert values["si_headcount_month_drop"] == pytest.approx(1 - 67 / 70)
    assert values["si_headcount_drop"] == pytest.approx(1 - 67 / 77.5)
    assert scores["mass_layoff"]["grade"] == "none"


def _group_headcounts(branch: list[int], head: list[int], *, related: bool = True) -> dict:
    """ACME a branch of OTHER (the registry's 隶属企业) unless not `related`, with their
    insured head counts month by month."""
    rows = [
        {
            "month": month,
            "credit_code": firm,
            "insured_headcount": counts[index],
            "amount_due": 1.0,
            "amount_paid": 1.0,
            "arrears": 0.0,
        }
        for firm, counts in ((ACME, branch), (OTHER, head))
        for index, month in enumerate(MONTHS)
    ]
    firms = [
        {"credit_code": ACME, "name": "甲公司青岛分公司", "industry": "C"},
        {"credit_code": OTHER, "name": "甲公司", "industry": "C"},
    ]
    if related:
        firms[0]["parent_credit_code"] = OTHER
    return {
        "social_insurance": feed_frame("social_insurance", rows),
        "registry": feed_frame("registry", firms),
    }


def test_staff_moved_to_the_head_office_is_no_layoff() -> None:
    # Forty of the branch's hundred move to the head office, which grows from 200 to 240.
    moved = _group_headcounts([100] * 11 + [60], [200] * 11 + [240])
    values, scores = score(moved)
    assert values["si_headcount_month_drop"] == 0.0
    assert values["si_headcount_drop"] == 0.0
    assert values["si_affiliate_transfers"] == 40
    assert scores["mass_layoff"]["grade"] == "none"
    head, _ = score(moved, credit_code=OTHER)
    assert (head["si_headcount_month_drop"], head["si_affiliate_transfers"]) == (0.0, 0)
    # Unrelated in the registry, the same numbers are a layoff.
    values, scores = score(_group_headcounts([100] * 11 + [60], [200] * 11 + [240], related=False))
    assert values["si_headcount_month_drop"] == pytest.approx(0.4)
    assert values["si_affiliate_transfers"] == 0
    assert scores["mass_layoff"]["grade"] == "orange"


def test_only_what_the_affiliate_gained_is_netted() -> None:
    # Fifty leave the branch, twenty reach the head office: thirty are gone.
    values, _ = score(_group_headcounts([100] * 11 + [50], [200] * 11 + [220]))
    assert values["si_headcount_month_drop"] == pytest.approx(0.3)
    assert values["si_affiliate_transfers"] == 20
    # The head office losing staff while the branch keeps its own is the head office's drop.
    values, _ = score(_group_headcounts([100] * 12, [200] * 11 + [100]), credit_code=OTHER)
    assert values["si_headcount_month_drop"] == pytest.approx(0.5)
    assert values["si_affiliate_transfers"] == 0


def test_a_drop_the_whole_industry_shows_is_seasonal() -> None:
    # Forty hotels lose a fifth of their insured staff in November; ACME loses half.
    rows = []
    codes = [code(100 + n) for n in range(40)]
    for number, firm in enumerate([ACME, *codes]):
        last = 50 if firm == ACME else 80 - number % 3
        for month in MONTHS:
            headcount = last if month == MONTHS[-1] else 100
            rows.append(
                {
                    "month": month,
                    "credit_code": firm,
                    "insured_headcount": headcount,
                    "amount_due": 1.0,
                    "amount_paid": 1.0,
                    "arrears": 0.0,
                }
            )
    frames = {
        "social_insurance": feed_frame("social_insurance", rows),
        **registry(ACME, OTHER, *codes, industry="H"),
    }
    values, scores = score(frames)
    assert values["si_headcount_month_drop"] == pytest.approx(0.5 - 0.21)
    assert values["si_headcount_drop"] == pytest.approx(0.5 - 0.21)
    assert scores["mass_layoff"]["grade"] == "blue"  # 20 + 12.5 points (v2.2: under 30%)
    hotel, _ = score(frames, credit_code=codes[0])  # the industry's median: 21% down
    assert hotel["si_headcount_month_drop"] == 0.0


def _abnormal(day: dt.date):
    rows = [{"listed_on": day, "credit_code": ACME, "reason": "通过登记的住所无法联系"}]
    return {"abnormal_listings": feed_frame("abnormal_listings", rows)}


def test_abnormal_listing() -> None:
    values, scores = score(_abnormal(dt.date(2026, 3, 1)))
    assert values["abnormal_listings_365d"] == 1
    _check("abnormal_listing_wages", scores, "yellow")
    _check("abnormal_listing_layoff", scores, "yellow")
    values, _ = score(_abnormal(dt.date(2025, 10, 31)))
    assert values["abnormal_listings_365d"] == 0


def _layoff(count: int, staff: int):
    rows = [
        {
            "filed_on": dt.date(2026, 10, 8),
            "credit_code": ACME,
            "layoff_count": count,
            "staff_count": staff,
        }
    ]
    return {"layoff_filings": feed_frame("layoff_filings", rows)}


def test_a_filing_small_for_its_employer_earns_no_grade() -> None:
    _, scores = score(_layoff(20, 500))
    assert "layoff_size" not in _fired(scores, "mass_layoff")  # the head count: red line only
    assert scores["mass_layoff"]["grade"] == "none"  # 4% of staff: no points
    _, scores = score(_layoff(100, 800))  # a hundred, an eighth of staff: 15 points
    assert scores["mass_layoff"]["score"] == 15.0 and scores["mass_layoff"]["grade"] == "none"
    _, scores = score(_layoff(15, 100))  # the law's procedure, a healthy firm's too
    assert scores["mass_layoff"]["grade"] == "none"  # 15 points
    _, scores = score(_layoff(25, 100))
    _check("layoff_share", scores, "orange")
    assert scores["mass_layoff"]["grade"] == "orange"


def _insured(headcount: int):
    return _social_insurance(headcounts=[headcount] * len(MONTHS))


def test_dismissed_workers_complaining() -> None:
    # At a firm of a thousand, five dismissed workers calling in a month are any month's.
    values, scores = score({**_work_orders(5, category="dismissal"), **_insured(1000)})
    assert values["separated_workers_30d"] == 5
    assert values["layoff_callers_per_100_30d"] == pytest.approx(0.5)
    _check("separated_workers", scores, "orange")
    assert scores["mass_layoff"]["grade"] == "blue"  # 30 points: a large firm has some
    values, _ = score(_work_orders(3, category="SEPARATION.LAYOFF"))
    assert values["separated_workers_30d"] == 3


def test_workers_let_go_calling_at_a_small_firm_are_a_layoff() -> None:
    """Two callers of a firm of forty (counted as a hundred), one about the dismissal, one
    about the social insurance it stopped: the layoff nobody reported."""
    orders = _work_orders(2, category="dismissal")["work_orders"].to_pylist()
    orders[1].update(category="social_insurance", complaint_id="c9")
    frames = {"work_orders": feed_frame("work_orders", orders), **_insured(40)}
    values, scores = score(frames)
    assert values["layoff_callers_per_100_30d"] == 2
    _check("layoff_callers", scores, "yellow")
    assert scores["mass_layoff"]["grade"] == "yellow"
    # The same two callers at a firm of four hundred: half a caller per hundred, no level.
    values, scores = score({"work_orders": feed_frame("work_orders", orders), **_insured(400)})
    assert values["layoff_callers_per_100_30d"] == pytest.approx(0.5)
    assert "layoff_callers" not in _fired(scores, "mass_layoff")


def test_a_worker_let_go_calling_while_revenue_falls_is_a_layoff() -> None:
    revenue = _monthly("tax", "taxable_revenue", [1e6] * 6 + [4e5], tax_paid=1.0)
    values, scores = score({**_work_orders(1, category="dismissal"), **revenue})
    assert values["dismissal_amid_decline_30d"] == pytest.approx(0.6)
    _check("dismissal_amid_decline", scores, "yellow")
    assert scores["mass_layoff"]["grade"] == "yellow"
    # Either sign alone: no grade (the call about wages is no dismissal).
    values, scores = score({**_work_orders(1, category="wage_arrears"), **revenue})
    assert values["dismissal_amid_decline_30d"] == 0.0
    assert "dismissal_amid_decline" not in _fired(scores, "mass_layoff")
    # A fall of a third with the dismissal: no level (any month's somewhere)
    third = _monthly("tax", "taxable_revenue", [1e6] * 6 + [6.7e5], tax_paid=1.0)
    values, scores = score({**_work_orders(1, category="dismissal"), **third})
    assert values["dismissal_amid_decline_30d"] == pytest.approx(0.33)
    assert "dismissal_amid_decline" not in _fired(scores, "mass_layoff")
    values, scores = score(_work_orders(1, category="dismissal"))
    assert values["dismissal_amid_decline_30d"] == 0.0  # no revenue known: no drop
    assert scores["mass_layoff"]["grade"] == "none"


def test_a_worker_let_go_calling_while_a_group_goes_to_arbitration_is_a_layoff() -> None:
    """One dismissal call at a firm of four hundred (no per-hundred level) and an arbitration
    of six applicants filed in the court window: those let go claiming together."""
    dismissal = {**_work_orders(1, category="dismissal"), **_insured(400)}
    case = _court("labor_arbitration", 1, plaintiffs=6)
    values, scores = score({**dismissal, **case})
    assert values["dismissal_group_case_90d"] == 6
    _check("dismissal_group_case", scores, "yellow")
    # 80 × yellow 0.5 = 40, and the one dismissed caller earns nothing below two
    assert scores["mass_layoff"]["score"] == 40.0
    assert scores["mass_layoff"]["grade"] == "yellow"
    # Five applicants: a firm's own group claim, no level.
    values, scores = score({**dismissal, **_court("labor_lawsuit", 1, plaintiffs=5)})
    assert values["dismissal_group_case_90d"] == 5
    assert "dismissal_group_case" not in _fired(scores, "mass_layoff")
    # The group case without anyone let go calling: a dispute's sign, no layoff's.
    values, scores = score({**_work_orders(1, category="wage_arrears"), **case, **_insured(400)})
    assert values["dismissal_group_case_90d"] == 0.0
    assert scores["mass_layoff"]["grade"] == "none"
    # Enforcement is no new claim; a case filed 91 days before is out of the window.
    enforcement = _court("enforcement", 1, plaintiffs=6)
    values, _ = score({**dismissal, **enforcement})
    assert values["dismissal_group_case_90d"] == 0.0
    old = _court("labor_arbitration", 1, plaintiffs=6, day=AS_OF - dt.timedelta(days=90))
    values, _ = score({**dismissal, **old})
    assert values["dismissal_group_case_90d"] == 0.0


def test_callers_about_wages_injuries_or_with_no_dismissal_are_not_a_layoff() -> None:
    values, _ = score({**_work_orders(4, category="social_insurance"), **_insured(40)})
    assert values["layoff_callers_per_100_30d"] == 0  # nobody was let go
    orders = _work_orders(4, category="wage_arrears")["work_orders"].to_pylist()
    orders[0].update(category="dismissal")
    orders[1].update(category="injury")
    values, _ = score({"work_orders": feed_frame("work_orders", orders), **_insured(40)})
    assert values["layoff_callers_per_100_30d"] == 1  # wages are the arrears', injuries no sign
    orders[1].update(category="INSURANCE.UNEMPLOYMENT")  # a taxonomy code of the app
    values, _ = score({"work_orders": feed_frame("work_orders", orders), **_insured(40)})
    assert values["layoff_callers_per_100_30d"] == 2


def test_layoff_of_200_is_red() -> None:
    values, scores = score(_layoff(200, 2000))
    assert values["layoff_count_90d"] == 200
    _check("layoff_size", scores, "red")
    _check("layoff_share", scores, "blue")
    assert scores["mass_layoff"]["grade"] == "red"


def test_layoff_of_a_third_of_staff_is_red() -> None:
    values, scores = score(_layoff(40, 120))
    assert values["layoff_share_90d"] == pytest.approx(1 / 3)
    _check("layoff_share", scores, "red")
    assert scores["mass_layoff"]["grade"] == "red"


@pytest.mark.parametrize(
    ("workers", "grade"), [(9, "yellow"), (10, "orange"), (19, "orange"), (20, "red")]
)
def test_collective_complaints_ten_orange_twenty_red(workers: int, grade: str) -> None:
    values, scores = score(_work_orders(workers))
    assert values["complaining_workers_30d"] == workers
    _check("collective_complaints", scores, grade)
    assert scores["collective_dispute"]["grade"] == grade


def test_one_worker_calling_many_times_is_one_worker() -> None:
    values, scores = score(_work_orders(12, workers=1))
    assert (values["work_orders_30d"], values["complaining_workers_30d"]) == (12, 1)
    _check("work_order_surge", scores, "orange")


def test_group_work_order_counts_its_workers() -> None:
    frames = _work_orders(1)
    table = frames["work_orders"]
    frames["work_orders"] = table.set_column(
        table.schema.get_field_index("workers_involved"), "workers_involved", [[25]]
    )
    values, scores = score(frames)
    assert values["complaining_workers_30d"] == 25
    assert scores["collective_dispute"]["grade"] == "red"


def test_opinion_heat() -> None:
    rows = [
        {
            "event_id": "e1",
            "first_seen_on": dt.date(2026, 10, 25),
            "credit_code": ACME,
            "heat": 45.0,
        }
    ]
    frames = {
        "opinion_events": feed_frame("opinion_events", rows),
        **_work_orders(2, channel="public_opinion"),
    }
    values, scores = score(frames)
    assert values["opinion_heat_30d"] == 65.0  # 45 + 2 work orders × 10
    _check("opinion_heat", scores, "orange")


def test_arrears_raise_collective_dispute_risk() -> None:
    _, scores = score(_social_insurance(arrears_from=10))
    _check("arrears_dispute", scores, "yellow")


def test_seasonal_weight_before_spring_festival() -> None:
    frames = _social_insurance(arrears_from=9)
    before = dt.date(2026, 1, 31)  # 17 days before 2026-02-17
    frames = {
        **frames,
        **registry(ACME, OTHER, industry="E"),
        **_social_insurance_for_month_end(before),
    }
    _, scores = score(frames, as_of=before)
    assert scores["wage_arrears"]["seasonal_multiplier"] == 1.25
    assert scores["wage_arrears"]["score"] == 81.3  # (50 + 15) × 1.25
    assert scores["wage_arrears"]["grade"] == "red"
    assert scores["collective_dispute"]["seasonal_multiplier"] == 1.25  # arrears_dispute
    _, scores = score({**frames, **registry(ACME, OTHER, industry="I")}, as_of=before)
    assert scores["wage_arrears"]["seasonal_multiplier"] == 1.0


def _social_insurance_for_month_end(as_of: dt.date):
    rows = [
        {
            "month": month,
            "credit_code": ACME,
            "insured_headcount": 100,
            "amount_due": 1.0,
            "amount_paid": 0.0,
            "arrears": 1.0,
        }
        for month in months(dt.date(2025, 11, 1), 3)
    ]
    return {"social_insurance": feed_frame("social_insurance", rows)}


def test_wage_category_taxonomy_codes() -> None:
    codes = ["WAGE.ARREARS", "WAGE.ARREARS.MIGRANT", "WAGE.OVERTIME", "WAGE.ARREARSX", "工资"]
    frames = {"work_orders": feed_frame("work_orders", [
        {"complaint_id": f"c{i}", "received_at": dt.datetime(2026, 10, 20, 10),
         "worker_key": f"w{i}", "credit_code": ACME, "category": category}
        for i, category in enumerate(codes)
    ])}  # fmt: skip
    values, _ = score(frames)
    assert values["wage_work_orders_30d"] == 3  # not overtime, not a look-alike code


def _project_orders(workers: int, *, linked: bool):
    orders = [
        {
            "complaint_id": f"c{i}",
            "received_at": dt.datetime(2026, 10, 20, 10),
            "worker_key": f"w{i}",
            "credit_code": ACME if linked else None,
            "project_code": "P-001",
            "category": "wage_arrears",
        }
        for i in range(workers)
    ]
    return {**_wage_account([(40, 2e5)]), "work_orders": feed_frame("work_orders", orders)}


@pytest.mark.parametrize(("workers", "grade"), [(10, "orange"), (20, "red")])
def test_project_complaints_count_workers_naming_the_project(workers: int, grade: str) -> None:
    # No employer named: the project's contractor in the wage-account feed is the one.
    values, scores = score(_project_orders(workers, linked=False))
    assert values["project_complaining_workers_30d"] == workers
    assert values["complaining_workers_30d"] == workers
    assert values["complaint_project"] == "P-001"
    _check("project_complaints", scores, grade)
    assert scores["collective_dispute"]["grade"] == grade


def test_a_few_workers_complaining_set_no_grade_alone() -> None:
    frames = _work_orders(1)
    table = frames["work_orders"]
    frames["work_orders"] = table.set_column(
        table.schema.get_field_index("workers_involved"), "workers_involved", [[6]]
    )
    values, scores = score(frames)
    assert values["complaining_workers_30d"] == 6
    _check("collective_complaints", scores, "yellow")
    assert scores["collective_dispute"]["score"] == 35.0
    assert scores["collective_dispute"]["grade"] == "blue"  # points, no floor below ten


def test_plaintiffs_below_ten_set_no_grade_alone() -> None:
    _, scores = score(_court("labor_lawsuit", 1, plaintiffs=5))
    _check("collective_lawsuit", scores, "yellow")
    assert (scores["collective_dispute"]["score"], scores["collective_dispute"]["grade"]) == (
        20.0,
        "blue",
    )  # points of a yellow level, no floor below ten


def test_sustained_declines() -> None:
    frames = {
        **_social_insurance(headcounts=[100] * 10 + [85, 80]),
        **_monthly("tax", "taxable_revenue", [1e6] * 5 + [6e5, 7e5], tax_paid=1.0),
        **_monthly("utilities", "electricity_kwh", [5e4] * 5 + [3e4, 2.5e4]),
    }
    values, scores = score(frames)
    assert values["si_headcount_sustained_drop"] == pytest.approx(0.15)
    assert values["tax_revenue_sustained_drop"] == pytest.approx(0.3)
    assert values["utility_sustained_drop"] == pytest.approx(0.4)
    # Indicators for the risk profile: no rule uses them yet (they cost layoff precision).
    assert {r.indicator for r in CONFIG.rules}.isdisjoint(
        {"si_headcount_sustained_drop", "tax_revenue_sustained_drop", "utility_sustained_drop"}
    )
    assert scores["mass_layoff"]["grade"] == "none"


def test_one_month_dip_is_no_sustained_drop() -> None:
    values, _ = score(_monthly("utilities", "electricity_kwh", [5e4] * 6 + [1e4]))
    assert values["utility_drop"] == pytest.approx(0.8)
    assert values["utility_sustained_drop"] == 0.0


def test_no_points_no_row() -> None:
    values, scores = score({})
    # every enterprise has indicator values: missing for a monthly feed without its rows,
    # zero for an event feed without events
    assert values["si_arrears_months"] is None
    assert values["labor_cases_90d"] == 0.0
    assert all(row["row"] is False for row in scores.values())  # helpers' stand-in rows
    _, scores = score(_social_insurance(arrears_from=9))
    row = scores["wage_arrears"]
    assert (row["score"], row["grade"], row["config_version"], row["as_of"]) == (
        65.0,
        "orange",
        "rules-v2.4",
        AS_OF,
    )
    assert scores["mass_layoff"]["row"] is False


def test_every_rule_has_a_literal_test() -> None:
    """Read from this module's source, so it holds whichever tests run and in what order."""
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    checked = {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", "") == "_check"
        and isinstance(node.args[0], ast.Constant)
    }
    assert {rule.id for rule in CONFIG.rules} <= checked


def test_scalar_twins_match_config() -> None:
    rule = next(r for r in CONFIG.rules if r.id == "si_arrears")
    assert [rule.level_of(v) for v in (0, 1, 2, 3, 7)] == [0, 2, 3, 4, 4]
    assert [CONFIG.grade_of(s) for s in (0, 20, 40, 60, 80)] == [
        "none",
        "blue",
        "yellow",
        "orange",
        "red",
    ]
    assert CONFIG.grade_of(10, floor=4) == "red"


def test_bad_config_is_refused() -> None:
    import tomllib

    from laborwatch.risk.rules import DEFAULT_RULES

    raw = tomllib.loads(DEFAULT_RULES.read_text(encoding="utf-8"))
    raw["rules"][0]["thresholds"] = {"red": 1, "yellow": 3}
    with pytest.raises(RulesError, match="rise"):
        parse_rules(raw)
    raw["rules"][0]["indicator"] = "unknown"
    with pytest.raises(RulesError, match="unknown indicator"):
        parse_rules(raw)
    assert load_rules().version == "rules-v2.4"
