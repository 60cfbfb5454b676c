"""The `laborwatch` command line."""

from __future__ import annotations

import pytest

from laborwatch.cli import build_parser, cmd_synth


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
