"""A progress bar for long loads: shown on standard error when it is a terminal and the run
reads more than ``THRESHOLD`` files; silent otherwise (pipes, CI logs, tests). The loader
only calls ``progress(done, total)``; all of the user interface is here."""

from __future__ import annotations

from typing import TextIO

__all__ = ["THRESHOLD", "LoadProgress"]

THRESHOLD = 300


class LoadProgress:
    """A ``loader.Progress`` callback; use it as a context manager so the bar is removed."""

    def __init__(self, stream: TextIO, threshold: int = THRESHOLD) -> None:
        self._stream = stream
        self._threshold = threshold
        self._enabled = hasattr(stream, "isatty") and stream.isatty()
        self._bar = None
        self._task = None

    def __call__(self, done: int, total: int) -> None:
        if not self._enabled or total <= self._threshold:
            return
        if self._bar is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            console = Console(file=self._stream, force_terminal=True)
            self._bar = Progress(
                TextColumn("loading manifests"),
                BarColumn(),
                MofNCompleteColumn(),
                console=console,
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task("load", total=total)
        self._bar.update(self._task, completed=done)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def __enter__(self) -> LoadProgress:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
