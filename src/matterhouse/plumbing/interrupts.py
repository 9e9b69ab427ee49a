"""Stopping a run on SIGINT or SIGTERM: quickly, leaving no process behind, and saying
truthfully what state the warehouse is in.

A run's state is tracked here (`run_state`): nothing committed yet, committed (the
DuckDB transaction is in, the Parquet snapshot not yet exported), or exported. The
commit and the record of it are one critical section (`critical`): a signal that arrives
during it takes effect after it, so the state said is never a guess. The start of the
parse workers is another, so that every worker is known when the workers are stopped.

`install` (the CLI calls it; a notebook keeps Python's own handling) makes both signals
raise `Interrupted` in the main thread. Python runs that handler only between bytecodes,
and the main thread may be deep in a DuckDB statement or Prefect's crash reporting, so a
watchdog thread, woken through `signal.set_wakeup_fd` the moment a signal lands, also
interrupts the open DuckDB connections, terminates the parse workers, and, if the
process is still alive after `DEADLINE` seconds, says the state and exits itself.
"""

import multiprocessing
import multiprocessing.util
import os
import select
import signal
import sys
import threading
import weakref
from contextlib import contextmanager, suppress
from pathlib import Path

from matterhouse.plumbing import words

# Seconds from the signal to a forced exit: within the 5 s a person or a scheduler waits.
DEADLINE = 3.0
EXIT_STATUS = {signal.SIGINT: 130, signal.SIGTERM: 143}


class Interrupted(KeyboardInterrupt):
    """The run was stopped by SIGINT or SIGTERM; `exit_status` is 130 or 143."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.exit_status = EXIT_STATUS[signum]


class RunState:
    """How far the current run has got, for the message an interrupt prints."""

    def __init__(self):
        self.warehouse: Path | None = None
        self.committed = False
        self.exported = False
        self.publishing = False

    def begin(self, warehouse: Path) -> None:
        self.warehouse, self.committed, self.exported, self.publishing = warehouse, False, False, False

    def state(self) -> str:
        """One line on the warehouse after an interrupt."""
        if self.warehouse is None or not self.committed:
            return "the warehouse is unchanged"
        if not self.exported:
            return "the load was committed to DuckDB, but not yet exported as Parquet; the next run exports it"
        if self.publishing:
            return "the run was committed and exported, but not wholly published; the next run publishes it"
        return "the run had completed and was exported"


run_state = RunState()
_connections: "weakref.WeakSet" = weakref.WeakSet()
_before_forced_exit: list = []
_critical = threading.Lock()
_pending: list[int] = []
_reported: list[int] = []
_in_critical = threading.Event()


def track_connection(connection) -> None:
    """A DuckDB connection for the watchdog to interrupt."""
    _connections.add(connection)


@contextmanager
def before_forced_exit(callback):
    """While inside, `callback` runs if the watchdog has to end the process (a progress
    bar to clear, a temporary server to stop): atexit handlers do not run then."""
    _before_forced_exit.append(callback)
    try:
        yield
    finally:
        _before_forced_exit.remove(callback)


@contextmanager
def critical():
    """A section no signal interrupts: one that arrives waits for its end."""
    with _critical:
        _in_critical.set()
        try:
            yield
        finally:
            _in_critical.clear()
    if _pending:
        raise Interrupted(_pending[0])


def report(signum: int) -> int:
    """Say the state once (the watchdog says nothing more), and return the exit status."""
    if not _reported:
        _reported.append(signum)
        # In a terminal the ^C the terminal echoed ends the line the cursor is on.
        new_line = "\n" if signum == signal.SIGINT and sys.stderr.isatty() else ""
        sys.stderr.write(f"{new_line}{words.lines_for_people(f'matterhouse: interrupted; {run_state.state()}')}\n")
        sys.stderr.flush()
    return EXIT_STATUS[signum]


def received() -> int | None:
    """The signal that asked this process to stop, if one did."""
    return _pending[0] if _pending else None


def terminate_workers() -> None:
    """Stop the run's worker processes at once (they may be mid-batch)."""
    for child in multiprocessing.active_children():
        child.terminate()
    for child in multiprocessing.active_children():
        child.join(timeout=1)
        if child.is_alive():
            child.kill()


def install() -> None:
    """Handle SIGINT and SIGTERM as described above, for this process's run."""
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    for signum in EXIT_STATUS:
        signal.signal(signum, _raise_in_main_thread)
    threading.Thread(target=_watchdog, args=(read_end,), name="matterhouse-interrupts", daemon=True).start()


def _raise_in_main_thread(signum, frame) -> None:
    if not _pending:
        _pending.append(signum)
    if not _in_critical.is_set():
        raise Interrupted(signum)


def _watchdog(read_end: int) -> None:
    signum = os.read(read_end, 1)[0]
    if not _pending:
        _pending.append(signum)
    with _critical:  # never during a commit, nor while workers are being started
        for connection in list(_connections):
            with suppress(Exception):  # already closed: nothing to interrupt
                connection.interrupt()
        terminate_workers()
    select.select([read_end], [], [], DEADLINE)  # the deadline, or a second signal: go now
    with _critical:
        report_and_exit(_pending[0])


def report_and_exit(signum: int) -> None:
    """The one line, then exit without waiting for anything else."""
    for callback in reversed(_before_forced_exit):
        with suppress(Exception):
            callback()
    status = report(signum)
    terminate_workers()
    # What a normal exit would run first: unlink the semaphores of the parse workers' pool and
    # progress counter, which multiprocessing's resource tracker would otherwise find leaked
    # and warn about on stderr after this process is gone.
    with suppress(Exception):
        multiprocessing.util._run_finalizers(0)
    os._exit(status)
