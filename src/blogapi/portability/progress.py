"""Progress of a long run on stderr: live bars in a terminal (rich), and elsewhere (a log,
a pipe, CI) one plain line per finished step, so a log shows what was done and how fast."""

import time
from typing import Literal

from rich import filesize
from rich.console import Console
from rich.progress import BarColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.progress import Progress as Bars

Unit = Literal["rows", "bytes", "files", "tables"]


def amount(done: int, unit: Unit, total: int | None = None) -> str:
    """`1,234 / 5,000 rows`, `12.3 MB`."""
    if unit == "bytes":
        shown = filesize.decimal(done)
        return f"{shown} / {filesize.decimal(total)}" if total else shown
    return f"{done:,} / {total:,} {unit}" if total is not None else f"{done:,} {unit}"


class Step:
    """One table, file or dump under way."""

    def __init__(self, progress: "Progress", label: str, unit: Unit, total: int | None) -> None:
        self._progress = progress
        self.label = label
        self.unit: Unit = unit
        self.total = total
        self.done = 0
        self._started = time.perf_counter()
        self._task: TaskID | None = None
        if progress.bars is not None:
            self._task = progress.bars.add_task(label, total=total, shown=self._shown())

    def _shown(self) -> str:
        return amount(self.done, self.unit, self.total)

    def advance(self, count: int) -> None:
        self.done += count
        if self._task is not None and self._progress.bars is not None:
            self._progress.bars.update(self._task, advance=count, shown=self._shown())

    def set_label(self, label: str) -> None:
        """What the step is at now (a terminal shows it; the closing line keeps the first)."""
        if self._task is not None and self._progress.bars is not None:
            self._progress.bars.update(self._task, description=label)

    def finish(self) -> None:
        seconds = time.perf_counter() - self._started
        if self._task is not None and self._progress.bars is not None:
            self._progress.bars.update(self._task, completed=self.done, total=self.done)
            return
        self._progress.say(f"{self.label}: {amount(self.done, self.unit)} in {seconds:.1f} s")


class Progress:
    """Where a command reports what it is doing; use as a context manager."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True, highlight=False)
        self.bars: Bars | None = None
        if self.console.is_terminal:
            self.bars = Bars(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.fields[shown]}"),
                TimeElapsedColumn(),
                console=self.console,
                transient=False,
            )

    def __enter__(self) -> "Progress":
        if self.bars is not None:
            self.bars.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.bars is not None:
            self.bars.stop()

    def step(self, label: str, unit: Unit, total: int | None = None) -> Step:
        return Step(self, label, unit, total)

    def say(self, line: str) -> None:
        """A line of its own (above the bars in a terminal)."""
        self.console.print(line, markup=False, highlight=False)
