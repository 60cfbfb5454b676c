"""Injected episodes leave the signals they are labelled with; blips stay isolated."""

from __future__ import annotations

import collections
import datetime as dt

import pyarrow.compute as pc

from .conftest import City

MONTHS = [f"2025-{m:02d}" for m in range(11, 13)] + [f"2026-{m:02d}" for m in range(1, 11)]


def by_code(table, code: str) -> list[dict]:
    return table.filter(pc.equal(table.column("credit_code"), code)).to_pylist()


def monthly(rows: list[dict], field: str) -> dict[str, int]:
    return {row["month"]: row[field] for row in rows}


def test_about_one_and_a_half_percent_of_enterprises_have_an_episode(town: City) -> None:
    episodes = town.table("episodes").to_pylist()
    codes = {e["credit_code"] for e in episodes}
    assert len(codes) == 45  # 1.5% of 3,000
    kinds = collections.Counter(e["kind"] for e in episodes)
    assert set(kinds) == {"wage_arrears", "mass_layoff", "collective_dispute"}
    # A collective dispute about unpaid wages is labelled a wage arrears too, from the first
    # missed payday (before the gathering); no enterprise has another pair of episodes.
    per_code = collections.Counter(e["credit_code"] for e in episodes)
    twice = {code for code, n in per_code.items() if n == 2}
    assert max(per_code.values()) <= 2 and twice
    for code in twice:
        pair = sorted((e for e in episodes if e["credit_code"] == code), key=lambda e: e["kind"])
        assert [e["kind"] for e in pair] == ["collective_dispute", "wage_arrears"]
        assert pair[1]["onset_on"] <= pair[0]["onset_on"] - dt.timedelta(days=7)
    enterprises = town.table("enterprises")
    industry = dict(zip(enterprises.column("credit_code").to_pylist(),
                        enterprises.column("industry").to_pylist(), strict=True))  # fmt: skip
    risky = sum(industry[c] in "CEGH" for c in codes)
    base_share = sum(i in "CEGH" for i in industry.values()) / len(industry)
    assert risky / len(codes) > 2 * base_share


def test_onsets_are_visible_harm_after_some_history(town: City) -> None:
    episodes = town.table("episodes").to_pylist()
    alone = collections.Counter(e["credit_code"] for e in episodes)
    for episode in episodes:
        onset = episode["onset_on"]
        assert MONTHS[1] <= onset.strftime("%Y-%m") <= MONTHS[-1], episode
        assert episode["signals_month"] <= onset.strftime("%Y-%m")
        assert episode["workers_involved"] >= 1 and episode["amount_involved"] > 0
        if episode["kind"] == "wage_arrears" and alone[episode["credit_code"]] == 1:
            assert 5 <= onset.day <= 15, episode  # a payday


def test_social_insurance_goes_unpaid_before_most_missed_paydays(town: City) -> None:
    social_insurance = town.feed("social_insurance")
    wages = [e for e in town.table("episodes").to_pylist() if e["kind"] == "wage_arrears"]
    before = 0
    for episode in wages:
        arrears = monthly(by_code(social_insurance, episode["credit_code"]), "arrears")
        month = episode["onset_on"].strftime("%Y-%m")
        previous = MONTHS[MONTHS.index(month) - 1]
        before += (arrears.get(previous) or 0) > 0
    # two thirds stop paying it in the unpaid month or earlier; the rest only later or never
    assert 0.4 * len(wages) < before < 0.9 * len(wages)


def test_mass_layoffs_shrink_the_insured_head_count_and_some_are_filed(town: City) -> None:
    filings = town.feed("layoff_filings")
    social_insurance = town.feed("social_insurance")
    layoffs = [e for e in town.table("episodes").to_pylist() if e["kind"] == "mass_layoff"]
    assert layoffs and any(e["layoff_filed"] for e in layoffs)
    assert not all(e["layoff_filed"] for e in layoffs)
    for episode in layoffs:
        filed = [
            f
            for f in by_code(filings, episode["credit_code"])
            if 25 <= (episode["onset_on"] - f["filed_on"]).days <= 35
        ]
        assert len(filed) == int(episode["layoff_filed"]), episode
        for filing in filed:
            assert filing["layoff_count"] == episode["workers_involved"]
            assert filing["layoff_count"] >= 0.2 * filing["staff_count"]
        insured = monthly(by_code(social_insurance, episode["credit_code"]), "insured_headcount")
        onset = MONTHS.index(episode["onset_on"].strftime("%Y-%m"))
        if onset + 1 < len(MONTHS) and MONTHS[onset + 1] in insured and MONTHS[onset] in insured:
            # insured until the month after the layoff day
            assert insured[MONTHS[onset + 1]] < 0.85 * insured[MONTHS[onset]], (episode, insured)


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


def test_construction_arrears_pay_nothing_or_living_money_from_the_unpaid_month(
    town: City,
) -> None:
    wage_account = town.feed("wage_account")
    checked = 0
    for episode in town.table("episodes").to_pylist():
        if not episode["project_code"] or episode["kind"] != "wage_arrears":
            continue
        rows = {
            r["month"]: r
            for r in wage_account.filter(
                pc.equal(wage_account.column("project_code"), episode["project_code"])
            ).to_pylist()
        }
        unpaid = MONTHS[MONTHS.index(episode["onset_on"].strftime("%Y-%m")) - 1]
        earlier = [r for month, r in rows.items() if month < episode["signals_month"]]
        if unpaid not in rows or not earlier:
            continue
        usual = max(r["amount_paid"] / r["paid_headcount"] for r in earlier if r["paid_headcount"])
        row = rows[unpaid]
        assert row["amount_paid"] < 0.55 * usual * row["attending_headcount"], (episode, row)
        checked += 1
    assert checked >= 2


def test_healthy_projects_pay_nearly_every_attending_worker(town: City) -> None:
    wage_account = town.feed("wage_account")
    flagged = {e["project_code"] for e in town.table("episodes").to_pylist()}
    flagged |= {d["project_code"] for d in town.table("distractors").to_pylist()}
    rows = [r for r in wage_account.to_pylist() if r["project_code"] not in flagged]
    short = [r for r in rows if r["paid_headcount"] < r["attending_headcount"]]
    # routine mismatches: a few workers paid outside the account in 10-17% of project-months
    assert 0.08 < len(short) / len(rows) < 0.17
    for row in short:
        gap = row["attending_headcount"] - row["paid_headcount"]
        assert gap <= max(1, round(0.05 * row["attending_headcount"])), row


def test_court_filings_follow_the_harm(town: City) -> None:
    filings = town.feed("court_filings")
    episodes = town.table("episodes").to_pylist()
    near = 0
    for episode in episodes:
        days = [f["filed_on"] for f in by_code(filings, episode["credit_code"])]
        if any(0 <= (day - episode["onset_on"]).days <= 150 for day in days):
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
            if abs((received - episode["onset_on"]).days) <= 30:
                distinct.add(row["worker_key"])
            if not episode["calls_before"]:  # they gathered without calling first
                assert received >= episode["onset_on"], (episode, row)
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
        assert arrears.get(blip["month"], 1) > 0
        assert arrears.get(MONTHS[month + 1], 0) == 0
        others = [m for m in arrears if m not in (blip["month"],)]
        assert all(arrears[m] == 0 for m in others)


def test_staff_moved_to_an_affiliate_leaves_one_and_joins_the_other(town: City) -> None:
    """A transfer between a branch and its head office (the registry's 隶属企业): the
    insured head count falls at one in the month of the transfer and rises as much at the
    other, where a layoff's staff would be gone."""
    parent = {
        row["credit_code"]: row["parent_credit_code"]
        for row in town.table("enterprises").to_pylist()
    }
    assert 0.02 * len(parent) < sum(p is not None for p in parent.values()) < 0.06 * len(parent)
    social_insurance = town.feed("social_insurance")
    transfers = [
        d for d in town.table("distractors").to_pylist() if d["kind"] == "affiliate_transfer"
    ]
    assert len(transfers) >= 5
    episode_codes = {e["credit_code"] for e in town.table("episodes").to_pylist()}
    checked = 0
    for blip in transfers:
        source, affiliate = blip["credit_code"], blip["affiliate_code"]
        assert parent[source] == affiliate or parent[affiliate] == source, blip
        assert source not in episode_codes and affiliate not in episode_codes
        month = MONTHS.index(blip["month"])
        before, after = MONTHS[month - 1], MONTHS[month]
        left = monthly(by_code(social_insurance, source), "insured_headcount")
        joined = monthly(by_code(social_insurance, affiliate), "insured_headcount")
        if not {before, after} <= set(left) & set(joined):
            continue  # a month not filed (the synth's data gaps)
        checked += 1
        lost, gained = left[before] - left[after], joined[after] - joined[before]
        assert lost >= 0.15 * left[before], blip  # a fifth to a half of staff moved
        assert 0.5 * lost <= gained <= 2 * lost + 2, (blip, lost, gained)
    assert checked >= 0.8 * len(transfers)
