"""`laborwatch text …` on JSON lines, through the `laborwatch` command."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from laborwatch.cli import main


def run(argv: list[str], stdin: str, monkeypatch, capsys) -> tuple[int, list[dict], str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    captured = capsys.readouterr()
    lines = [json.loads(line) for line in captured.out.splitlines() if line.strip()]
    return code, lines, captured.err


def jsonl(*records: dict) -> str:
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)


def test_classify_writes_one_result_per_line(monkeypatch, capsys):
    stdin = jsonl(
        {"id": "a", "title": "欠薪", "text": "工地包工头欠我们工资半年了，请帮忙要回来。"},
        {"id": "b", "text": "房东不退押金，我在附近工厂上班，请问怎么办？"},
    )
    code, lines, _ = run(["text", "classify", "--rules-only"], stdin, monkeypatch, capsys)
    assert code == 0
    assert [line["id"] for line in lines] == ["a", "b"]
    assert lines[0]["category"] == "WAGE.ARREARS.MIGRANT"
    assert lines[0]["is_labor"] is True
    assert lines[1] == {
        "id": "b",
        "category": "NON_LABOR",
        "category_label": "非劳动类诉求",
        "is_labor": False,
        "confidence": lines[1]["confidence"],
    }
    assert set(lines[0]) == {"id", "category", "category_label", "is_labor", "confidence"}


def test_classify_reports_bad_input_with_its_line_number(monkeypatch, capsys):
    stdin = jsonl({"id": "a", "text": "欠薪"}) + "not json\n"
    code, _, err = run(["text", "classify", "--rules-only"], stdin, monkeypatch, capsys)
    assert code == 2
    assert err == "输入第 2 行不是 JSON（Expecting value）\n"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('["a list"]', '输入第 1 行应为含文本字段 "text" 的 JSON 对象'),
        ('{"text": "欠薪", "title": 3}', '输入第 1 行的 "title" 不是文本'),
    ],
)
def test_input_that_is_not_a_demand_exits_2(monkeypatch, capsys, line: str, message: str):
    code, lines, err = run(["text", "classify", "--rules-only"], line + "\n", monkeypatch, capsys)
    assert (code, lines, err) == (2, [], message + "\n")


def test_a_missing_model_file_exits_2(tmp_path: Path, monkeypatch, capsys):
    model = tmp_path / "none.npz"
    code, lines, err = run(["text", "classify", "--model", str(model)], "", monkeypatch, capsys)
    assert (code, lines, err) == (2, [], f"找不到文件：{model}\n")


def test_orgs_gives_python_slice_spans(monkeypatch, capsys):
    text = "我在青岛海澜服饰有限公司上班，去过李沧区人力资源和社会保障局。"
    code, lines, _ = run(["text", "orgs"], jsonl({"id": 7, "text": text}), monkeypatch, capsys)
    assert code == 0
    orgs = lines[0]["orgs"]
    assert lines[0]["id"] == 7
    assert {"start": 2, "end": 12, "text": "青岛海澜服饰有限公司", "kind": "company"} in orgs
    assert all(text[o["start"] : o["end"]] == o["text"] for o in orgs)


def test_link_against_a_parquet_registry(registry_parquet: Path, monkeypatch, capsys):
    stdin = jsonl(
        {"id": "x", "text": "我在青岛海澜服饰有限公司上班"},
        {"id": "y", "text": "某某建筑公司欠薪"},
    )
    argv = ["text", "link", "--registry", str(registry_parquet)]
    code, lines, _ = run(argv, stdin, monkeypatch, capsys)
    assert code == 0
    first = lines[0]["enterprises"][0]
    assert first["credit_code"] == "91370202MA3C4HL11X"
    assert first["match_kind"] == "full"
    assert first["candidates"][0]["name"] == "青岛海澜服饰有限公司"
    assert lines[1] == {"id": "y", "enterprises": []}


def test_train_classifier_writes_a_model_and_reports_accuracy(tmp_path: Path, capsys):
    cases = tmp_path / "cases.jsonl"
    records = [
        {"text": f"{phrase}，第{n}次反映。", "category": code}
        for code, phrase in (
            ("HOUSING_FUND", "公积金没交"),
            ("HOURS.LEAVE", "年假不让休"),
            ("NON_LABOR", "房东不退押金"),
        )
        for n in range(10)
    ]
    cases.write_text(jsonl(*records), encoding="utf-8")
    out = tmp_path / "model.npz"
    assert main(["text", "train-classifier", "--from", str(cases), "--out", str(out)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["trained_on"] == 24
    assert report["held_out"] == 6
    assert report["held_out_accuracy_model"] == 1.0
    assert out.exists()


def test_unknown_registry_format_is_an_error(tmp_path: Path, monkeypatch, capsys):
    path = tmp_path / "registry.txt"
    path.write_text("x", encoding="utf-8")
    code, _, err = run(["text", "link", "--registry", str(path)], "", monkeypatch, capsys)
    assert (code, err) == (2, f"企业名录应为 .parquet、.csv 或 .xlsx 文件：{path}\n")


def test_training_on_an_unknown_category_exits_2(tmp_path: Path, capsys):
    cases = tmp_path / "cases.jsonl"
    cases.write_text(jsonl({"text": "欠薪", "category": "NOPE"}), encoding="utf-8")
    out = tmp_path / "model.npz"
    assert main(["text", "train-classifier", "--from", str(cases), "--out", str(out)]) == 2
    assert capsys.readouterr().err == "输入第 1 行的诉求类别不存在：NOPE\n"
    assert not out.exists()


def test_training_on_one_category_exits_2(tmp_path: Path, capsys):
    cases = tmp_path / "cases.jsonl"
    cases.write_text(
        jsonl(*({"text": f"公积金没交，第{n}次", "category": "HOUSING_FUND"} for n in range(10))),
        encoding="utf-8",
    )
    out = tmp_path / "model.npz"
    assert main(["text", "train-classifier", "--from", str(cases), "--out", str(out)]) == 2
    assert capsys.readouterr().err == f"无法用 {cases} 训练：至少需要两个类别的案件。\n"
    assert not out.exists()


@pytest.mark.parametrize(
    "module",
    [
        "laborwatch.text.classify",
        "laborwatch.text.link",
        "laborwatch.text.orgs",
        "laborwatch.text.classifier_training",
    ],
)
def test_text_engine_never_imports_django(module: str):
    code = f"import sys, {module}; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
