"""A small enterprise registry for the linking tests, as rows and as files."""

from __future__ import annotations

from pathlib import Path

import pytest

REGISTRY_ROWS = [
    {
        "credit_code": "91370202MA3C4HL11X",
        "name": "青岛海澜服饰有限公司",
        "short_name": "海澜",
        "former_names": ["青岛海澜制衣厂"],
        "district": "市南区",
    },
    {
        "credit_code": "91370211MA3D2KQ22Y",
        "name": "青岛顺达建筑工程有限公司",
        "short_name": "顺达建筑",
        "former_names": [],
        "district": "黄岛区",
    },
    {
        "credit_code": "91370100MA3E7PR33Z",
        "name": "山东鑫源物流股份有限公司",
        "short_name": "鑫源物流",
        "former_names": [],
        "district": "城阳区",
    },
    {
        "credit_code": "91370203MA3F9TT44A",
        "name": "青岛建筑工程有限公司",
        "short_name": "",
        "former_names": [],
        "district": "市北区",
    },
    {
        "credit_code": "91310000MA1G5WW55B",
        "name": "上海海澜电子科技有限公司",
        "short_name": "海澜",
        "former_names": [],
        "district": "",
    },
    {
        "credit_code": "91370212MA3H3XY66C",
        "name": "青岛金鼎盛世餐饮管理有限公司",
        "short_name": "金鼎盛世",
        "former_names": ["青岛金鼎酒楼有限公司"],
        "district": "崂山区",
    },
]


@pytest.fixture
def registry_rows() -> list[dict]:
    return [dict(row) for row in REGISTRY_ROWS]


@pytest.fixture
def registry_parquet(tmp_path: Path) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(REGISTRY_ROWS)
    path = tmp_path / "enterprises.parquet"
    pq.write_table(table, path)
    return path
