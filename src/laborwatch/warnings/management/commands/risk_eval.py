"""`laborwatch risk-eval`: the earlier name of `laborwatch backtest` (the same command)."""

from __future__ import annotations

from laborwatch.warnings.management.commands.backtest import Command as Backtest


class Command(Backtest):
    pass
