"""Serving the WSGI app with waitress (pure Python, runs the same on Windows intranet hosts).

The server also runs the SLA sweep every few minutes in a background thread, so a single
`laborwatch serve` keeps urging and escalating without cron. Set LABORWATCH_SWEEP_SECONDS=0
to leave the sweep to cron (`laborwatch sla-sweep`) when several servers run.
"""

from __future__ import annotations

import logging
import os
import threading

from waitress import serve as waitress_serve

from laborwatch.config.wsgi import application

logger = logging.getLogger(__name__)


def _sweep_forever(interval: float, stop: threading.Event) -> None:
    from django.db import close_old_connections

    from laborwatch.cases.services import sla_sweep
    from laborwatch.warnings.services import warnings_sweep

    while not stop.wait(interval):
        try:
            result = sla_sweep()
            unsigned = warnings_sweep()
        except Exception:
            # Keep the server's clock running; the failure is logged with its traceback.
            logger.exception("SLA sweep failed")
        else:
            if result.urged or result.escalated or result.referrals_escalated:
                logger.warning("SLA sweep: %s", result)
            if unsigned.escalated:
                logger.warning("Warning sweep: %s", unsigned)
        finally:
            close_old_connections()


def serve(*, host: str, port: int, threads: int = 8) -> None:
    interval = float(os.environ.get("LABORWATCH_SWEEP_SECONDS", "300"))
    stop = threading.Event()
    if interval > 0:
        threading.Thread(
            target=_sweep_forever, args=(interval, stop), daemon=True, name="sla-sweep"
        ).start()
    try:
        waitress_serve(application, host=host, port=port, threads=threads, ident="LaborWatch")
    finally:
        stop.set()
