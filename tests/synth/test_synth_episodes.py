"""Injected episodes leave the signals they are labelled with; blips stay isolated."""

from __future__ import annotations

import collections
import datetime as dt
import itertools

import pyarrow.compute as pc

from .conftest import City

MONTHS = [f"2025-{m:02d}" for m in range(11, 13)] + [f"2026-{m:02d}" for m in range(1, 11)]


def by_code(table, code: str) -> list[dict]:
    return table.filter(pc.equal(table.column("credit_code"), code)).to_pylist()


def monthly(rows: list[dict], field: str) -> dict[str, int]:
    return {row["month"]: row[field] for row in rows}


def test_about_one_and_a_half_percent_of_enterprises_have_an_episode(town: City) -> None:
    episodes = town.table("episodes")
    assert episodes.num_rows == 45  # 1.5% of 3,000
    kinds = collections.Counter(episodes.column("kind").to_pylist())
    assert set(kinds) == {"wage_arrears", "mass_layoff", "collective_dispute"}
    assert len(set(episodes.column("credit_code").to_pylist())) == episodes.num_rows
    enterprises = town.table("enterprises")
    industry = dict(zip(enterprises.column("credit_code").to_pylist(),
                        enterprises.column("industry").to_pylist(), strict=True))  # fmt: skip
    risky = sum(industry[c] in "CEGH" for c in episodes.column("credit_code").to_pylist())
    base_share = sum(i in "CEGH" for i in industry.values()) / len(industry)
    assert risky / episodes.num_rows > 2 * base_share


def test_episodes_build_up_over_two_to_six_months(town: City) -> None:
    for episode in town.table("episodes").to_pylist():
        event_month = episode["event_on"].strftime("%Y-%m")
        assert MONTHS[0] <= event_month <= MONTHS[-1]
        onset = dt.date.fromisoformat(episode["onset_month"] + "-01")
        lead = (
            (episode["event_on"].year - onset.year) * 12 + episode["event_on"].month - onset.month
        )
        assert 2 <= lead <= 6, episode
        assert episode["workers_involved"] >= 1 and episode["amount_involved"] > 0


def test_social_insurance_arrears_grow_every_month_until_the_outbreak(town: City) -> None:
    social_insurance = town.feed("social_insurance")
    checked = 0
    for episode in town.table("episodes").to_pylist():
        if episode["kind"] == "mass_layoff" or episode["onset_month"] < MONTHS[1]:
            continue
        arrears = monthly(by_code(social_insurance, episode["credit_code"]), "arrears")
        start = MONTHS.index(episode["onset_month"])
        end = MONTHS.index(episode["event_on"].strftime("%Y-%m"))
        series = [arrears[month] for month in MONTHS[start - 1 : end + 1]]
        assert all(b > a for a, b in itertools.pairwise(series)), (episode, series)
        checked += 1
    assert checked >= 10


def test_mass_layoffs_are_filed_and_shrink_the_insured_head_count(town: City) -> None:
    filings = town.feed("layoff_filings")
    social_insurance = town.feed("social_insurance")
    layoffs = [e for e in town.table("episodes").to_pylist() if e["kind"] == "mass_layoff"]
    assert layoffs
    for episode in layoffs:
        filed = [
            f
            for f in by_code(filings, episode["credit_code"])
            if f["filed_on"] == episode["event_on"]
        ]
        assert len(filed) == 1, episode
        layoff, staff = filed[0]["layoff_count"], filed[0]["staff_count"]
        assert layoff >= 0.3 * staff or layoff >= 200
        assert layoff == episode["workers_involved"]
        insured = monthly(by_code(social_insurance, episode["credit_code"]), "insured_headcount")
        event = MONTHS.index(episode["event_on"].strftime("%Y-%m"))
        if event + 1 < len(MONTHS):
            before = insured[MONTHS[max(event - 6, 0)]]
            assert insured[MONTHS[event + 1]] < before, (episode, insured)


def test_other_layoff_filings_stay_below_the_large_scale_thresholds(town: City) -> None:
    filings = town.feed("layoff_filings").to_pylist()
    labelled = {
        e["credit_code"] for e in town.table("episodes").to_pylist() if e["kind"] == "mass_layoff"
    }
    minor = [f for f in filings if f["credit_code"] not in labelled]
    assert minor
    for filing in minor:
        assert filing["layoff_count"] < 0.3 * filing["staff_count"]
        assert filing["layoff_count"] < 200


def test_construction_episodes_show_unpaid_wage_account_months(town: City) -> None:
    wage_account = town.feed("wage_account")
    checked = 0
    for episode in town.table("episodes").to_pylist():
        if not episode["project_code"] or episode["kind"] == "mass_layoff":
            continue
        rows = wage_account.filter(
            pc.equal(wage_account.column("project_code"), episode["project_code"])
        )
        event_month = episode["event_on"].strftime("%Y-%m")
        before = [
            r for r in rows.to_pylist() if episode["onset_month"] <= r["month"] <= event_month
        ]
        assert any(r["paid_headcount"] < r["attending_headcount"] for r in before), episode
        assert any(r["amount_paid"] == 0 for r in before), episode
        checked += 1
    assert checked >= 3


def test_healthy_projects_pay_every_attending_worker(town: City) -> None:
    wage_account = town.feed("wage_account")
    flagged = {e["project_code"] for e in town.table("episodes").to_pylist()}
    flagged |= {d["project_code"] for d in town.table("distractors").to_pylist()}
    rows = [r for r in wage_account.to_pylist() if r["project_code"] not in flagged]
    assert rows
    assert all(r["paid_headcount"] == r["attending_headcount"] for r in rows)


def test_court_filings_cluster_around_outbreaks(town: City) -> None:
    filings = town.feed("court_filings")
    episodes = town.table("episodes").to_pylist()
    near = 0
    for episode in episodes:
        days = [f["filed_on"] for f in by_code(filings, episode["credit_code"])]
        if any(-30 <= (day - episode["event_on"]).days <= 60 for day in days):
            near += 1
    assert near >= 0.6 * len(episodes)
    # Background filings: far rarer at any one enterprise over a whole year.
    enterprises = town.table("enterprises").num_rows
    background = filings.num_rows / enterprises
    assert background < 0.2


def test_collective_disputes_bring_ten_or_more_workers_within_thirty_days(town: City) -> None:
    complaints = town.table("complaints")
    workers = town.table("workers")
    keys = workers.column("worker_key").to_pylist()
    employer = dict(zip(keys, workers.column("employer_credit_code").to_pylist(), strict=True))
    disputes = [e for e in town.table("episodes").to_pylist() if e["kind"] == "collective_dispute"]
    assert disputes
    twenty_or_more = 0
    for episode in disputes:
        rows = complaints.filter(pc.equal(complaints.column("episode_id"), episode["episode_id"]))
        distinct = set()
        for row in rows.to_pylist():
            received = row["received_at"].date()
            if abs((received - episode["event_on"]).days) <= 30:
                distinct.add(row["worker_key"])
            assert employer[row["worker_key"]] == episode["credit_code"]
        assert len(distinct) >= 10, episode
        twenty_or_more += len(distinct) >= 20
    assert twenty_or_more >= 1


def test_late_social_insurance_blips_are_caught_up_next_month(town: City) -> None:
    social_insurance = town.feed("social_insurance")
    blips = [
        d for d in town.table("distractors").to_pylist() if d["kind"] == "late_social_insurance"
    ]
    assert blips
    for blip in blips:
        rows = by_code(social_insurance, blip["credit_code"])
        arrears = monthly(rows, "arrears")
        month = MONTHS.index(blip["month"])
        assert arrears[blip["month"]] > 0
        assert arrears[MONTHS[month + 1]] == 0
        others = [m for m in arrears if m not in (blip["month"],)]
        assert all(arrears[m] == 0 for m in others)
