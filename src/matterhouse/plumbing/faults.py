"""One line for a run that failed on something other than a matterhouse error: a full
disk, a permission, a broken file system, a bug. It says what went wrong in words (never
a Python class name), what state the warehouse is in, and what to do."""

import errno

import duckdb

from matterhouse.plumbing.interrupts import run_state
from matterhouse.plumbing.settings import OPTIONS, RunOptions, describe_size

DISK_FULL = "No space left on device"


def explain(error: BaseException, options: RunOptions) -> str:
    """The message for a run with `options` that raised `error`; `--verbose` adds the traceback."""
    state, warehouse = run_state.state(), options.warehouse
    if _is_disk_full(error):
        return (
            f"the disk holding {warehouse} is full; {state}. Free some space there (the run needs room for "
            "a new Parquet snapshot and DuckDB's spill files) or pass --warehouse on a larger disk"
        )
    if isinstance(error, PermissionError):
        return f"permission denied for {error.filename or warehouse}; {state}. Fix its permissions or choose another folder"
    if isinstance(error, OSError):
        where = f" ({error.filename})" if error.filename else ""
        return f"the operating system refused: {error.strerror or error}{where}; {state}"
    if isinstance(error, duckdb.OutOfMemoryException):
        spec = OPTIONS["memory_limit"].metadata
        detail = _first_line(error).removeprefix("Out of Memory Error: ")
        return (
            f"DuckDB ran out of memory at its limit of {describe_size(options.memory_limit)}: {detail}; {state}. "
            f"Raise the limit with {spec['flag']} or {spec['env']}"
        )
    if isinstance(error, duckdb.Error):
        return f"DuckDB failed: {_first_line(error)}; {state}"
    return f"unexpected failure ({_first_line(error) or 'no message'}); {state}. Rerun with --verbose and report it"


def _is_disk_full(error: BaseException) -> bool:
    return (isinstance(error, OSError) and error.errno == errno.ENOSPC) or DISK_FULL in str(error)


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else ""
