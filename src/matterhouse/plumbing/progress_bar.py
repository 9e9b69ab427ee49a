"""A progress bar for people watching a run in a terminal, and nothing otherwise."""

import sys
from contextlib import contextmanager

from matterhouse.plumbing.interrupts import before_forced_exit

# Below this many files the parse takes about a second and a bar would only flicker.
MIN_FILES_FOR_BAR = 2000


@contextmanager
def file_progress(total: int, description: str = "Parsing files"):
    """Yield advance(n); draws a transient bar with files/s and the time left on an
    interactive stderr, never in logs or pipes."""
    if total < MIN_FILES_FOR_BAR or not sys.stderr.isatty():
        yield lambda count: None
        return
    # Only here: rich costs a short run more time than it saves.
    from rich.console import Console
    from rich.progress import BarColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn
    from rich.text import Text

    class FilesDone(ProgressColumn):  # numbers written as in the summary: 2,000/5,000
        def render(self, task) -> Text:
            return Text(f"{task.completed:,.0f}/{task.total:,.0f}")

    class FilesPerSecond(ProgressColumn):
        def render(self, task) -> Text:
            return Text(f"{task.speed:,.0f} files/s" if task.speed else "")

    columns = (TextColumn("{task.description}"), BarColumn(), FilesDone(), FilesPerSecond(), TimeRemainingColumn())
    with (
        Progress(*columns, console=Console(stderr=True), transient=True) as progress,
        before_forced_exit(progress.stop),
    ):
        task_id = progress.add_task(description, total=total)
        yield lambda count: progress.advance(task_id, count)
