"""`laborwatch opinion ingest FILE` and `laborwatch opinion export --format xlsx|jsonl`: Chinese
messages, row errors listed, the list out in its layout and as JSON lines."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
import time_machine

from laborwatch.cli import main
from laborwatch.core.models import AuditEvent
from laborwatch.opinion.models import Event, Post
from tests.opinion.support import T0, make_event
from tests.opinion.test_intake import BAD_DATE, INCIDENT, NOISE, vendor_file

pytestmark = pytest.mark.django_db


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["opinion", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@time_machine.travel(T0, tick=False)
def test_ingest_says_what_it_did_in_chinese(tmp_path, registry, capsys):
    path = vendor_file(tmp_path, *INCIDENT, NOISE, BAD_DATE)
    code, out, err = run(capsys, "ingest", str(path), "--quiet")
    assert (code, err) == (0, "")
    assert out == (
        "读取 5 行：新增帖文 4 条，互动数更新 0 条，未变 0 条，拒收 1 行；"
        "新形成舆情事件 2 个，更新 0 个。\n"
        "  第 6 行「发布时间」：不是有效的时间（应如 2026-05-01 10:30）（所填：2025-13-45 25:00）\n"
    )
    assert Post.objects.count() == 4
    assert AuditEvent.objects.get(action="opinion_post.ingest").target_label == "week.csv"


def test_a_file_refused_whole_exits_with_its_reason(tmp_path, registry, capsys):
    path = tmp_path / "picture.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    code, out, err = run(capsys, "ingest", str(path), "--quiet")
    assert (code, out) == (1, "")
    assert err == "整个文件被拒收：文件不是 JSONL、CSV 或 XLSX 表格。\n"
    assert not Post.objects.exists()


def test_a_missing_file_is_a_usage_error(tmp_path, capsys):
    code, _, err = run(capsys, "ingest", str(tmp_path / "none.csv"))
    assert (code, err) == (2, f"找不到文件：{tmp_path / 'none.csv'}\n")


def test_export_xlsx_and_jsonl(tmp_path, org_units, capsys):
    listed = make_event(district=org_units["shinan"], title="=1+2 讨薪", heat=9)
    noise = make_event(district=org_units["shinan"], on_list=False, title="广告")
    xlsx, jsonl = tmp_path / "list.xlsx", tmp_path / "events.jsonl"
    code, out, _ = run(capsys, "export", "--format", "xlsx", "--out", str(xlsx))
    assert (code, out) == (0, f"已将 1 个舆情事件写入 {xlsx}\n")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[:3] for row in rows[1:]] == [(1, "=1+2 讨薪", "微博")]
    assert sheet.cell(row=2, column=2).data_type == "s"
    code, out, _ = run(capsys, "export", "--format", "jsonl", "--out", str(jsonl))
    assert (code, out) == (0, f"已将 2 个舆情事件写入 {jsonl}\n")
    lines = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert [(line["number"], line["on_list"]) for line in lines] == [
        (listed.number, True),
        (noise.number, False),
    ]
    assert lines[0]["posts"] == [
        {"key": p.key, "platform": "weibo", "post_id": p.post_id, "url": None}
        for p in listed.posts.order_by("published_at", "pk")
    ]
    assert set(lines[0]) == {
        "event", "number", "on_list", "status", "grade", "heat", "first_seen_at", "title",
        "enterprise", "district", "category", "posts",
    }  # fmt: skip
    assert AuditEvent.objects.filter(action="opinion_event.export").count() == 2


def test_export_to_an_unwritable_place(tmp_path, org_units, capsys):
    make_event(district=org_units["shinan"])
    out = tmp_path / "no" / "such" / "dir.xlsx"
    code, _, err = run(capsys, "export", "--format", "xlsx", "--out", str(out))
    assert code == 1
    assert err == f"无法写入 {out}：请检查其所在目录是否存在、是否可写。\n"
    assert Event.objects.count() == 1
