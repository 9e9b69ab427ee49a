"""`matterhouse query --as-of`: the published tables as they were after an earlier run.

Every run leaves its Parquet snapshot in `<warehouse>/.snapshots/<run_id>/`, and the
newest `--keep-runs` of them stay (snapshots.make_current). A query as of a run reads that
snapshot through an in-memory DuckDB with the same views a reader's file has, so it never
opens the warehouse's database file and never waits for a run.

RUN_ID_OR_TIMESTAMP is a run_id (or a prefix of one that names a single run), or an ISO
8601 instant (`2026-11-30T12:00:00Z`; no offset means UTC; a bare date is its midnight
UTC): the last run that had finished by then.
"""

from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from matterhouse.store.publication import RunNotKept
from matterhouse.store.schema import view_statements
from matterhouse.store.snapshots import SNAPSHOTS, current_snapshot
from matterhouse.store.tables import PUBLISHED_TABLES
from matterhouse.store.views_file import table_view_statements
from matterhouse.store.warehouse import NoWarehouseYet
from matterhouse.transforms.errors import MatterhouseError
from matterhouse.transforms.normalize import to_timestamp


def connect_as_of(warehouse: Path, as_of: str) -> duckdb.DuckDBPyConnection:
    """An in-memory connection whose tables and views are those published by the run
    `as_of` names. A snapshot from a release with fewer tables has views of those it has,
    and the analysis views that bind on them."""
    connection = duckdb.connect()
    try:
        connection.execute("set TimeZone = 'UTC'")
        snapshot = snapshot_as_of(warehouse, as_of)
        for statement in table_view_statements(snapshot, [table for table in PUBLISHED_TABLES if (snapshot / table).is_dir()]):
            connection.execute(statement)
        for statement in view_statements():
            try:
                connection.execute(statement)
            except (duckdb.CatalogException, duckdb.BinderException):
                continue  # a view over a table or column this older snapshot lacks
    except BaseException:
        connection.close()
        raise
    return connection


def snapshot_as_of(warehouse: Path, as_of: str | None) -> Path:
    """The Parquet snapshot of the run `as_of` names (None: the current one)."""
    current = current_snapshot(warehouse)
    if current is None:
        raise NoWarehouseYet(warehouse)
    if as_of is None:
        return current
    table = pq.read_table(current / "etl_runs", columns=["run_id", "started_at", "finished_at"]).sort_by("finished_at")
    started = dict(zip(table["run_id"].to_pylist(), table["started_at"].to_pylist(), strict=True))
    runs = list(zip(table["run_id"].to_pylist(), table["finished_at"].to_pylist(), strict=True))
    text = as_of.strip()
    named = [run for run in runs if run[0].startswith(text)] if text else []
    if len(named) > 1:
        raise MatterhouseError(f"--as-of {text} names {len(named)} runs; give more of the run_id")
    if not named:
        instant = _instant(text)
        # The start time `matterhouse status` shows (to the second) names that run;
        # any other time, the last run that had finished by then.
        named = [run for run in runs if started[run[0]].replace(microsecond=0) == instant][-1:]
        named = named or [run for run in runs if run[1] <= instant][-1:]
        if not named:
            first = f"; the first finished at {_shown(runs[0][1])}" if runs else ""
            raise RunNotKept(f"no run had finished by {_shown(instant)}{first}")
    run_id, finished_at = named[0]
    if not (warehouse / SNAPSHOTS / run_id).is_dir():
        kept = sorted(path.name for path in (warehouse / SNAPSHOTS).iterdir())
        oldest = next(_shown(finished) for run, finished in runs if run in kept)
        raise RunNotKept(
            f"the tables of run {run_id} (finished {_shown(finished_at)}) are no longer kept: the oldest kept run "
            f"finished {oldest}; ask for a later one, or keep more with `matterhouse run --keep-runs N`"
        )
    return warehouse / SNAPSHOTS / run_id


def _instant(text: str) -> datetime:
    try:
        return to_timestamp(text)
    except ValueError:
        raise MatterhouseError(
            f"--as-of {text!r} is neither a run_id of this warehouse nor an ISO 8601 time such as 2026-11-30T12:00:00Z"
        ) from None


def _shown(instant: datetime) -> str:
    return instant.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
