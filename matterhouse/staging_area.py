"""Where parse workers write the run's staged Parquet, and how the loader gets it.

By default the staging area is the run's folder inside the warehouse, which local worker
processes (and Dask workers on this machine) write to directly. With `--staging URL`
every worker writes there, and the loader copies the run's files into the run's folder
before the load, so DuckDB reads them locally. Either way the loader first checks that
every batch wrote every table: a worker that wrote somewhere the loader cannot see must
fail the run, not load it short of files.
"""

import contextlib
from pathlib import Path

from .storage import StorageError, describe_error, filesystem, is_url
from .tables import STAGING_TABLES


class StagingIncomplete(StorageError):
    """Staged batches are missing: the workers wrote where the loader cannot read."""


def staging_location(staging: str | None, run_id: str, work_dir: Path) -> str:
    """The run's staging area: under --staging when given, else the run's own folder."""
    return f"{staging}/{run_id}" if staging else str(work_dir / "staging")


def collect(location: str, local: Path, batches: int, storage_options: dict) -> None:
    """Bring the run's staged files to `local` (when they are elsewhere) and check that
    each table has all `batches` files."""
    if is_url(location):
        fs, root = filesystem(location, storage_options)
        try:
            fs.get(f"{root}/", f"{local}/", recursive=True)
        except (OSError, ValueError) as error:
            raise StagingIncomplete(f"cannot copy the staged files from {location}: {describe_error(error)}") from None
    for table in STAGING_TABLES:
        found = len(list((local / table).glob("batch-*.parquet")))
        if found != batches:
            raise StagingIncomplete(
                f"{found} of {batches} staged batches of {table} reached {location}: the parse workers must write "
                "where this machine reads; give --staging a location every worker reaches (nothing changed)"
            )


def remove(location: str, storage_options: dict) -> None:
    """Delete the run's staged files on object storage (the local folder goes with the run's)."""
    if is_url(location):
        fs, root = filesystem(location, storage_options)
        # Already gone, or unreachable: each run has a staging area of its own.
        with contextlib.suppress(OSError, ValueError):
            fs.rm(root, recursive=True)
