"""Fuzz the intake API with Schemathesis against a server this script starts (run by .ci/run).

    .venv/bin/python scripts/fuzz_api.py [--max-examples 25] [--seed 15] [--port 0]

A fresh data dir and SQLite database (never the caller's): the Qingdao org units, a small
fixture city (a synthetic registry of 200 enterprises, so employers link), and two API
clients — the 12351 hotline and a public-opinion monitor, since only the latter may push
posts. `laborwatch serve` answers on 127.0.0.1; Schemathesis reads /api/v1/openapi.json and
runs every check, positive and negative data, on the work-order operations with the hotline's
token and on the posts operation with the monitor's, each bounded by --max-examples. A server
error (5xx) or a response or a refusal that the schema does not state fails it (exit 1).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

VENV_BIN = Path(sys.executable).parent
FIXTURE_ENTERPRISES = 200
SERVER_START_SECONDS = 120
# (operations, channel of the token they are called with)
RUNS = (
    (("case_push", "case_status"), "hotline_12351"),
    (("opinion_posts_push",), "public_opinion"),
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _laborwatch(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(VENV_BIN / "laborwatch"), *args], env=env, check=True)


def _issue_token(env: dict[str, str], name: str, channel: str) -> str:
    """A client's clear token, issued through the service (the CLI prints it for humans)."""
    code = (
        "import django; django.setup()\n"
        "from laborwatch.cases.services.clients import api_client_create\n"
        f"_, token = api_client_create(actor=None, name={name!r}, channel={channel!r},"
        " actor_label='fuzz')\n"
        "print(token)\n"
    )
    env = {**env, "DJANGO_SETTINGS_MODULE": "laborwatch.config.settings"}
    output = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    ).stdout
    return output.strip().splitlines()[-1]


@contextlib.contextmanager
def _server(env: dict[str, str], port: int, log: Path) -> Iterator[str]:
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(VENV_BIN / "laborwatch"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            if server.poll() is not None:
                raise SystemExit(f"the server exited with {server.returncode}")
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("the server did not answer /healthz in time") from None
                time.sleep(1)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _schemathesis(
    base: str, token: str, operations: tuple[str, ...], options: argparse.Namespace, folder: Path
) -> int:
    command = [
        str(VENV_BIN / "schemathesis"),
        "run",
        f"{base}/api/v1/openapi.json",
        "--checks",
        "all",
        "--header",
        f"Authorization: Bearer {token}",
        "--max-examples",
        str(options.max_examples),
        "--seed",
        str(options.seed),
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--suppress-health-check",
        "too_slow",
    ]
    for operation in operations:
        command += ["--include-operation-id", operation]
    print("==", " ".join(command).replace(token, "<token>"), flush=True)
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "fuzz_api_hooks",
        "PYTHONPATH": str(Path(__file__).resolve().parent),
    }
    # In the scratch folder: Schemathesis keeps its cache in the working directory.
    return subprocess.run(command, env=env, cwd=folder, check=False).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="lw-fuzz-") as scratch:
        env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
        env["LABORWATCH_DATA_DIR"] = str(Path(scratch) / "data")
        env["LABORWATCH_SWEEP_SECONDS"] = "0"  # no background jobs beside the fuzzing
        city = Path(scratch) / "city"
        _laborwatch(env, "migrate")
        _laborwatch(
            env, "synth", "--enterprises", str(FIXTURE_ENTERPRISES), "--out", str(city), "--quiet"
        )
        _laborwatch(env, "load", str(city), "--registry-only")
        tokens = {channel: _issue_token(env, f"fuzz {channel}", channel) for _, channel in RUNS}
        log = Path(scratch) / "server.log"
        with _server(env, options.port or _free_port(), log) as base:
            failed = [
                operations
                for operations, channel in RUNS
                if _schemathesis(base, tokens[channel], operations, options, Path(scratch)) != 0
            ]
        errors = [
            line for line in log.read_text(errors="replace").splitlines() if " ERROR " in line
        ]
        print("\n".join(["== server errors", *errors[-40:]] if errors else ["== no server error"]))
    for operations in failed:
        print("Schemathesis failed on", ", ".join(operations), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
