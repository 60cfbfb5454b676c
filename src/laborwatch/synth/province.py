"""A province of prefecture cities: Shandong's sixteen, each generated as a city of its own.

A province is too large to hold in memory (3.5 million enterprises, 34 million workers), so
it is generated one prefecture at a time and streamed to the same files (store.ProvinceStore):
memory is bounded by the largest prefecture, not by the province.

Every prefecture is generated from the city template (Qingdao's ten districts: their shares,
industry tilts and road names) with its own random streams, then relabelled as the
prefecture: the first four digits of every division code (credit codes, project codes,
identity numbers of people born locally; check characters recomputed) and the city's name
in enterprise names, addresses and project names. Districts inside a prefecture therefore
keep the template's names; their codes carry the prefecture (3701xx for Jinan, …).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from laborwatch.synth.codes import as_strings, credit_check_bytes, fixed_width_bytes, id_check_bytes
from laborwatch.synth.enterprises import Enterprises
from laborwatch.synth.projects import Projects

TEMPLATE_PREFIX = b"3702"  # Qingdao, the city template's division codes
TEMPLATE_NAME = "青岛"


@dataclass(frozen=True)
class Prefecture:
    name: str  # short name as it appears in enterprise names: 济南
    prefix: bytes  # first four digits of its division codes
    share: float  # share of the province's market entities (about those of 2023)


# 莱芜 (3712) was merged into 济南 in 2019, hence no 3712.
PREFECTURES = (
    Prefecture("济南", b"3701", 0.110),
    Prefecture("青岛", b"3702", 0.140),
    Prefecture("淄博", b"3703", 0.050),
    Prefecture("枣庄", b"3704", 0.035),
    Prefecture("东营", b"3705", 0.030),
    Prefecture("烟台", b"3706", 0.080),
    Prefecture("潍坊", b"3707", 0.090),
    Prefecture("济宁", b"3708", 0.070),
    Prefecture("泰安", b"3709", 0.045),
    Prefecture("威海", b"3710", 0.030),
    Prefecture("日照", b"3711", 0.030),
    Prefecture("临沂", b"3713", 0.100),
    Prefecture("德州", b"3714", 0.050),
    Prefecture("聊城", b"3715", 0.050),
    Prefecture("滨州", b"3716", 0.035),
    Prefecture("菏泽", b"3717", 0.080),
)


def prefecture_sizes(total: int) -> list[int]:
    """The enterprises of each prefecture: `total` split by share, largest remainders first,
    so that the counts add up to `total` exactly."""
    shares = np.array([p.share for p in PREFECTURES])
    exact = total * shares / shares.sum()
    sizes = np.floor(exact).astype(np.int64)
    remainder = total - int(sizes.sum())
    order = np.argsort(-(exact - sizes), kind="stable")
    sizes[order[:remainder]] += 1
    return [int(size) for size in sizes]


def relabelled_codes(codes: pa.Array, prefix: bytes, check: str) -> pa.Array:
    """18-character codes whose division begins with the template's prefix (at character 2
    for credit codes, 0 for identity numbers) moved to `prefix`, check character recomputed."""
    if prefix == TEMPLATE_PREFIX or len(codes) == 0:
        return codes
    chars = fixed_width_bytes(codes, 18).copy()
    start = 2 if check == "credit" else 0
    template = np.frombuffer(TEMPLATE_PREFIX, dtype=np.uint8)
    rows = np.all(chars[:, start : start + 4] == template, axis=1)
    chars[rows, start : start + 4] = np.frombuffer(prefix, dtype=np.uint8)
    checks = credit_check_bytes(chars[rows]) if check == "credit" else id_check_bytes(chars[rows])
    chars[rows, 17] = checks
    return as_strings(chars)


def renamed(values: pa.Array, prefecture: Prefecture) -> pa.Array:
    """Text with the template city's name replaced by the prefecture's."""
    if prefecture.name == TEMPLATE_NAME:
        return values
    if isinstance(values, pa.ListArray):
        flat = renamed(values.values, prefecture)
        return pa.ListArray.from_arrays(values.offsets, flat, mask=values.is_null())
    return pc.replace_substring(values, TEMPLATE_NAME, prefecture.name)


def relabel_enterprises(firms: Enterprises, prefecture: Prefecture) -> Enterprises:
    return replace(
        firms,
        credit_code=relabelled_codes(firms.credit_code, prefecture.prefix, "credit"),
        name=renamed(firms.name, prefecture),
        short_name=renamed(firms.short_name, prefecture),
        former_names=renamed(firms.former_names, prefecture),
        address=renamed(firms.address, prefecture),
    )


def relabel_projects(projects: Projects, prefecture: Prefecture) -> Projects:
    """Project codes begin with the division code (6 digits) itself: no check character."""
    if prefecture.prefix == TEMPLATE_PREFIX or projects.count == 0:
        return projects
    chars = fixed_width_bytes(projects.code, 18).copy()
    chars[:, :4] = np.frombuffer(prefecture.prefix, dtype=np.uint8)
    return replace(projects, code=as_strings(chars), name=renamed(projects.name, prefecture))


def relabel_workers(workers: pa.Table, prefecture: Prefecture) -> pa.Table:
    """Identity numbers of people born in the template city move to the prefecture."""
    if prefecture.prefix == TEMPLATE_PREFIX:
        return workers
    column = workers.schema.get_field_index("id_number")
    ids = workers.column(column).combine_chunks()
    return workers.set_column(
        column, "id_number", relabelled_codes(ids, prefecture.prefix, "identity")
    )
