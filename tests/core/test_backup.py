"""`laborwatch backup` and `laborwatch restore`, end to end in processes of their own: an
installation with workers (encrypted), a work order whose description held an ID number (the
original kept encrypted) and a loaded feed is backed up, restored into a fresh data dir and an
empty database, and holds the same rows and decrypts the same personal data.

On PostgreSQL (DATABASE_URL set) both installations are scratch databases made here and
dropped after; otherwise SQLite files in temporary data dirs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

SETUP = """
import datetime as dt
from pathlib import Path
from laborwatch.core.services import org_units_load
from laborwatch.core.models import OrgUnit
from laborwatch.cases.services import case_intake
from laborwatch.risk.ingest import ingest_file
from django.conf import settings
org_units_load()
case_intake(
    actor=None, channel="walk_in", caller_name="王强", caller_phone="13912345678",
    caller_id_number="370202199001011237", employer_name="青岛某公司",
    description="身份证370202199001011237，公司拖欠三个月工资。",
)
feed = Path(settings.DATA_DIR) / "tax.csv"
feed.write_text("月份,统一社会信用代码,应税收入,实缴税额\\n2026-09,91370200163562681G,16457,5\\n")
report = ingest_file(Path(settings.DATA_DIR), "tax", feed, today=dt.date(2026, 11, 26))
assert report.status == "loaded", report.summary()
feed.unlink()
"""
SAMPLE = """
import json
from laborwatch.core.backup import table_counts
from laborwatch.workers.models import Worker
from laborwatch.cases.models import Case
from laborwatch.core.models import PersonalTextOriginal
worker = Worker.objects.get()
print(json.dumps({
    "counts": table_counts(),
    "id_number": worker.id_number,
    "phone": worker.phone,
    "description": Case.objects.get().description,
    "original": PersonalTextOriginal.objects.get().text,
}))
"""


def _laborwatch(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from laborwatch.cli import main; sys.exit(main())",
            *argv,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _shell(env: dict[str, str], code: str) -> str:
    """The last line the code printed (DuckDB's progress bars may come before)."""
    done = _laborwatch(env, "django", "shell", "-c", code)
    assert done.returncode == 0, done.stderr
    return (done.stdout.strip().splitlines() or [""])[-1]


@pytest.fixture
def installations(tmp_path: Path) -> Iterator[tuple[dict[str, str], dict[str, str]]]:
    """The environments of two installations: one to back up, one fresh to restore into."""
    base = {k: v for k, v in os.environ.items() if k not in ("LABORWATCH_FIELD_KEY", "SECRET_KEY")}
    url = os.environ.get("DATABASE_URL", "")
    names = [f"lw_backup_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("source", "restored")]
    environments = []
    for name in names:
        env = base | {"LABORWATCH_DATA_DIR": str(tmp_path / name)}
        if url:
            env["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
        environments.append(env)
    if url:
        import psycopg

        admin_url = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin_url, autocommit=True) as admin:
            for name in names:
                admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield environments[0], environments[1]
    finally:
        if url:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                for name in names:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_and_restore_round_trip(installations, tmp_path):
    source, restored = installations
    assert _laborwatch(source, "migrate").returncode == 0
    _shell(source, SETUP)
    before = json.loads(_shell(source, SAMPLE))
    out = tmp_path / "backup.tar.gz"

    done = _laborwatch(source, "backup", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "该文件须与备份分开保管" in done.stderr
    keys = Path(str(out) + ".keys")
    assert oct(keys.stat().st_mode & 0o777) == "0o600"
    with tarfile.open(out) as archive:
        names = archive.getnames()
    assert "data/feeds" in names and not any("field_key" in name for name in names)
    field_key = Path(source["LABORWATCH_DATA_DIR"], "field_key").read_text()
    assert json.loads(keys.read_text())["LABORWATCH_FIELD_KEY"] == field_key

    done = _laborwatch(restored, "restore", str(out))
    assert done.returncode == 0, done.stderr
    after = json.loads(_shell(restored, SAMPLE))
    assert after == before
    assert after["id_number"] == "370202199001011237"
    assert after["description"] == "身份证370202********1237，公司拖欠三个月工资。"
    assert after["original"] == "身份证370202199001011237，公司拖欠三个月工资。"
    assert before["counts"]["cases_case"] == 1 and before["counts"]["core_orgunit"] > 10
    assert list(Path(restored["LABORWATCH_DATA_DIR"], "feeds", "tax").iterdir())

    # A second restore into the now filled installation is refused, and says why.
    again = _laborwatch(restored, "restore", str(out))
    assert again.returncode == 1
    assert "已有数据源库" in again.stderr
