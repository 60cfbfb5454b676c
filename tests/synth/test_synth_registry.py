"""Enterprises and workers: valid codes, unique names, head counts that add up."""

from __future__ import annotations

import collections
import datetime as dt

import numpy as np
import pyarrow.compute as pc

from laborwatch.lib.codes import (
    credit_code_problem,
    id_number_problem,
    org_code_check_char,
    phone_problem,
)
from laborwatch.synth.districts import DISTRICTS

from .conftest import City

DISTRICT_CODES = {district.name: str(district.code) for district in DISTRICTS}
TODAY = dt.date(2026, 11, 26)


def test_every_credit_code_is_valid_and_embeds_district_and_org_code(town: City) -> None:
    enterprises = town.table("enterprises").to_pylist()
    for row in enterprises:
        code = row["credit_code"]
        assert credit_code_problem(code) is None, code
        assert org_code_check_char(code[8:16]) == code[16], code
        assert code[2:8] == DISTRICT_CODES[row["district"]], code
    assert len({row["credit_code"] for row in enterprises}) == len(enterprises)
    prefixes = collections.Counter(row["credit_code"][:2] for row in enterprises)
    assert set(prefixes) == {"91", "92", "93"}
    assert prefixes["91"] > 0.8 * len(enterprises)


def test_individual_businesses_and_cooperatives_are_named_for_their_kind(town: City) -> None:
    for row in town.table("enterprises").to_pylist():
        kind = row["credit_code"][:2]
        if kind == "92":
            assert row["name"].startswith(row["district"]), row["name"]
            assert not row["name"].endswith("公司"), row["name"]
        elif kind == "93":
            assert row["name"].endswith("专业合作社"), row["name"]
            assert row["industry"] == "A"
        else:
            assert row["name"].endswith("公司"), row["name"]


def test_names_are_unique_including_former_names(town: City) -> None:
    table = town.table("enterprises")
    names = table.column("name").to_pylist()
    former = [name for names_ in table.column("former_names").to_pylist() for name in names_]
    assert len(set(names)) == len(names)
    assert len(set(names + former)) == len(names) + len(former)
    renamed = sum(1 for names_ in table.column("former_names").to_pylist() if names_)
    assert 0.03 * len(names) < renamed < 0.07 * len(names)


def test_head_counts_add_up_to_the_workforce(town: City) -> None:
    enterprises = town.table("enterprises")
    workers = town.table("workers")
    assert pc.sum(enterprises.column("employee_count")).as_py() == workers.num_rows
    per_employer = collections.Counter(workers.column("employer_credit_code").to_pylist())
    for row in enterprises.select(["credit_code", "employee_count"]).to_pylist():
        assert per_employer.get(row["credit_code"], 0) == row["employee_count"]
    assert workers.column("worker_key").to_pylist() == list(range(1, workers.num_rows + 1))


def test_every_identity_number_and_phone_is_valid(town: City) -> None:
    workers = town.table("workers").to_pylist()
    for row in workers:
        number = row["id_number"]
        assert id_number_problem(number, today=TODAY) is None, number
        assert 1960 <= int(number[6:10]) <= 2007, number
        assert (int(number[16]) % 2 == 1) == (row["gender"] == "男"), number
        assert phone_problem(row["phone"]) is None, row["phone"]
    assert len({row["id_number"] for row in workers}) == len(workers)
    assert len({row["phone"] for row in workers}) == len(workers)
    qingdao = sum(1 for row in workers if row["id_number"].startswith("3702"))
    assert 0.6 < qingdao / len(workers) < 0.8  # ~30% migrant workers from other provinces


def test_the_city_is_shaped_like_a_real_one(town: City) -> None:
    table = town.table("enterprises")
    industry = np.array(table.column("industry").to_pylist())
    staff = table.column("employee_count").to_numpy()
    by_count = collections.Counter(industry.tolist()).most_common(2)
    assert {section for section, _ in by_count} == {"F", "L"}
    micro = np.mean(np.array(table.column("size_band").to_pylist()) == "micro")
    assert 0.72 < micro < 0.88
    for section in ("C", "E"):
        share_of_firms = np.mean(industry == section)
        share_of_workers = staff[industry == section].sum() / staff.sum()
        assert share_of_workers > 1.5 * share_of_firms, section
    assert staff.max() > 30 * np.median(staff[staff > 0])
    status = collections.Counter(table.column("status").to_pylist())
    assert status["存续"] > 0.8 * table.num_rows
    closed = np.isin(np.array(table.column("status").to_pylist()), ["吊销", "注销"])
    assert staff[closed].sum() == 0


def test_addresses_are_in_the_enterprises_district(town: City) -> None:
    for row in town.table("enterprises").slice(0, 500).to_pylist():
        assert row["address"].startswith(("山东省青岛市", "青岛市")), row["address"]
        assert row["district"] in row["address"], row["address"]
        assert "号" in row["address"]
