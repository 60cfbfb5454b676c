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


def test_trading_enterprises_report_every_month_but_for_a_few_gaps(town: City) -> None:
    registry = town.table("enterprises").select(["credit_code", "status", "established_on"])
    old_and_trading, closed = set(), set()
    for row in registry.to_pylist():
        if row["status"] in ("吊销", "注销"):
            closed.add(row["credit_code"])
        elif row["established_on"] < dt.date(2025, 11, 1):
            old_and_trading.add(row["credit_code"])
    social_insurance = town.feed("social_insurance")
    per_code = collections.Counter(social_insurance.column("credit_code").to_pylist())
    months = [per_code[code] for code in old_and_trading]
    # 0.5% of enterprise-months are missing from a month's file (a gap in the delivery)
    assert old_and_trading and set(months) <= {10, 11, 12}
    assert 0.9 < months.count(12) / len(months) < 0.97
    assert not closed & set(per_code)
    # a mistyped credit code (0.2% of rows) belongs to no registered enterprise
    codes = set(registry.column("credit_code").to_pylist())
    mistyped = sum(n for code, n in per_code.items() if code not in codes)
    assert 0.001 < mistyped / social_insurance.num_rows < 0.003
    tax = collections.Counter(town.feed("tax").column("credit_code").to_pylist())
    assert set(tax) - codes <= set(per_code) - codes | set(tax) - codes
    # Most micro firms file by the quarter: four returns a year instead of twelve.
    assert 0.5 * social_insurance.num_rows < sum(tax.values()) < 0.8 * social_insurance.num_rows


def test_quarterly_filers_declare_the_quarter_in_its_last_month(town: City) -> None:
    tax = town.feed("tax").to_pylist()
    per_code: dict[str, list[str]] = collections.defaultdict(list)
    for row in tax:
        per_code[row["credit_code"]].append(row["month"])
    few = [months for months in per_code.values() if len(months) <= 4]
    quarter_ends = [m for m in few if all(month[5:] in ("12", "03", "06", "09") for month in m)]
    # the others are firms founded in the year, or rows with a mistyped code
    assert len(quarter_ends) > 0.9 * len(few) > 100


def test_social_insurance_books_balance(town: City) -> None:
    order = [("credit_code", "ascending"), ("month", "ascending")]
    rows = town.feed("social_insurance").sort_by(order)
    previous: dict[str, tuple[dt.date, int]] = {}
    checked = 0
    for row in rows.to_pylist():
        month = dt.date.fromisoformat(row["month"] + "-01")
        last = previous.get(row["credit_code"])
        # across a gap in the delivery the month between is not there to add up
        if last is None or (month - last[0]).days < 32:
            owed = last[1] if last else 0
            assert row["arrears"] == owed + row["amount_due"] - row["amount_paid"], row
            checked += 1
        assert row["arrears"] >= 0 and row["amount_paid"] >= 0
        previous[row["credit_code"]] = (month, row["arrears"])
    assert checked > 0.98 * rows.num_rows


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
