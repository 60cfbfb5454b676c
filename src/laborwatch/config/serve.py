"""Serving the WSGI app: waitress in one process (pure Python, runs the same on Windows intranet
hosts), or gunicorn with several worker processes on POSIX hosts (`serve --processes N`).

The server also runs the day's schedule (laborwatch.schedule: the SLA sweep, feed files dropped
into the inbox, the morning run, the monthly report), so a single `laborwatch serve` keeps the
day going without cron: a huey consumer (schedule/tasks.py: its scheduler thread and worker
threads) inside the waitress process, or in a process of its own beside gunicorn's workers
(once per server, not once per worker). Several servers on one database each run one, and
each job's slot runs on one of them only (a unique run row is the claim). Set
LABORWATCH_SWEEP_SECONDS=0 to leave it to `laborwatch worker` or to cron (`laborwatch
run-jobs`).
"""

from __future__ import annotations

import gc
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
# A schedule process asked to stop finishes the tasks in hand first (tasks.STOP_SECONDS); one
# still busy after this is killed, which is safe: each step commits or rolls back on its own.
SWEEP_STOP_SECONDS = 10
_SWEEP_MAIN = "from laborwatch.config.serve import run_sweep_process; run_sweep_process()"


class _Stop(Protocol):
    def wait(self, timeout: float) -> bool: ...


def run_schedule(stop: _Stop) -> None:
    """The schedule's consumer in this process until `stop` says to stop (from the main
    thread: huey's start sets signal handlers, which are put back)."""
    from laborwatch.schedule.tasks import default_queue, keep_consumer, start_consumer

    keep_consumer(start_consumer(default_queue()), stop.wait)


def warm_link_index() -> None:
    """Open the registry's linking index (building it if there is none) in the background as
    a process starts, so that the first push after a start finds it open; the server serves
    meanwhile."""

    def warm() -> None:
        from django.db import connections

        from laborwatch.enterprises.linker import registry_linker

        try:
            registry_linker()
        except Exception:
            # The first push opens it instead; the failure is logged with its traceback.
            logger.exception("Opening the registry's linking index failed")
        finally:
            connections.close_all()

    threading.Thread(target=warm, daemon=True, name="link-index").start()


def warm_worker(worker: Any) -> None:
    """gunicorn's post_worker_init hook: each worker opens the linking index as it starts."""
    warm_link_index()


def serve(*, host: str, port: int, threads: int = THREADS, processes: int = 1) -> None:
    interval = float(os.environ.get("LABORWATCH_SWEEP_SECONDS", "300"))
    if processes > 1:
        serve_processes(host=host, port=port, threads=threads, processes=processes, sweep=interval)
        return
    from laborwatch.config.wsgi import application

    warm_link_index()
    stop = threading.Event()
    keeper = None
    if interval > 0:
        from laborwatch.schedule.tasks import default_queue, keep_consumer, start_consumer

        consumer = start_consumer(default_queue())
        keeper = threading.Thread(
            target=keep_consumer, args=(consumer, stop.wait), daemon=True, name="schedule"
        )
        keeper.start()
    try:
        # Ctrl+C (SIGINT, a KeyboardInterrupt in this main thread) ends waitress's loop: it
        # stops taking requests and lets those in hand finish (up to 5 s), then returns.
        waitress_serve(application, host=host, port=port, threads=threads, ident="LaborWatch")
    finally:
        stop.set()
        if keeper is not None:
            keeper.join(timeout=SWEEP_STOP_SECONDS)
        _exit_without_last_collection()


def _exit_without_last_collection() -> None:
    """The process is about to end: the server is closed and the schedule's threads stopped.
    Python's exit would still walk every object the process holds in one last garbage
    collection (the text models, the linking index, the app's caches), which took 4 to 30 s
    after Ctrl+C on a busy 2-core host, so that the server seemed not to stop. Frozen objects
    are left out of that collection (gc.freeze); the atexit handlers still run."""
    gc.freeze()


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
            self.cfg.set("post_worker_init", warm_worker)
            self.cfg.set("on_exit", sweep.stop)

        def load(self) -> Any:
            return import_app("laborwatch.config.wsgi:application")

        def run(self) -> None:  # BaseApplication.run, with the arbiter above
            SweepWatchingArbiter(self).run()

    return Application()


class SweepProcess:
    """The schedule of a gunicorn server (its huey consumer), in a process of its own that the
    master starts when ready and stops on exit. Not a thread in the master: the master forks
    its workers, and a fork copies only the forking thread, with any lock another thread held
    at that moment. Not a multiprocessing.Process either: every forked worker would inherit it
    in multiprocessing's list of children and join or kill it when the worker exits."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.process: subprocess.Popen[bytes] | None = None
        self.started = 0.0

    def start(self, server: Any) -> None:
        if self.interval <= 0:
            return
        self.process = subprocess.Popen([sys.executable, "-c", _SWEEP_MAIN])
        self.started = time.monotonic()
        server.log.info("Schedule process started (pid: %s)", self.process.pid)

    def notice_exit(self, server: Any) -> None:
        """A schedule process that died is logged and started again if it had lived through at
        least one sweep interval; one that dies sooner (a setup error) would only die again."""
        if self.process is None or self.process.poll() is None:
            return
        pid, status = self.process.pid, _exit_status(self.process.returncode)
        if time.monotonic() - self.started >= self.interval:
            server.log.error("Schedule process %s exited (%s); starting it again", pid, status)
            self.start(server)
        else:
            server.log.error(
                "Schedule process %s exited (%s) within its first interval and is not "
                "restarted; run `laborwatch worker` until the server restarts",
                pid,
                status,
            )
            self.process = None

    def stop(self, server: Any) -> None:
        if self.process is None:
            return
        if self.process.poll() is not None:
            server.log.info("Schedule process %s had already stopped", self.process.pid)
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=SWEEP_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            server.log.warning(
                "Schedule process %s still busy after %s s; killing it",
                self.process.pid,
                SWEEP_STOP_SECONDS,
            )
            self.process.kill()
            self.process.wait()


def _exit_status(returncode: int) -> str:
    return f"signal {-returncode}" if returncode < 0 else f"exit code {returncode}"


class _StopSignal:
    """When the schedule process is to stop. SIGTERM (the master's on_exit, or systemd) lets the
    tasks in hand finish; the handler only sets a flag, since taking a lock inside a signal
    handler can deadlock. SIGINT is left to the master, which stops the schedule on exit:
    Ctrl+C reaches the whole process group. A master that died without on_exit (SIGKILL) is
    noticed at the next health check (tasks.HEALTH_SECONDS)."""

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
    """Entry point of the schedule process (`python -c`, started by SweepProcess.start)."""
    stop = _StopSignal()  # before Django's setup, so that an early stop is not lost
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laborwatch.config.settings")
    import django

    django.setup()
    run_schedule(stop)
