"""The `laborwatch` command line."""

from __future__ import annotations

import os

import pytest

from laborwatch.cli import build_parser, cmd_synth, main


def test_synth_arguments() -> None:
    args = build_parser().parse_args(["synth", "--scale", "city", "--seed", "3", "--out", "x"])
    assert (args.command, args.scale, args.seed, args.out) == ("synth", "city", 3, "x")
    assert (args.enterprises, args.quiet) == (None, False)
    assert args.func is cmd_synth


def test_synth_defaults() -> None:
    args = build_parser().parse_args(["synth", "--out", "city-dir"])
    assert (args.scale, args.seed, args.out) == ("demo", 1, "city-dir")


def test_synth_needs_out(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        build_parser().parse_args(["synth", "--scale", "city"])
    assert caught.value.code == 2
    assert "--out" in capsys.readouterr().err


def test_synth_rejects_unknown_scale(capsys) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["synth", "--scale", "country", "--out", "x"])
    assert "country" in capsys.readouterr().err


def test_a_command_is_required() -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args([])


def test_serve_and_load_arguments() -> None:
    parser = build_parser()
    serve = parser.parse_args(["serve", "--host", "0.0.0.0", "--port", "9000"])
    assert (serve.host, serve.port) == ("0.0.0.0", 9000)
    load = parser.parse_args(["load", "var/synth/demo", "--quiet"])
    assert (load.dir, load.quiet) == ("var/synth/demo", True)


def test_serve_processes_default_to_one_or_the_environment(monkeypatch) -> None:
    monkeypatch.delenv("LABORWATCH_PROCESSES", raising=False)
    assert build_parser().parse_args(["serve"]).processes == 1
    assert build_parser().parse_args(["serve", "--processes", "2"]).processes == 2
    monkeypatch.setenv("LABORWATCH_PROCESSES", "4")
    assert build_parser().parse_args(["serve"]).processes == 4
    assert not hasattr(build_parser().parse_args(["demo"]), "processes")


@pytest.fixture
def served(monkeypatch) -> list[dict]:
    """The calls `laborwatch serve` makes to the server, which is not started."""
    calls: list[dict] = []
    monkeypatch.setattr("laborwatch.config.serve.serve", lambda **kwargs: calls.append(kwargs))
    return calls


def test_serve_passes_the_processes_to_the_server(served) -> None:
    assert main(["serve", "--host", "0.0.0.0", "--port", "9000", "--processes", "2"]) == 0
    assert served == [{"host": "0.0.0.0", "port": 9000, "processes": 2}]


def test_several_processes_without_fork_exit_1_with_a_chinese_message(
    served, monkeypatch, capsys
) -> None:
    monkeypatch.delattr(os, "fork")
    assert main(["serve", "--processes", "2"]) == 1
    assert capsys.readouterr().err == (
        "多进程服务（--processes 2）需要 Linux 等 POSIX 主机；Windows 上请以单进程运行"
        "（--processes 1，或不设置 LABORWATCH_PROCESSES）。\n"
    )
    assert served == []


def test_one_process_serves_without_fork(served, monkeypatch) -> None:
    monkeypatch.delenv("LABORWATCH_PROCESSES", raising=False)
    monkeypatch.delattr(os, "fork")
    assert main(["serve", "--host", "127.0.0.1", "--port", "8000"]) == 0
    assert served == [{"host": "127.0.0.1", "port": 8000, "processes": 1}]


def test_no_processes_exit_2(served, capsys) -> None:
    assert main(["serve", "--processes", "0"]) == 2
    assert capsys.readouterr().err == "--processes 须为 1 或更大的整数，而不是 0。\n"
    assert served == []
