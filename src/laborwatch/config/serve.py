"""Serving the WSGI app with waitress (pure Python, runs the same on Windows intranet hosts)."""

from __future__ import annotations

from waitress import serve as waitress_serve

from laborwatch.config.wsgi import application


def serve(*, host: str, port: int, threads: int = 8) -> None:
    waitress_serve(application, host=host, port=port, threads=threads, ident="LaborWatch")
