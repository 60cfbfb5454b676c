"""A rich progress bar with one line per generation stage (silent when disabled)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)


class Stages:
    def __init__(self, enabled: bool) -> None:
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description:<28}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            disable=not enabled,
        )

    def __enter__(self) -> Stages:
        self.progress.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.progress.stop()

    @contextmanager
    def stage(self, description: str, total: int = 1) -> Iterator[Callable[[], None]]:
        """A stage of `total` steps; the context yields a function that advances one step."""
        task = self.progress.add_task(description, total=total)
        yield lambda: self.progress.advance(task)
        self.progress.update(task, completed=total)
