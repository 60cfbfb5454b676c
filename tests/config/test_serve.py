"""`laborwatch serve --processes N`: gunicorn's configuration, and a real server with two
workers and one schedule process (the huey consumer) that start and stop together."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from laborwatch.config.serve import (
    GRACEFUL_SECONDS,
    SWEEP_STOP_SECONDS,
    SweepProcess,
    gunicorn_application,
    warm_link_index,
    warm_worker,
)

COMMAND = [sys.executable, "-m", "laborwatch.cli"]
T = TypeVar("T")


def test_gunicorn_runs_the_processes_asked_for_with_8_threads_each() -> None:
    sweep = SweepProcess(300)
    config = gunicorn_application(
        host="127.0.0.1", port=8123, threads=8, processes=2, sweep=sweep
    ).cfg
    assert (config.workers, config.worker_class_str, config.threads) == (2, "gthread", 8)
    assert config.bind == ["127.0.0.1:8123"]
    assert (config.preload_app, config.graceful_timeout, config.accesslog) == (False, 30, None)
    assert config.control_socket_disable is True
    assert (config.when_ready, config.on_exit) == (sweep.start, sweep.stop)
    assert config.post_worker_init == warm_worker


def test_a_starting_process_opens_the_link_index_in_the_background(monkeypatch) -> None:
    opened = []
    monkeypatch.setattr(
        "laborwatch.enterprises.linker.registry_linker",
        lambda: opened.append(threading.current_thread().name),
    )
    warm_link_index()
    for thread in threading.enumerate():
        if thread.name == "link-index":
            thread.join(timeout=10)
    assert opened == ["link-index"]


def test_an_ipv6_host_is_bound_in_brackets() -> None:
    application = gunicorn_application(
        host="::", port=8123, threads=8, processes=2, sweep=SweepProcess(300)
    )
    assert application.cfg.bind == ["[::]:8123"]


def test_no_sweep_process_when_the_sweep_is_left_to_cron() -> None:
    sweep = SweepProcess(0)
    sweep.start(server=None)  # would fail on server.log had it started a process
    assert sweep.process is None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _state(pid: int) -> str | None:
    """The process's state letter (Z for a zombie), None once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return None


def _alive(pid: int) -> bool:
    return _state(pid) not in (None, "Z")


def _children(pid: int) -> dict[int, str]:
    """Live child processes of `pid` and their command lines, from /proc."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, parent = stat.read_text().rsplit(")", 1)[1].split()[:2]
            command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # the process ended between the listing and the reading
        if int(parent) == pid and state != "Z":
            found[int(stat.parent.name)] = command
    return found


def _open_files(pid: int) -> list[str]:
    files = []
    for descriptor in Path(f"/proc/{pid}/fd").iterdir():
        try:
            files.append(os.readlink(descriptor))
        except FileNotFoundError:
            continue  # closed between the listing and the reading
    return files


def _until(check: Callable[[], T | None], seconds: float, what: str) -> T:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"no {what} within {seconds} s")


def _healthz(port: int) -> dict | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return json.load(response)
    except OSError:
        return None  # not listening yet, or no worker booted yet


def _serve(
    tmp_path: Path, *, sweep_seconds: int, processes: int
) -> tuple[subprocess.Popen[bytes], int, Path]:
    """`laborwatch serve` on a fresh SQLite data dir (its own schedule queue beside it) on a
    free port, its output in serve.log: the process, the port and the log."""
    env = {
        **os.environ,
        "LABORWATCH_DATA_DIR": str(tmp_path),
        "LABORWATCH_SWEEP_SECONDS": str(sweep_seconds),
    }
    env.pop("DATABASE_URL", None)
    env.pop("LABORWATCH_TASKS_URL", None)
    subprocess.run([*COMMAND, "migrate", "--verbosity", "0"], env=env, check=True, timeout=120)
    port = _free_port()
    log = tmp_path / "serve.log"
    command = [*COMMAND, "serve", "--host", "127.0.0.1", "--port", str(port)]
    if processes > 1:
        command += ["--processes", str(processes)]
    with log.open("wb") as output:
        server = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    return server, port, log


@pytest.mark.skipif(sys.platform != "linux", reason="reads the process tree from /proc")
def test_two_workers_and_one_sweep_process_serve_and_stop_together(tmp_path) -> None:
    server, port, log = _serve(tmp_path, sweep_seconds=1, processes=2)
    seen: set[int] = set()

    def tree() -> tuple[set[int], list[int]]:
        """The server's workers and its sweep processes."""
        assert server.poll() is None, log.read_text()
        children = _children(server.pid)
        seen.update(children)
        sweeps = [pid for pid, command in children.items() if "run_sweep_process" in command]
        return set(children) - set(sweeps), sweeps

    def booted() -> tuple[set[int], list[int]] | None:
        workers, sweeps = tree()
        return (workers, sweeps) if len(workers) == 2 and sweeps else None

    def swept(pid: int) -> bool:
        """The sweep keeps its connection after its first round (CONN_MAX_AGE), so the
        database among its open files means it has swept at least once."""
        return any(name.endswith("laborwatch.sqlite3") for name in _open_files(pid))

    try:
        assert _until(lambda: _healthz(port), 60, "answer from /healthz") == {"status": "ok"}
        workers, sweeps = _until(booted, 30, "2 workers and a sweep")
        assert len(sweeps) == 1
        _until(lambda: swept(sweeps[0]), 30, "sweep round")

        # A sweep that dies after a round is logged and started again.
        os.kill(sweeps[0], signal.SIGKILL)
        # The killed process may still be listed for a moment (SIGKILL is delivered
        # asynchronously), so wait for one that is not it.
        restarted = _until(lambda: [pid for pid in tree()[1] if pid != sweeps[0]], 30, "new sweep")
        assert len(restarted) == 1
        assert tree()[0] == workers

        server.send_signal(signal.SIGTERM)
        # Workers get GRACEFUL_SECONDS, then the schedule process SWEEP_STOP_SECONDS.
        assert server.wait(timeout=GRACEFUL_SECONDS + SWEEP_STOP_SECONDS + 15) == 0
        assert [pid for pid in seen if _alive(pid)] == []
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        for pid in seen:
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
    text = log.read_text()
    assert f"Schedule process {sweeps[0]} exited (signal 9); starting it again" in text
    assert "Unhandled exception in task" not in text and "Traceback" not in text


def test_one_waitress_process_runs_the_schedule_itself(tmp_path) -> None:
    """`laborwatch serve` (one process) runs the huey consumer in its own process: the
    sweep's run row names that process."""
    import sqlite3

    server, port, log = _serve(tmp_path, sweep_seconds=60, processes=1)

    def runs() -> list[tuple[str, str, str]]:
        assert server.poll() is None, log.read_text()
        with sqlite3.connect(tmp_path / "laborwatch.sqlite3") as database:
            return database.execute(
                "select job, status, server from schedule_jobrun "
                "where job = 'sweep' and status != 'running'"
            ).fetchall()

    try:
        assert _until(lambda: _healthz(port), 60, "answer from /healthz") == {"status": "ok"}
        [(job, status, where)] = _until(runs, 60, "sweep run")
        assert (job, status, where.rsplit(":", 1)[1]) == ("sweep", "succeeded", str(server.pid))
        assert (tmp_path / "tasks.sqlite3").exists()  # the queue: the embedded default
    finally:
        server.kill()
        server.wait()


# From Ctrl+C to the end of `laborwatch serve` (one process) with no request or scheduled task
# in hand: before the objects were frozen at exit, Python's last garbage collection alone took
# 4 to 30 s on a busy 2-core host.
CTRL_C_SECONDS = 5


def test_ctrl_c_stops_the_waitress_process_and_its_schedule_at_once(tmp_path, monkeypatch) -> None:
    """SIGINT (Ctrl+C) closes the server, stops the huey consumer's threads (huey says so at
    INFO) and ends the process with code 0, quickly and without a traceback."""
    monkeypatch.setenv("LOG_LEVEL", "INFO")
    # A test run started in the background (`nohup … &`) ignores SIGINT, and a child would
    # inherit that; a handler set here is reset to the default in the child.
    kept = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        server, port, log = _serve(tmp_path, sweep_seconds=60, processes=1)
    finally:
        signal.signal(signal.SIGINT, kept)
    try:
        assert _until(lambda: _healthz(port), 60, "answer from /healthz") == {"status": "ok"}
        _until(lambda: "Huey consumer started" in log.read_text(), 30, "consumer started")
        server.send_signal(signal.SIGINT)
        started = time.monotonic()
        code = server.wait(timeout=60)
        took = time.monotonic() - started
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    text = log.read_text()
    assert (code, "Traceback" not in text) == (0, True), text
    assert "Shutting down gracefully..." in text and "All workers have stopped." in text
    assert took < CTRL_C_SECONDS, f"{took:.1f} s"


def test_serving_ends_with_the_objects_frozen_for_a_quick_exit(monkeypatch) -> None:
    """When waitress returns (after Ctrl+C), the process's objects are frozen, so that the
    interpreter's exit does not walk them all in a last collection."""
    import gc

    from laborwatch.config import serve as serving

    monkeypatch.setenv("LABORWATCH_SWEEP_SECONDS", "0")  # no consumer in the test process
    monkeypatch.setattr(serving, "warm_link_index", lambda: None)
    served = []
    monkeypatch.setattr(serving, "waitress_serve", lambda *args, **options: served.append(options))
    assert gc.get_freeze_count() == 0
    try:
        serving.serve(host="127.0.0.1", port=8123)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    assert served == [{"host": "127.0.0.1", "port": 8123, "threads": 8, "ident": "LaborWatch"}]
