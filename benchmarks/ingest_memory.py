"""Peak memory of `laborwatch ingest` on malformed and large feed files (issue 15).

    .venv/bin/python benchmarks/ingest_memory.py [--valid-mb 75] [--size-gb 2]

Each file is ingested as the tax feed in a fresh process (the figure is that process's peak
resident memory, ru_maxrss), beside the same-run baseline of a process that only imports the
ingest code. Files are written under a temporary folder, sparse where they are mostly NUL
bytes (2 GB of them takes no disk):

- all-NUL: the probe's file (--size-gb of NUL bytes);
- header, then NUL: a valid header line, then NUL bytes to --size-gb;
- one line: --size-gb of letters without a line break is not measured (it writes the bytes);
  the header check reads 64 KB of it, tests/risk/test_feed_formats.py shows the refusal;
- valid rows, then NUL: 30,000 valid rows (1.1 MB), then NUL bytes to --size-gb;
- valid CSV: --valid-mb of valid tax rows, loaded whole.

Development aid: the files are written here, not real feeds. Goal: under 1 GB for any input.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

HEADER = "月份,统一社会信用代码,应税收入,实缴税额\n"
CHILD = """
import datetime as dt, resource, sys, time
from pathlib import Path
from laborwatch.risk.ingest import ingest_file
started = time.perf_counter()
if sys.argv[1] != "-":
    report = ingest_file(Path(sys.argv[2]), "tax", Path(sys.argv[1]), today=dt.date(2026, 11, 26))
    outcome = report.status + ("：" + report.message[:60] if report.message else "")
else:
    outcome = "imports only"
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(f"{peak}\\t{time.perf_counter() - started:.1f}\\t{outcome}")
"""


def _code(seq: int) -> str:
    from laborwatch.lib.codes import credit_code_check_char, org_code_check_char

    org8 = f"MA{seq:06d}"
    first17 = f"91370200{org8}{org_code_check_char(org8)}"
    return first17 + credit_code_check_char(first17)


def _rows(count: int) -> str:
    codes = [_code(i) for i in range(1, 10_001)]
    return "".join(
        f"20{10 + i // 120_000 % 17:02d}-{1 + i // 10_000 % 12:02d},{codes[i % 10_000]},"
        f"{16457 + i % 1000},{i % 500}\n"
        for i in range(count)
    )


def _files(folder: Path, size: int, valid_mb: int) -> dict[str, Path]:
    files = {
        "all-NUL": folder / "zeros.csv",
        "header, then NUL": folder / "header-zeros.csv",
        "valid rows, then NUL": folder / "rows-zeros.csv",
        f"valid CSV ({valid_mb} MB)": folder / "valid.csv",
    }
    heads = {
        "all-NUL": b"",
        "header, then NUL": HEADER.encode(),
        "valid rows, then NUL": (HEADER + _rows(30_000)).encode(),
    }
    for name, head in heads.items():
        with files[name].open("wb") as handle:
            handle.write(head)
            handle.truncate(size)
    rows_per_mb = (1 << 20) // 37
    with files[f"valid CSV ({valid_mb} MB)"].open("w", encoding="utf-8") as handle:
        handle.write(HEADER)
        for _ in range(valid_mb):
            handle.write(_rows(rows_per_mb))
    return files


def _measure(path: str, store: Path) -> tuple[int, str, str]:
    output = (
        subprocess.run(
            [sys.executable, "-c", CHILD, path, str(store)],
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )  # after DuckDB's progress bars
    peak, seconds, outcome = output.split("\t", 2)
    return int(peak), seconds, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-gb", type=float, default=2.0)
    parser.add_argument("--valid-mb", type=int, default=75)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        files = _files(folder, int(options.size_gb * (1 << 30)), options.valid_mb)
        baseline, _, _ = _measure("-", folder / "store")
        print(f"{'file':<24}{'size':>10}{'peak MB':>9}{'s':>7}  outcome")
        print(f"{'baseline (imports)':<24}{'':>10}{baseline:>9}{'':>7}")
        for name, path in files.items():
            peak, seconds, outcome = _measure(str(path), folder / "store")
            size = f"{path.stat().st_size / (1 << 20):,.0f} MB"
            print(f"{name:<24}{size:>10}{peak:>9}{seconds:>7}  {outcome}")


if __name__ == "__main__":
    main()
