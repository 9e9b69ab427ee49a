"""A progress bar for people watching a long run in a terminal, and nothing otherwise."""

import sys
from contextlib import contextmanager

from .interrupts import before_forced_exit

# Below this many files a run takes a few seconds and a bar would only flicker.
MIN_FILES_FOR_BAR = 5000


@contextmanager
def file_progress(total: int, description: str = "Parsing files"):
    """Yield advance(n); draws a transient bar on an interactive stderr for long runs."""
    if total < MIN_FILES_FOR_BAR or not sys.stderr.isatty():
        yield lambda count: None
        return
    from rich.console import Console  # only here: rich costs a short run more time than it saves
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with (
        Progress(*columns, console=Console(stderr=True), transient=True) as progress,
        before_forced_exit(progress.stop),
    ):
        task_id = progress.add_task(description, total=total)
        yield lambda count: progress.advance(task_id, count)
