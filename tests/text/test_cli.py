"""`laborwatch text …` on JSON lines, through the argparse wiring the main command uses."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from laborwatch.text.cli import add_text_commands


def run(argv: list[str], stdin: str, monkeypatch, capsys) -> tuple[int, list[dict], str]:
    parser = argparse.ArgumentParser(prog="laborwatch")
    add_text_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = args.func(args)
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
    assert "line 2: not JSON" in err


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
    parser = argparse.ArgumentParser()
    add_text_commands(parser.add_subparsers())
    args = parser.parse_args(["text", "train-classifier", "--from", str(cases), "--out", str(out)])
    assert args.func(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["trained_on"] == 24
    assert report["held_out"] == 6
    assert report["held_out_accuracy_model"] == 1.0
    assert out.exists()


def test_unknown_registry_format_is_an_error(tmp_path: Path, monkeypatch, capsys):
    path = tmp_path / "registry.txt"
    path.write_text("x", encoding="utf-8")
    code, _, err = run(["text", "link", "--registry", str(path)], "", monkeypatch, capsys)
    assert code == 2
    assert ".parquet, .csv or .xlsx" in err


@pytest.mark.parametrize(
    "module",
    [
        "laborwatch.text.classify",
        "laborwatch.text.link",
        "laborwatch.text.orgs",
        "laborwatch.text.cli",
        "laborwatch.text.classifier_training",
    ],
)
def test_text_engine_never_imports_django(module: str):
    code = f"import sys, {module}; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
