"""Peak memory of `laborwatch ingest` on malformed and large feed files (issue 15).

    .venv/bin/python benchmarks/ingest_memory.py [--valid-mb 75] [--size-gb 2] [--cases ...]

Each file is ingested as a feed in a fresh process (the figures are that process's peak
resident memory, ru_maxrss, its wall time and its CPU time, user + system, which the load of
other processes inflates less than the wall time), beside two same-run baselines: a process
that only imports the ingest code, and, for every file that is read, a process in which
DuckDB reads the same file into a table (`read_csv`, every column as text, within the batch
database's memory limit: the least any loader of the file does). Files are written under a
temporary folder inside `--folder` (default the system's; created if missing), one at a
time, and removed after their measure; files that are mostly NUL bytes are sparse (2 GB of
them takes no disk). A process that fails has its error output shown and its row says so.
The batch memory limit is the ingest's own (LABORWATCH_INGEST_MEMORY, default 256MB).

- all-NUL: the probe's file (--size-gb of NUL bytes);
- header, then NUL: a valid header line, then NUL bytes to --size-gb;
- valid rows, then NUL: 30,000 valid rows (1.1 MB), then NUL bytes to --size-gb;
- valid (MB): --valid-mb of valid tax rows, every key once;
- valid: --size-gb of valid tax rows, every key once (350,000 enterprises × the months from
  2010 that it takes), written as generated;
- mostly bad: --size-gb of tax rows of which 9 in 10 are bad (a wrong check character, 1e400,
  a negative amount, a future month, 99999999999999999999999 …): every bad row has a line
  in the row report;
- per 险种: --size-gb of social insurance rows, one per 险种 (five per enterprise and month),
  each five combined into one stored row, each combined row noted in the row report.

(A line of --size-gb letters without a line break is not measured, as it writes the bytes:
the header check reads 64 KB of it, tests/risk/test_feed_formats.py shows the refusal.)

Development aid: the files are written here, not real feeds. Goal: under 1 GB for any input.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

TAX_HEADER = "月份,统一社会信用代码,应税收入,实缴税额\n"
SI_HEADER = "费款所属期,统一社会信用代码,险种,缴费人数,应缴金额,实缴金额,欠缴金额\n"
ENTERPRISES = 350_000
FIRST_MONTH = 2010 * 12  # January 2010, as a month index
TODAY = "2026-11-26"
CHILD = """
import datetime as dt, resource, sys, time
from pathlib import Path
import duckdb
from laborwatch.risk.ingest import ingest_file
from laborwatch.risk.store import batch_memory_limit
started = time.perf_counter()
if sys.argv[1] == "ingest":
    report = ingest_file(
        Path(sys.argv[4]), sys.argv[2], Path(sys.argv[3]), today=dt.date.fromisoformat(sys.argv[5])
    )
    outcome = report.summary() if report.status != "refused" else "refused：" + report.message
elif sys.argv[1] == "duckdb":
    config = {"memory_limit": batch_memory_limit(), "temp_directory": sys.argv[4]}
    con = duckdb.connect(config=config)
    read = f"read_csv('{sys.argv[3]}', all_varchar = true)"
    con.execute(f"CREATE TABLE source AS SELECT * FROM {read}")
    outcome = f"DuckDB read_csv: {con.sql('SELECT count(*) FROM source').fetchall()[0][0]:,} rows"
else:
    outcome = "imports only"
usage = resource.getrusage(resource.RUSAGE_SELF)
cpu = usage.ru_utime + usage.ru_stime
print(f"{usage.ru_maxrss // 1024}\\t{time.perf_counter() - started:.1f}\\t{cpu:.1f}\\t{outcome}")
"""


def _code(seq: int) -> str:
    from laborwatch.lib.codes import credit_code_check_char, org_code_check_char

    org8 = f"MA{seq:06d}"
    first17 = f"91370200{org8}{org_code_check_char(org8)}"
    return first17 + credit_code_check_char(first17)


def _month(index: int) -> str:
    month = FIRST_MONTH + index
    return f"{month // 12}-{month % 12 + 1:02d}"


def _rows(count: int) -> str:
    """Valid tax rows of 10,000 enterprises over months from 2010 (keys repeat beyond
    1,2 million rows: for the small files only)."""
    codes = [_code(i) for i in range(1, 10_001)]
    return "".join(
        f"{_month(i // 10_000)},{codes[i % 10_000]},{16457 + i % 1000},{i % 500}\n"
        for i in range(count)
    )


def _tax_months(codes: list[str], bad: bool) -> Iterator[str]:
    """Tax rows a month at a time, every enterprise once a month; with `bad`, 9 in 10 rows
    are wrong in one of nine ways."""
    wrong_check = [code[:-1] + ("0" if code[-1] != "0" else "1") for code in codes]
    month = 0
    while True:
        written = _month(month)
        if not bad:
            yield "".join(
                f"{written},{code},{16457 + i % 1000},{i % 500}\n" for i, code in enumerate(codes)
            )
        else:
            yield "".join(
                _bad_row(i, written, code, wrong_check[i]) for i, code in enumerate(codes)
            )
        month += 1


def _bad_row(i: int, month: str, code: str, wrong_check: str) -> str:
    """Row `i` of a month: 1 in 10 valid, the others wrong each in its way."""
    return (
        f"{month},{code},{16457 + i % 1000},{i % 500}\n",
        f"{month},{wrong_check},16457,5\n",
        f"{month},{code},1e400,5\n",
        f"{month},{code},-16457,5\n",
        f"2031-01,{code},16457,5\n",
        f"{month},{code},约一万元,5\n",
        f"{month},{code[:17]},16457,5\n",
        f"{month},{code},16457,99999999999999999999999\n",
        f"2026-13,{code},16457,5\n",
        f"{month},,16457,5\n",
    )[i % 10]


INSURANCES = ("基本养老保险", "基本医疗保险", "失业保险", "工伤保险", "生育保险")


def _insurance_months(codes: list[str]) -> Iterator[str]:
    """Social insurance rows a month at a time, one row per 险种 of every enterprise."""
    month = 0
    while True:
        written = _month(month)
        yield "".join(
            f"{written},{code},{kind},{20 + i % 50},3200.00,{3200 - i % 3 * 100}.00,\n"
            for i, code in enumerate(codes)
            for kind in INSURANCES
        )
        month += 1


def _write(path: Path, header: str, blocks: Iterator[str], size: int) -> Path:
    """Write the header and then whole blocks until the file is at least `size` bytes."""
    written = 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write(header)
        while written < size:
            block = next(blocks)
            handle.write(block)
            written += len(block.encode())
    return path


def _sparse(path: Path, head: bytes, size: int) -> Path:
    with path.open("wb") as handle:
        handle.write(head)
        handle.truncate(size)
    return path


CASES = ("all-NUL", "header-NUL", "rows-NUL", "valid-mb", "valid", "mostly-bad", "per-insurance")


def _make(case: str, folder: Path, size: int, valid_mb: int) -> tuple[str, str, Path]:
    """(label, feed, file) of a case, the file written."""
    if case == "all-NUL":
        return "all-NUL", "tax", _sparse(folder / "zeros.csv", b"", size)
    if case == "header-NUL":
        return "header, then NUL", "tax", _sparse(folder / "h.csv", TAX_HEADER.encode(), size)
    if case == "rows-NUL":
        head = (TAX_HEADER + _rows(30_000)).encode()
        return "valid rows, then NUL", "tax", _sparse(folder / "rows-zeros.csv", head, size)
    codes = [_code(i) for i in range(1, ENTERPRISES + 1)]
    if case == "valid-mb":
        path = _write(
            folder / "valid-mb.csv", TAX_HEADER, _tax_months(codes, False), valid_mb << 20
        )
        return f"valid ({valid_mb} MB)", "tax", path
    if case == "valid":
        return (
            "valid",
            "tax",
            _write(folder / "valid.csv", TAX_HEADER, _tax_months(codes, False), size),
        )
    if case == "mostly-bad":
        path = _write(folder / "bad.csv", TAX_HEADER, _tax_months(codes, True), size)
        return "mostly bad (9 in 10)", "tax", path
    path = _write(folder / "si.csv", SI_HEADER, _insurance_months(codes), size)
    return "per 险种 (5 rows a key)", "social_insurance", path


def _measure(*arguments: str) -> tuple[str, str, str, str]:
    """(peak MB, wall s, CPU s, outcome) of a child process; a child that fails has its
    error output shown and its outcome says so."""
    child = subprocess.run(
        [sys.executable, "-c", CHILD, *arguments], capture_output=True, text=True, check=False
    )
    if child.returncode != 0:
        print(child.stderr, file=sys.stderr, flush=True)
        return "-", "-", "-", f"failed (exit {child.returncode}), its error output above"
    peak, wall, cpu, outcome = child.stdout.strip().splitlines()[-1].split("\t", 3)
    return peak, wall, cpu, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-gb", type=float, default=2.0)
    parser.add_argument("--valid-mb", type=int, default=75)
    parser.add_argument("--cases", nargs="+", choices=CASES, default=list(CASES))
    parser.add_argument("--folder", type=Path, default=None, help="where the files are written")
    options = parser.parse_args()
    size = int(options.size_gb * (1 << 30))
    if options.folder is not None:
        options.folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=options.folder) as scratch:
        folder = Path(scratch)
        baseline, _, _, _ = _measure("imports")
        print(f"{'file':<26}{'size':>10}{'peak MB':>9}{'wall s':>8}{'CPU s':>8}  outcome")
        print(f"{'baseline (imports)':<26}{'':>10}{baseline:>9}", flush=True)
        for case in options.cases:
            label, feed, path = _make(case, folder, size, options.valid_mb)
            shown = f"{path.stat().st_size / (1 << 20):,.0f} MB"
            store = folder / "store"
            peak, wall, cpu, outcome = _measure("ingest", feed, str(path), str(store), TODAY)
            print(f"{label:<26}{shown:>10}{peak:>9}{wall:>8}{cpu:>8}  {outcome[:160]}", flush=True)
            if not case.endswith("NUL"):
                spill = folder / "spill"
                peak, wall, cpu, outcome = _measure("duckdb", feed, str(path), str(spill), TODAY)
                same = "  same file, DuckDB read"
                print(f"{same:<26}{'':>10}{peak:>9}{wall:>8}{cpu:>8}  {outcome}", flush=True)
            shutil.rmtree(store, ignore_errors=True)
            shutil.rmtree(folder / "spill", ignore_errors=True)
            path.unlink()


if __name__ == "__main__":
    main()
