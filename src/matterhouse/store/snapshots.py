"""The warehouse folder's Parquet snapshots, one per run, and which is current, so that
readers see one run's tables or the next's.

Each run writes its datasets into `<warehouse>/.snapshots/<run_id>/<table>/`, and
`<warehouse>/parquet` is a symbolic link to the current snapshot. Exporting a run replaces
that link in one atomic rename (make_current), so every reader sees a whole snapshot: all tables of
the previous run or all tables of the new one. Tables a run did not change are hard
links to the previous snapshot's files, which costs no copying. The snapshots of the
newest `keep_runs` runs stay (for `matterhouse query --as-of`), and the previous one
always does, for readers still holding it open.
"""

import os
import shutil
from pathlib import Path

import pyarrow.parquet as pq

SNAPSHOTS = ".snapshots"
PARQUET = "parquet"
NEXT_LINK = ".parquet-next"


def snapshot_dir(warehouse: Path, run_id: str) -> Path:
    return warehouse / SNAPSHOTS / run_id


def current_snapshot(warehouse: Path) -> Path | None:
    """The snapshot `parquet` points at, if any."""
    link = warehouse / PARQUET
    if not link.is_symlink():
        return None
    return warehouse / os.readlink(link)


def link_unchanged_tables(warehouse: Path, snapshot: Path, tables) -> None:
    """Hard-link the tables this run did not export from the current snapshot."""
    current = current_snapshot(warehouse)
    for table in tables:
        if (snapshot / table).exists() or current is None or not (current / table).is_dir():
            continue
        for data_file in (current / table).rglob("*.parquet"):
            target = snapshot / table / data_file.relative_to(current / table)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(data_file, target)


def make_current(warehouse: Path, snapshot: Path, keep_runs: int) -> None:
    """Point `parquet` at `snapshot` atomically, then drop the snapshots of runs older than
    the newest `keep_runs` (by etl_runs.started_at), but for the previous one."""
    previous = current_snapshot(warehouse)
    next_link = warehouse / NEXT_LINK
    next_link.unlink(missing_ok=True)
    next_link.symlink_to(snapshot.relative_to(warehouse), target_is_directory=True)
    link = warehouse / PARQUET
    if link.is_dir() and not link.is_symlink():
        shutil.rmtree(link)  # a plain folder left by hand: the link takes its place
    os.replace(next_link, link)
    runs = pq.read_table(snapshot / "etl_runs", columns=["run_id", "started_at"]).sort_by([("started_at", "descending")])
    newest = runs.column("run_id").to_pylist()[:keep_runs]
    remove_snapshots_except(warehouse, {snapshot.name, previous.name if previous else None, *newest})


def remove_if_incomplete(snapshot: Path, tables) -> None:
    """Delete a snapshot that lacks any of `tables` (one never completed)."""
    if snapshot.is_dir() and not all((snapshot / table).is_dir() for table in tables):
        shutil.rmtree(snapshot, ignore_errors=True)


def remove_snapshots_except(warehouse: Path, keep: set) -> None:
    folder = warehouse / SNAPSHOTS
    if folder.is_dir():
        for old in folder.iterdir():
            if old.name not in keep:
                shutil.rmtree(old, ignore_errors=True)
