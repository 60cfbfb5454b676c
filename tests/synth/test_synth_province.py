"""A province: sixteen prefectures generated one at a time into the same files, each with its
own division codes, its keys following the previous prefecture's."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from laborwatch.lib.codes import credit_code_check_char, id_number_check_char
from laborwatch.synth import generate
from laborwatch.synth.province import PREFECTURES, prefecture_sizes

from .conftest import TINY, City

SMALL = {"scale": "province", "enterprises": 1600, "months": 4, "progress": False, "seed": 5}


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> City:
    root = tmp_path_factory.mktemp("province")
    return City(root, generate(root, **SMALL))


def test_prefecture_sizes_add_up_and_follow_the_shares() -> None:
    sizes = prefecture_sizes(3_500_000)
    assert sum(sizes) == 3_500_000
    assert sizes[1] == max(sizes)  # 青岛
    assert sum(prefecture_sizes(1601)) == 1601
    assert len(sizes) == len(PREFECTURES) == 16


def test_each_prefecture_has_its_own_valid_credit_codes(province: City) -> None:
    codes = province.table("enterprises").column("credit_code").to_pylist()
    assert len(codes) == len(set(codes)) == 1600
    assert all(credit_code_check_char(code[:17]) == code[17] for code in codes)
    per_prefix: dict[str, int] = {}
    for code in codes:
        per_prefix[code[2:6]] = per_prefix.get(code[2:6], 0) + 1
    sizes = prefecture_sizes(1600)
    expected = {p.prefix.decode(): n for p, n in zip(PREFECTURES, sizes, strict=True)}
    assert per_prefix == expected
    listed = province.manifest["prefectures"]
    assert {code[:4]: entry["enterprises"] for code, entry in listed.items()} == expected


def test_names_and_addresses_carry_the_prefecture(province: City) -> None:
    firms = province.table("enterprises")
    jinan = pc.starts_with(pc.utf8_slice_codeunits(firms.column("credit_code"), 2, 6), "3701")
    addresses = firms.filter(jinan).column("address").to_pylist()
    assert addresses and not any("青岛" in address for address in addresses)
    assert any(address.startswith(("济南市", "山东省济南市")) for address in addresses)


def test_worker_keys_follow_on_and_identity_numbers_stay_valid(province: City) -> None:
    workers = province.table("workers")
    keys = workers.column("worker_key").to_numpy()
    assert np.array_equal(keys, np.arange(1, len(keys) + 1))
    ids = workers.column("id_number").to_pylist()
    assert all(id_number_check_char(number[:17]) == number[17] for number in ids)
    employers = workers.column("employer_credit_code").to_pylist()
    # Born in the template city's divisions only when working in Qingdao (3702).
    for number, employer in zip(ids, employers, strict=True):
        if number.startswith("3702"):
            assert employer[2:6] == "3702", (number, employer)


def test_episode_and_complaint_keys_point_inside_their_prefecture(province: City) -> None:
    episodes = province.table("episodes")
    ids = episodes.column("episode_id").to_numpy()
    assert np.array_equal(ids, np.arange(1, len(ids) + 1))
    episode_prefix = dict(
        zip(ids.tolist(), [c[2:6] for c in episodes.column("credit_code").to_pylist()], strict=True)
    )
    complaints = province.table("complaints")
    assert np.array_equal(
        complaints.column("complaint_id").to_numpy(), np.arange(1, complaints.num_rows + 1)
    )
    employer = province.table("workers").column("employer_credit_code").to_pylist()
    checked = 0
    for row in complaints.select(["worker_key", "episode_id", "credit_code"]).to_pylist():
        prefix = employer[row["worker_key"] - 1][2:6]
        if row["episode_id"] is not None:
            assert episode_prefix[row["episode_id"]] == prefix
            checked += 1
        if row["credit_code"] is not None:
            assert row["credit_code"][2:6] == prefix
    assert checked > 0


def test_feed_files_hold_one_row_group_per_prefecture(province: City) -> None:
    path = province.root / "feeds" / "social_insurance" / "2026-10.parquet"
    assert pq.ParquetFile(path).metadata.num_row_groups == 16
    registered = set(province.table("enterprises").column("credit_code").to_pylist())
    codes = province.feed("social_insurance").column("credit_code").to_pylist()
    mistyped = [code for code in codes if code not in registered]
    assert len(mistyped) < 0.01 * len(codes)  # the feeds' few mistyped codes only


def test_posts_are_written_per_prefecture(province: City) -> None:
    for code in province.manifest["prefectures"]:
        assert (province.root / "prefectures" / code / "posts.jsonl").exists()


def test_same_arguments_give_the_same_province(province: City, tmp_path: Path) -> None:
    assert generate(tmp_path / "again", **SMALL) == province.manifest


def test_without_posts_no_post_stream_and_the_rest_unchanged(
    tiny_city: City, tmp_path: Path
) -> None:
    manifest = generate(tmp_path / "quiet", seed=7, posts=False, **TINY)
    assert manifest["posts"] is False
    with_posts = {entry["path"]: entry["sha256"] for entry in tiny_city.manifest["files"]}
    without = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
    assert {path for path in with_posts if path not in without} == {
        "posts.jsonl",
        "posts_labels.jsonl",
        "posts_week.csv",
    }
    assert all(with_posts[path] == sha for path, sha in without.items())


def test_a_province_needs_an_enterprise_per_prefecture(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="prefecture"):
        generate(tmp_path / "out", **{**SMALL, "enterprises": 15})
    assert not (tmp_path / "out").exists()
