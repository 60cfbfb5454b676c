"""Monthly feeds: one file per month, a `month` column, natural keys that hold."""

from __future__ import annotations

import collections
import datetime as dt

from .conftest import City

KEYS = {
    "social_insurance": ("credit_code", "month"),
    "tax": ("credit_code", "month"),
    "utilities": ("credit_code", "month"),
    "wage_account": ("project_code", "month"),
    "court_filings": ("credit_code", "filed_on", "kind", "plaintiffs", "amount"),
    "abnormal_listings": ("credit_code", "listed_on"),
    "layoff_filings": ("credit_code", "filed_on"),
}
DATES = {
    "court_filings": "filed_on",
    "abnormal_listings": "listed_on",
    "layoff_filings": "filed_on",
}


def test_every_feed_has_a_file_per_month_holding_only_that_month(tiny_city: City) -> None:
    months = tiny_city.manifest["months"]
    for feed in KEYS:
        files = sorted(p.stem for p in (tiny_city.root / "feeds" / feed).glob("*.parquet"))
        assert files == months, feed
        for month in months:
            table = tiny_city.table(f"feeds/{feed}/{month}")
            assert set(table.column("month").to_pylist()) <= {month}, (feed, month)
            if feed in DATES:
                dates = table.column(DATES[feed]).to_pylist()
                assert all(day.strftime("%Y-%m") == month for day in dates)


def test_natural_keys_are_unique(town: City) -> None:
    for feed, key in KEYS.items():
        rows = town.feed(feed).select(list(key)).to_pylist()
        counts = collections.Counter(tuple(row.values()) for row in rows)
        assert counts and max(counts.values()) == 1, feed


def test_trading_enterprises_report_every_month(town: City) -> None:
    registry = town.table("enterprises").select(["credit_code", "status", "established_on"])
    old_and_trading, closed = set(), set()
    for row in registry.to_pylist():
        if row["status"] in ("吊销", "注销"):
            closed.add(row["credit_code"])
        elif row["established_on"] < dt.date(2025, 11, 1):
            old_and_trading.add(row["credit_code"])
    social_insurance = town.feed("social_insurance")
    per_code = collections.Counter(social_insurance.column("credit_code").to_pylist())
    assert old_and_trading and all(per_code[code] == 12 for code in old_and_trading)
    assert not closed & set(per_code)
    utilities = collections.Counter(town.feed("utilities").column("credit_code").to_pylist())
    assert utilities == per_code
    tax = collections.Counter(town.feed("tax").column("credit_code").to_pylist())
    assert set(tax) <= set(per_code)
    # Micro firms skip the odd month; everyone else files every month.
    assert 0.8 * social_insurance.num_rows < sum(tax.values()) < social_insurance.num_rows


def test_social_insurance_books_balance(town: City) -> None:
    order = [("credit_code", "ascending"), ("month", "ascending")]
    rows = town.feed("social_insurance").sort_by(order)
    previous: dict[str, int] = {}
    for row in rows.to_pylist():
        owed = previous.get(row["credit_code"], 0)
        assert row["arrears"] == owed + row["amount_due"] - row["amount_paid"], row
        assert row["arrears"] >= 0 and row["amount_paid"] >= 0
        previous[row["credit_code"]] = row["arrears"]


def test_wage_accounts_belong_to_builders_and_project_firms(town: City) -> None:
    enterprises = town.table("enterprises")
    codes = enterprises.column("credit_code").to_pylist()
    industry = dict(zip(codes, enterprises.column("industry").to_pylist(), strict=True))
    wage_account = town.feed("wage_account").to_pylist()
    sections = collections.Counter(industry[row["credit_code"]] for row in wage_account)
    assert sections.most_common(1)[0][0] == "E"
    assert set(sections) <= {"E", "N", "D", "C"}
    for row in wage_account:
        assert 0 <= row["paid_headcount"] <= row["attending_headcount"]
        assert row["project_name"].endswith(("工程", "项目"))
