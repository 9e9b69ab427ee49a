"""Where parse workers write the run's staged Parquet, and how the loader gets it.

By default the staging area is the run's folder inside the warehouse, which local worker
processes (and Dask workers on this machine) write to directly. With `--staging` (a
folder or URL every worker reaches, of this warehouse's own) each run stages under
`<staging>/matterhouse-run-<run_id>/`; the loader reads a folder in place and copies a URL's files
into the run's folder first, so DuckDB reads them locally. Either way the loader first
checks that every batch wrote every table: a worker that wrote somewhere the loader
cannot see must fail the run, not load it short of files. Each run deletes its own
staging area, and before it starts, the areas interrupted runs left under `--staging`
(tasks still running on a cluster can write after their run stopped). Nothing else
under `--staging` is touched.
"""

import contextlib
import shutil
from pathlib import Path

from matterhouse.plumbing.storage import Location, StorageError, describe_error, transport_errors
from matterhouse.store.tables import PARSED_TABLES

RUN_PREFIX = "matterhouse-run-"


class StagingIncomplete(StorageError):
    """Staged batches are missing: the workers wrote where the loader cannot read."""


def staging_location(staging: Location | None, run_id: str, work_dir: Path) -> Location:
    """The run's staging area: under --staging when given, else the run's own folder."""
    return staging.child(f"{RUN_PREFIX}{run_id}") if staging else Location.of(work_dir / "staging")


def loader_folder(location: Location, work_dir: Path) -> Path:
    """The folder the loader reads the staged files from."""
    return work_dir / "staging" if location.is_url else location.path


def collect(location: Location, local: Path, batches: int) -> None:
    """Bring the run's staged files to `local` (when they are on object storage) and
    check that each table has all `batches` files."""
    if location.is_url:
        fs, root = location.filesystem()
        try:
            fs.get(f"{root}/", f"{local}/", recursive=True)
        except transport_errors() as error:
            raise StagingIncomplete(f"cannot copy the staged files from {location}: {describe_error(error)}") from None
    for table in PARSED_TABLES:
        found = len(list((local / table).glob("batch-*.parquet")))
        if found != batches:
            raise StagingIncomplete(
                f"{found} of {batches} staged batches of {table} reached {location}: the parse workers must write "
                "where this machine reads; give --staging a location every worker reaches (nothing changed)"
            )


def remove_leftovers(staging: Location) -> None:
    """The staging areas of earlier runs under --staging (the run lock is held)."""
    if staging.is_url:
        fs, root = staging.filesystem()
        with contextlib.suppress(*transport_errors()):
            fs.invalidate_cache(root)
            for area in fs.ls(root, detail=False):
                if area.rstrip("/").rsplit("/", 1)[-1].startswith(RUN_PREFIX):
                    fs.rm(area, recursive=True)
        return
    for area in staging.path.glob(f"{RUN_PREFIX}*"):
        shutil.rmtree(area, ignore_errors=True)


def remove(location: Location) -> None:
    """Delete the run's staging area."""
    if not location.is_url:
        shutil.rmtree(location.path, ignore_errors=True)
        return
    fs, root = location.filesystem()
    # Already gone, or unreachable now: the next run removes what is left.
    with contextlib.suppress(*transport_errors()):
        fs.rm(root, recursive=True)
