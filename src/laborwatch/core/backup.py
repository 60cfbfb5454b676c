"""Backup and restore of an installation: the database, the data dir's files (feed store,
scores, trained models, anything kept there), and the keys in a file of their own.

A backup is one tar file:

    manifest.json        format, time, database kind, row counts of every table
    database.sqlite3     SQLite's online backup (consistent while the server runs), or
    database.pgdump      pg_dump --format=custom of the PostgreSQL database
    data/...             the data dir's files, less the database and the keys

The keys (SECRET_KEY and the field-encryption key) go to a separate file: whoever holds both
files can read every ID number and phone, so the key file must be kept apart from the backup.
Restore fills a fresh installation (no database tables, no feed store yet) and checks that
every table has the counts the manifest recorded.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
DATA_PREFIX = "data"
KEY_FILES = ("secret_key", "field_key")
# Not copied from the data dir: the database (backed up by its own tool), the keys (their own
# file), and what the app rebuilds (collected static files, the store's lock).
SKIPPED = {"laborwatch.sqlite3", "laborwatch.sqlite3-wal", "laborwatch.sqlite3-shm", "static"}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is for users (Chinese)."""


@dataclass
class BackupResult:
    path: Path
    keys_path: Path
    counts: dict[str, int]


def table_counts() -> dict[str, int]:
    """Rows of every table of the app's models, by table name."""
    counts = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if table in counts:
                continue
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def backup_create(*, out: Path, keys_out: Path, data_dir: Path) -> BackupResult:
    out, keys_out = out.resolve(), keys_out.resolve()
    if keys_out == out:
        raise BackupError("密钥文件不能与备份文件相同")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        counts = table_counts()
        database_file = _dump_database(folder)
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": connection.vendor,
            "counts": counts,
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        with tarfile.open(out, "w:gz") as archive:
            archive.add(folder / MANIFEST, MANIFEST)
            archive.add(database_file, database_file.name)
            for path in sorted(data_dir.iterdir()) if data_dir.is_dir() else []:
                if (
                    path.name in SKIPPED
                    or path.name in KEY_FILES
                    or path.resolve() in (out, keys_out)
                ):
                    continue
                archive.add(path, f"{DATA_PREFIX}/{path.name}")
    keys = {
        "SECRET_KEY": settings.SECRET_KEY,
        "LABORWATCH_FIELD_KEY": settings.FIELD_ENCRYPTION_KEY,
    }
    keys_out.write_text(json.dumps(keys), encoding="utf-8")
    keys_out.chmod(0o600)
    return BackupResult(out, keys_out, counts)


def _dump_database(folder: Path) -> Path:
    if connection.vendor == "sqlite":
        target = folder / SQLITE_FILE
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)  # SQLite's online backup: safe while serving
        copy.close()
        return target
    if connection.vendor == "postgresql":
        target = folder / PG_FILE
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _pg_url()])
        return target
    raise BackupError(f"不支持备份此数据库：{connection.vendor}")


def _pg_url() -> str:
    config = connection.settings_dict
    host = config.get("HOST") or "127.0.0.1"
    port = config.get("PORT") or 5432
    user = config.get("USER") or "postgres"
    return f"postgresql://{user}@{host}:{port}/{config['NAME']}"


def _run(command: list[str]) -> None:
    password = connection.settings_dict.get("PASSWORD") or ""
    env = {**os.environ, **({"PGPASSWORD": password} if password else {})}
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, env=env)
    except FileNotFoundError as error:
        raise BackupError(f"找不到 {command[0]}：请安装 PostgreSQL 客户端工具") from error
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{command[0]} 失败：{error.stderr.strip()[:300]}") from error


def read_manifest(path: Path) -> dict[str, Any]:
    try:
        with tarfile.open(path, "r:gz") as archive:
            member = archive.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest = json.loads(member.read())
    except (tarfile.TarError, KeyError, OSError, json.JSONDecodeError) as error:
        raise BackupError(f"不是 LaborWatch 备份文件：{path}") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式 {manifest.get('format')} 不受支持（应为 {FORMAT}）")
    return manifest


def backup_restore(*, path: Path, keys: Path, data_dir: Path) -> dict[str, int]:
    """Restore into a fresh installation (this one's database and data dir); the counts."""
    manifest = read_manifest(path)
    if manifest["database"] != connection.vendor:
        raise BackupError(
            f"备份来自 {manifest['database']} 数据库，当前配置的是 {connection.vendor}"
        )
    key_values = _read_keys(keys)
    _require_fresh(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch, tarfile.open(path, "r:gz") as archive:
        archive.extractall(scratch, filter="data")
        folder = Path(scratch)
        _restore_database(folder)
        source = folder / DATA_PREFIX
        for item in sorted(source.iterdir()) if source.is_dir() else []:
            shutil.move(str(item), data_dir / item.name)
    for name, value in (("secret_key", "SECRET_KEY"), ("field_key", "LABORWATCH_FIELD_KEY")):
        key_file = data_dir / name
        key_file.write_text(key_values[value], encoding="utf-8")
        key_file.chmod(0o600)
    counts = _restored_counts(manifest["counts"])
    if counts != manifest["counts"]:
        differing = sorted(t for t in manifest["counts"] if counts.get(t) != manifest["counts"][t])
        raise BackupError("恢复后的行数与备份时不同：" + "、".join(differing))
    return counts


def _read_keys(keys: Path) -> dict[str, str]:
    try:
        values = json.loads(keys.read_text(encoding="utf-8"))
        wanted = {
            "SECRET_KEY": str(values["SECRET_KEY"]),
            "LABORWATCH_FIELD_KEY": str(values["LABORWATCH_FIELD_KEY"]),
        }
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BackupError(f"不是 LaborWatch 密钥文件：{keys}") from error
    given = os.environ.get("LABORWATCH_FIELD_KEY")
    if given and given != wanted["LABORWATCH_FIELD_KEY"]:
        raise BackupError(
            "环境变量 LABORWATCH_FIELD_KEY 与备份的密钥不同：恢复后将无法解密个人信息"
        )
    return wanted


def _require_fresh(data_dir: Path) -> None:
    if (data_dir / "feeds").exists():
        raise BackupError(f"数据目录 {data_dir} 已有数据源库：请恢复到新的数据目录")
    if connection.vendor == "sqlite":
        database = Path(connection.settings_dict["NAME"])
        if database.exists() and database.stat().st_size > 0:
            raise BackupError(f"数据库 {database} 已存在：请恢复到新的数据目录")
        return
    with connection.cursor() as cursor:
        if connection.introspection.table_names(cursor):
            raise BackupError("目标数据库已有数据表：请恢复到新建的空数据库")


def _restore_database(folder: Path) -> None:
    if connection.vendor == "sqlite":
        connection.close()
        database = Path(connection.settings_dict["NAME"])
        with sqlite3.connect(folder / SQLITE_FILE) as source, sqlite3.connect(database) as copy:
            source.backup(copy)
        return
    connection.close()
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--exit-on-error",
            f"--dbname={_pg_url()}",
            str(folder / PG_FILE),
        ]
    )


def _restored_counts(expected: dict[str, int]) -> dict[str, int]:
    """Rows of the manifest's tables as restored (-1 for a table that is not there: the names
    come from the file, so only names the database has are put into SQL)."""
    counts = {}
    with connection.cursor() as cursor:
        present = set(connection.introspection.table_names(cursor))
        for table in expected:
            if table not in present:
                counts[table] = -1
                continue
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts
