"""Same arguments give byte-identical files; another seed gives other files."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from laborwatch.synth import SCALES, generate

from .conftest import TINY, City


def test_same_seed_gives_byte_identical_files(tiny_city: City, tmp_path: Path) -> None:
    again = generate(tmp_path / "again", seed=7, **TINY)
    assert again == tiny_city.manifest
    for entry in again["files"]:
        first = (tiny_city.root / entry["path"]).read_bytes()
        second = (tmp_path / "again" / entry["path"]).read_bytes()
        assert first == second, entry["path"]
    manifest_text = (tiny_city.root / "manifest.json").read_bytes()
    assert (tmp_path / "again" / "manifest.json").read_bytes() == manifest_text


def test_another_seed_changes_every_file_with_rows(tiny_city: City, tmp_path: Path) -> None:
    other = generate(tmp_path / "other", seed=8, **TINY)
    theirs = {entry["path"]: entry for entry in other["files"]}
    compared = 0
    for entry in tiny_city.manifest["files"]:
        if entry["rows"] and theirs[entry["path"]]["rows"]:
            assert entry["sha256"] != theirs[entry["path"]]["sha256"], entry["path"]
            compared += 1
    assert compared >= 20  # 4 files + 4 regular feeds × 6 months at least


def test_manifest_lists_every_file_with_its_hash_and_rows(tiny_city: City) -> None:
    manifest = tiny_city.manifest
    written = sorted(
        str(path.relative_to(tiny_city.root))
        for path in tiny_city.root.rglob("*")
        if path.is_file() and path.name != "manifest.json"
    )
    assert [entry["path"] for entry in manifest["files"]] == written
    for entry in manifest["files"]:
        data = (tiny_city.root / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert entry["bytes"] == len(data)
    assert manifest["counts"]["enterprises.parquet"] == 300
    assert manifest["counts"]["workers.parquet"] == round(300 * 3_400_000 / 350_000)
    assert manifest["months"] == ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
    monthly = [e for e in manifest["files"] if e["path"].startswith("feeds/social_insurance/")]
    assert len(monthly) == 6
    assert manifest["counts"]["feeds/social_insurance"] == sum(e["rows"] for e in monthly)


def test_manifest_file_has_sorted_keys_and_no_timestamps(tiny_city: City) -> None:
    text = (tiny_city.root / "manifest.json").read_text(encoding="utf-8")
    manifest = json.loads(text)
    assert text == json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    assert set(manifest) == {
        "end_month", "enterprises", "files", "format_version", "generator", "libraries",
        "months", "counts", "scale", "seed", "workers",
    }  # fmt: skip
    assert manifest["seed"] == 7 and manifest["scale"] == "custom"


def test_regenerating_into_a_city_directory_replaces_it(tmp_path: Path) -> None:
    first = generate(tmp_path, seed=1, **{**TINY, "enterprises": 50, "months": 3})
    second = generate(tmp_path, seed=2, **{**TINY, "enterprises": 50, "months": 2})
    on_disk = sorted(
        str(p.relative_to(tmp_path))
        for p in tmp_path.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    )
    assert on_disk == [entry["path"] for entry in second["files"]]
    assert len(second["files"]) < len(first["files"])


def test_refuses_a_directory_with_other_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(FileExistsError):
        generate(tmp_path, **TINY)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert not (tmp_path / "enterprises.parquet").exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"scale": "nation"}, "unknown scale"),
        ({"end_month": "2026-13"}, "end_month"),
        ({"months": 0}, "months"),
        ({"enterprises": 0}, "enterprises"),
        ({"seed": -1}, "seed"),
    ],
)
def test_bad_arguments_are_refused_before_writing(
    tmp_path: Path, arguments: dict, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        generate(tmp_path / "out", **{**TINY, **arguments})
    assert not (tmp_path / "out").exists()


def test_scales_match_the_city_of_qingdao() -> None:
    assert SCALES["city"].enterprises == 350_000
    assert SCALES["city"].workers == 3_400_000
    assert SCALES["demo"].enterprises == 35_000
    assert SCALES["demo"].workers == 340_000


def test_the_package_never_imports_django() -> None:
    code = "import sys, laborwatch.synth; print('django' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_refuses_a_directory_whose_manifest_is_not_a_citys(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text('{"files": []}', encoding="utf-8")
    with pytest.raises(FileExistsError):
        generate(tmp_path, **TINY)
    assert (tmp_path / "manifest.json").read_text(encoding="utf-8") == '{"files": []}'


def test_output_does_not_depend_on_string_hashing(tmp_path: Path) -> None:
    code = (
        "import json, sys; from pathlib import Path; from laborwatch.synth import generate; "
        "m = generate(Path(sys.argv[1]), seed=7, enterprises=120, months=3, progress=False); "
        "print(json.dumps([f['sha256'] for f in m['files']]))"
    )
    hashes = []
    for hash_seed in ("1", "2"):
        environment = {**os.environ, "PYTHONHASHSEED": hash_seed}
        result = subprocess.run(
            [sys.executable, "-c", code, str(tmp_path / hash_seed)],
            capture_output=True, text=True, check=True, env=environment,
        )  # fmt: skip
        hashes.append(json.loads(result.stdout))
    assert hashes[0] == hashes[1]
