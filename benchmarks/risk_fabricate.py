"""A city-scale feed folder for the risk benchmarks, made fast with numpy (not the synth city).

`laborwatch synth --scale city` is the real input; this stands in when it is not at hand
and lets the benchmark choose its size. Layout as the synth writes it:
enterprises.parquet, complaints.parquet, feeds/<feed>/<YYYY-MM>.parquet.

    .venv/bin/python benchmarks/risk_fabricate.py --out /tmp/lw-risk-fab --enterprises 350000
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from laborwatch.lib.codes import CREDIT_CODE_ALPHABET, CREDIT_CODE_WEIGHTS

INDUSTRIES = np.array(list("CEFGHIKLMO"))
DISTRICTS = np.array(["市南区", "市北区", "李沧区", "崂山区", "黄岛区", "城阳区", "即墨区"])


def credit_codes(count: int, rng: np.random.Generator) -> np.ndarray:
    alphabet = np.frombuffer(CREDIT_CODE_ALPHABET.encode(), dtype=np.uint8)
    body = rng.integers(0, 31, size=(count, 9))
    values = np.concatenate(
        [np.tile([9, 1, 3, 7, 0, 2, 0, 0], (count, 1)), body], axis=1
    )  # 91 370200 + 9 random
    check = (31 - (values @ np.array(CREDIT_CODE_WEIGHTS)) % 31) % 31
    chars = alphabet[np.concatenate([values, check[:, None]], axis=1)]
    return np.array(chars.view("S18").ravel()).astype(str)


def months_ending(end: str, count: int) -> list[dt.date]:
    year, month = map(int, end.split("-"))
    index = year * 12 + month - 1
    return [dt.date((index - i) // 12, (index - i) % 12 + 1, 1) for i in range(count - 1, -1, -1)]


def fabricate(out: Path, enterprises: int, months: int = 24, end: str = "2026-10", seed: int = 1):
    rng = np.random.default_rng(seed)
    codes = credit_codes(enterprises, rng)
    industry = INDUSTRIES[rng.integers(0, len(INDUSTRIES), enterprises)]
    staff = np.maximum(1, rng.lognormal(2.0, 1.2, enterprises).astype(np.int64))
    out.mkdir(parents=True, exist_ok=True)
    pq.write_table(
        pa.table(
            {
                "credit_code": codes,
                "name": np.char.add("企业", np.arange(enterprises).astype(str)),
                "district": DISTRICTS[rng.integers(0, len(DISTRICTS), enterprises)],
                "industry": industry,
                "employee_count": staff,
            }
        ),
        out / "enterprises.parquet",
    )
    month_list = months_ending(end, months)
    # A few percent of enterprises go into trouble at a random month: arrears, fewer staff.
    trouble_at = np.where(
        rng.random(enterprises) < 0.03, rng.integers(6, months, enterprises), 10**6
    )
    projects = np.flatnonzero(industry == "E")[: enterprises // 40]
    rows = 0
    for index, month in enumerate(month_list):
        name = month.strftime("%Y-%m")
        in_trouble = index >= trouble_at
        headcount = np.where(in_trouble, staff * 0.6, staff * rng.uniform(0.95, 1.05, enterprises))
        due = headcount * 1200.0
        paid = np.where(in_trouble & (rng.random(enterprises) < 0.7), 0.0, due)
        tables = {
            "social_insurance": {
                "month": name,
                "credit_code": codes,
                "insured_headcount": headcount.astype(np.int64),
                "amount_due": due,
                "amount_paid": paid,
                "arrears": due - paid,
            },
            "tax": {
                "month": name,
                "credit_code": codes,
                "taxable_revenue": staff * 20000.0 * np.where(in_trouble, 0.4, 1.0),
                "tax_paid": staff * 600.0,
            },
            "utilities": {
                "month": name,
                "credit_code": codes,
                "electricity_kwh": staff * 300.0 * np.where(in_trouble, 0.5, 1.0),
                "water_m3": staff * 3.0,
            },
            "wage_account": {
                "month": name,
                "project_code": np.char.add("P", projects.astype(str)),
                "project_name": "项目",
                "credit_code": codes[projects],
                "attending_headcount": staff[projects] + 20,
                "paid_headcount": np.where(in_trouble[projects], 0, staff[projects] + 20),
                "amount_paid": np.where(in_trouble[projects], 0.0, 1e5),
            },
        }
        for feed, columns in tables.items():
            count = len(columns["credit_code"])
            table = pa.table(
                {k: (np.full(count, v) if isinstance(v, str) else v) for k, v in columns.items()}
            )
            (out / "feeds" / feed).mkdir(parents=True, exist_ok=True)
            pq.write_table(table, out / "feeds" / feed / f"{name}.parquet")
            rows += count
        first_day = month
        days = 28
        events = max(1, enterprises // 200)
        who = rng.integers(0, enterprises, events)
        troubled = np.flatnonzero(in_trouble)
        who = (
            np.concatenate([who, rng.choice(troubled, min(len(troubled), events))])
            if len(troubled)
            else who
        )
        filed = np.array(
            [first_day + dt.timedelta(days=int(d)) for d in rng.integers(0, days, len(who))]
        )
        court = pa.table(
            {
                "filed_on": filed,
                "credit_code": codes[who],
                "kind": np.array(["labor_arbitration", "labor_lawsuit", "enforcement"])[
                    rng.integers(0, 3, len(who))
                ],
                "plaintiffs": rng.integers(1, 15, len(who)),
                "amount": rng.uniform(1e3, 1e5, len(who)),
            }
        )
        (out / "feeds" / "court_filings").mkdir(parents=True, exist_ok=True)
        pq.write_table(court, out / "feeds" / "court_filings" / f"{name}.parquet")
        rows += court.num_rows
    troubled = np.flatnonzero(trouble_at < months)
    onset = [month_list[int(trouble_at[i])] for i in troubled]
    pq.write_table(
        pa.table(
            {
                "episode_id": np.char.add("E", np.arange(len(troubled)).astype(str)),
                "credit_code": codes[troubled],
                "kind": ["wage_arrears"] * len(troubled),
                "onset_month": [m.strftime("%Y-%m") for m in onset],
                "event_on": [m + dt.timedelta(days=75) for m in onset],
            }
        ),
        out / "episodes.parquet",
    )
    complaints = enterprises * 2
    who = rng.integers(0, enterprises, complaints)
    start = np.datetime64(month_list[0].isoformat(), "s")
    span = (np.datetime64(month_list[-1].isoformat(), "s") + np.timedelta64(27, "D")) - start
    received = start + rng.integers(0, span.astype(np.int64), complaints).astype("timedelta64[s]")
    pq.write_table(
        pa.table(
            {
                "complaint_id": np.char.add("C", np.arange(complaints).astype(str)),
                "received_at": received,
                "worker_key": np.char.add("W", rng.integers(0, 3_400_000, complaints).astype(str)),
                "credit_code": codes[who],
                "channel": np.array(["hotline_12351", "online", "public_opinion"])[
                    rng.integers(0, 3, complaints)
                ],
                "category": np.array(["wage_arrears", "social_insurance", "contract"])[
                    rng.integers(0, 3, complaints)
                ],
                "workers_involved": rng.integers(1, 4, complaints),
            }
        ),
        out / "complaints.parquet",
    )
    return rows + complaints


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True)
    parser.add_argument("--enterprises", type=int, default=350_000)
    parser.add_argument("--months", type=int, default=24)
    args = parser.parse_args()
    started = time.perf_counter()
    rows = fabricate(Path(args.out), args.enterprises, args.months)
    print(f"{rows:,} event rows in {time.perf_counter() - started:.1f} s → {args.out}")


if __name__ == "__main__":
    main()
