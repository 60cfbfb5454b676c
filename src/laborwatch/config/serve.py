"""Serving the WSGI app: waitress in one process (pure Python, runs the same on Windows intranet
hosts), or gunicorn with several worker processes on POSIX hosts (`serve --processes N`).

The server also runs the SLA sweep every few minutes, so a single `laborwatch serve` keeps
urging and escalating without cron: in a background thread under waitress, in a process of its
own beside gunicorn's workers (once per server, not once per worker). Set
LABORWATCH_SWEEP_SECONDS=0 to leave the sweep to cron (`laborwatch sla-sweep`) when several
servers run.
"""

from __future__ import annotations

import logging
import os
import select
import signal
import subprocess
import sys
import threading
import time
from typing import TYPE_CHECKING, Any, Protocol

from waitress import serve as waitress_serve

if TYPE_CHECKING:
    from types import FrameType

logger = logging.getLogger(__name__)

THREADS = 8
# On SIGTERM a worker finishes the requests in hand for up to this long (gunicorn's default,
# well inside systemd's 90 s stop timeout).
GRACEFUL_SECONDS = 30
# A sweep asked to stop finishes its round first; a round that takes longer than this is cut
# short, which is safe: each step commits or rolls back on its own.
SWEEP_STOP_SECONDS = 10
_SWEEP_MAIN = "from laborwatch.config.serve import run_sweep_process; run_sweep_process()"


class _Stop(Protocol):
    def wait(self, timeout: float) -> bool: ...


def _sweep_forever(interval: float, stop: _Stop) -> None:
    from django.db import close_old_connections

    from laborwatch.cases.services import sla_sweep
    from laborwatch.opinion.services import opinion_sweep
    from laborwatch.warnings.services import warnings_sweep

    while not stop.wait(interval):
        try:
            result = sla_sweep()
            unsigned = warnings_sweep()
            opinion = opinion_sweep()
        except Exception:
            # Keep the server's clock running; the failure is logged with its traceback.
            logger.exception("SLA sweep failed")
        else:
            if result.urged or result.escalated or result.referrals_escalated:
                logger.warning("SLA sweep: %s", result)
            if unsigned.escalated:
                logger.warning("Warning sweep: %s", unsigned)
            if opinion.urged or opinion.escalated or opinion.unsigned:
                logger.warning("Public-opinion sweep: %s", opinion)
        finally:
            close_old_connections()


def serve(*, host: str, port: int, threads: int = THREADS, processes: int = 1) -> None:
    interval = float(os.environ.get("LABORWATCH_SWEEP_SECONDS", "300"))
    if processes > 1:
        serve_processes(host=host, port=port, threads=threads, processes=processes, sweep=interval)
        return
    from laborwatch.config.wsgi import application

    stop = threading.Event()
    if interval > 0:
        threading.Thread(
            target=_sweep_forever, args=(interval, stop), daemon=True, name="sla-sweep"
        ).start()
    try:
        waitress_serve(application, host=host, port=port, threads=threads, ident="LaborWatch")
    finally:
        stop.set()


def serve_processes(*, host: str, port: int, threads: int, processes: int, sweep: float) -> None:
    """gunicorn's master forks the workers, each of which loads the app itself (no preload), so
    the master must hold no database connection to hand down; it exits the process when done."""
    from django.db import connections

    connections.close_all()
    gunicorn_application(
        host=host, port=port, threads=threads, processes=processes, sweep=SweepProcess(sweep)
    ).run()


def gunicorn_options(*, host: str, port: int, threads: int, processes: int) -> dict[str, Any]:
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return {
        "bind": [address],
        "workers": processes,
        "worker_class": "gthread",
        "threads": threads,
        "preload_app": False,
        "graceful_timeout": GRACEFUL_SECONDS,
        # As under waitress: no access log; errors and the server's own news on stderr.
        "accesslog": None,
        "errorlog": "-",
        # Nothing here uses gunicornc, and its server is a thread in the master, which forks.
        "control_socket_disable": True,
        "proc_name": "laborwatch",
    }


def gunicorn_application(
    *, host: str, port: int, threads: int, processes: int, sweep: SweepProcess
) -> Any:
    """gunicorn's documented custom application (BaseApplication with load_config and load).
    Its arbiter also watches the sweep process, which gunicorn's hooks cannot: a dead sweep
    would otherwise be reaped as an unknown child at debug level. gunicorn is imported here
    because it needs fcntl, which Windows lacks."""
    from gunicorn.app.base import BaseApplication
    from gunicorn.arbiter import Arbiter
    from gunicorn.util import import_app

    options = gunicorn_options(host=host, port=port, threads=threads, processes=processes)

    class SweepWatchingArbiter(Arbiter):
        def handle_chld(self) -> None:
            sweep.notice_exit(self)
            super().handle_chld()

        # gunicorn dispatches SIGCHLD by its name, "chld" or, on Linux, its alias "cld".
        handle_cld = handle_chld

    class Application(BaseApplication):
        def load_config(self) -> None:
            for name, value in options.items():
                self.cfg.set(name, value)
            self.cfg.set("when_ready", sweep.start)
            self.cfg.set("on_exit", sweep.stop)

        def load(self) -> Any:
            return import_app("laborwatch.config.wsgi:application")

        def run(self) -> None:  # BaseApplication.run, with the arbiter above
            SweepWatchingArbiter(self).run()

    return Application()


class SweepProcess:
    """The SLA sweep of a gunicorn server, in a process of its own that the master starts when
    ready and stops on exit. Not a thread in the master: the master forks its workers, and a
    fork copies only the forking thread, with any lock another thread held at that moment.
    Not a multiprocessing.Process either: every forked worker would inherit it in
    multiprocessing's list of children and join or kill it when the worker exits."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.process: subprocess.Popen[bytes] | None = None
        self.started = 0.0

    def start(self, server: Any) -> None:
        if self.interval <= 0:
            return
        self.process = subprocess.Popen([sys.executable, "-c", _SWEEP_MAIN, str(self.interval)])
        self.started = time.monotonic()
        server.log.info(
            "SLA sweep process started (pid: %s, every %s s)", self.process.pid, self.interval
        )

    def notice_exit(self, server: Any) -> None:
        """A sweep that died is logged and started again if it had lived through at least one
        interval; one that dies sooner (a setup error) would only die again."""
        if self.process is None or self.process.poll() is None:
            return
        pid, status = self.process.pid, _exit_status(self.process.returncode)
        if time.monotonic() - self.started >= self.interval:
            server.log.error("SLA sweep process %s exited (%s); starting it again", pid, status)
            self.start(server)
        else:
            server.log.error(
                "SLA sweep process %s exited (%s) within its first interval and is not "
                "restarted; run `laborwatch sla-sweep` from cron until the server restarts",
                pid,
                status,
            )
            self.process = None

    def stop(self, server: Any) -> None:
        if self.process is None:
            return
        if self.process.poll() is not None:
            server.log.info("SLA sweep process %s had already stopped", self.process.pid)
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=SWEEP_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            server.log.warning(
                "SLA sweep process %s still busy after %s s; killing it",
                self.process.pid,
                SWEEP_STOP_SECONDS,
            )
            self.process.kill()
            self.process.wait()


def _exit_status(returncode: int) -> str:
    return f"signal {-returncode}" if returncode < 0 else f"exit code {returncode}"


class _StopSignal:
    """When the sweep process is to stop. SIGTERM (the master's on_exit, or systemd) lets the
    round in hand finish; the handler only sets a flag, since taking a lock inside a signal
    handler can deadlock. SIGINT is left to the master, which stops the sweep on exit: Ctrl+C
    reaches the whole process group. A master that died without on_exit (SIGKILL) is noticed
    at the next interval."""

    def __init__(self) -> None:
        self.master = os.getppid()
        self.asked = False
        self.wakeup, write = os.pipe()
        os.set_blocking(write, False)
        signal.set_wakeup_fd(write)
        signal.signal(signal.SIGTERM, self._ask)
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    def _ask(self, number: int, frame: FrameType | None) -> None:
        self.asked = True

    def wait(self, timeout: float) -> bool:
        if not self.asked:
            select.select([self.wakeup], [], [], timeout)
        return self.asked or os.getppid() != self.master


def run_sweep_process() -> None:
    """Entry point of the sweep process (`python -c`, started by SweepProcess.start)."""
    stop = _StopSignal()  # before Django's setup, so that an early stop is not lost
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laborwatch.config.settings")
    import django

    django.setup()
    _sweep_forever(float(sys.argv[1]), stop)
