"""A matterhouse run, step by step: scan and plan, parse what changed in batches, load
DuckDB in one transaction, then publish the Parquet snapshot.

`execute_run` holds the run's logic once. It calls each step through a `Steps` object:
this module's calls them directly (`matterhouse.run`, the CLI without Prefect), and the
Prefect flow (matterhouse.flows.pipeline) passes one that makes each step a task.
"""

import contextlib
import shutil
import time
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa

from matterhouse.plumbing import interrupts
from matterhouse.plumbing.failpoints import checkpoint
from matterhouse.plumbing.settings import RunOptions
from matterhouse.plumbing.storage import StorageError
from matterhouse.steps import staging_area
from matterhouse.steps.cluster import parse_on_dask
from matterhouse.steps.load import ChecksFailed, RunLoad, load_run, read_checks, validate_checks
from matterhouse.steps.parse import parse_files
from matterhouse.steps.plan import Plan, plan_files
from matterhouse.steps.scan import FOUND_SCHEMA, find_files, find_objects
from matterhouse.store import publication, snapshots
from matterhouse.store import warehouse as wh
from matterhouse.store.runlock import RunLock
from matterhouse.store.schema import ensure_schema
from matterhouse.store.tables import PUBLISHED_TABLES
from matterhouse.store.views_file import write_views_file

WORK_DIR_PREFIX = ".run-"


def plan_run(options: RunOptions, to_read_file: Path) -> tuple[Plan, str | None, bool]:
    """Scan the sources, bring the warehouse's schema up to date, and compare the two:
    which files to read (written to `to_read_file`), which are gone, the warehouse's last
    committed run, and whether its tables must be rebuilt for a new schema or new rules."""
    scans = [
        find_objects(source, options.extensions, options.max_file_size, options.storage_options)
        if isinstance(source, str)
        else find_files(source, options.extensions, options.max_file_size)
        for source in options.sources
    ]
    found = pa.concat_tables(scans or [FOUND_SCHEMA.empty_table()])
    checkpoint("scan")
    connection = wh.connect(options.warehouse, lock_timeout=options.lock_timeout)
    try:
        rebuild = ensure_schema(connection, options.warehouse)
        validate_checks(connection, read_checks(options.checks_dir))
        last_runs = connection.execute(wh.sql("state/last_run")).fetchall()
        plan = plan_files(found, connection, options.full_refresh, to_read_file)
    finally:
        connection.close()
    # The scan's Arrow memory, free now, would stay in pyarrow's pool through the parse and
    # the load (tens of MB per 100,000 files); it goes back to the system before DuckDB's turn.
    del scans, found
    pa.default_memory_pool().release_unused()
    return plan, (last_runs[0][0] if last_runs else None), rebuild


def load_warehouse(options: RunOptions, load: RunLoad) -> dict:
    """Apply the run to DuckDB in one transaction; return the run's etl_runs row."""
    connection = wh.connect(options.warehouse, lock_timeout=options.lock_timeout)
    try:
        return load_run(connection, load)
    finally:
        connection.close()


def publish_parquet(options: RunOptions, snapshot: Path) -> None:
    """Complete the run's Parquet snapshot with links to unchanged tables and publish it in
    the warehouse folder; renew the readers' views file if its views changed."""
    warehouse = options.warehouse
    snapshots.link_unchanged_tables(warehouse, snapshot, PUBLISHED_TABLES)
    snapshots.publish(warehouse, snapshot, options.keep_runs)
    write_views_file(warehouse)


def publish_elsewhere(options: RunOptions, snapshot: Path) -> None:
    """Publish the run's snapshot to the --publish location. The run is committed and
    published in its folder by now: a failure here says so, and the next run publishes
    its whole snapshot there again."""
    try:
        publication.publish(snapshot, snapshot.name, options.publish, options.keep_runs, options.storage_options)
    except StorageError as error:
        raise StorageError(f"the run is committed, but {error}; the next run publishes there again") from None


def parse_step(plan: Plan, staging: str, options: RunOptions) -> list[dict]:
    """Parse on the Dask cluster when one is given (and there is something to read), else
    on this machine's cores."""
    if options.dask_address and plan.to_read_count:
        return parse_on_dask(plan, staging, options)
    return parse_files(plan, staging, options.batch_size, options.max_file_size, options.storage_options)


class Steps:
    """How execute_run calls each step: here, directly in this process."""

    def plan(self, options: RunOptions, to_read_file: Path) -> tuple[Plan, str | None, bool]:
        return plan_run(options, to_read_file)

    def parse(self, plan: Plan, staging: str, options: RunOptions) -> list[dict]:
        return parse_step(plan, staging, options)

    def load(self, options: RunOptions, load: RunLoad) -> dict:
        return load_warehouse(options, load)

    def publish(self, options: RunOptions, snapshot: Path) -> None:
        publish_parquet(options, snapshot)

    def publish_elsewhere(self, options: RunOptions, snapshot: Path) -> None:
        publish_elsewhere(options, snapshot)

    def log(self, message: str) -> None:
        """A line for whoever watches the run (Prefect's log); a direct run keeps quiet."""


def execute_run(options: RunOptions, run_id: str, steps: Steps) -> dict:
    """Load the front-matter files under `options.sources` into the warehouse folder,
    reading only files that are new or changed since the last run (all of them with
    `full_refresh`); return the run's etl_runs row with its table_changes.

    Raises ChecksFailed (after recording the failed run) when a data check fails."""
    started_at = datetime.now(timezone.utc)
    home = options.warehouse
    interrupts.progress.begin(home)
    with RunLock(home):
        _remove_leftovers(home)
        if options.staging is not None:
            staging_area.remove_leftovers(options.staging, options.storage_options)
        work_dir = home / f"{WORK_DIR_PREFIX}{run_id}"
        snapshot = snapshots.snapshot_dir(home, run_id)
        staging = staging_area.staging_location(options.staging, run_id, work_dir)
        published = False
        try:
            clock = time.perf_counter()
            work_dir.mkdir()
            plan, last_run_id, rebuild = steps.plan(options, work_dir / "to-read.parquet")
            scan_seconds = time.perf_counter() - clock
            steps.log(
                f"{plan.seen} files in {len(options.sources)} sources: {plan.to_read_count} to read, "
                f"{plan.unchanged} unchanged, {len(plan.deleted_ids)} deleted"
            )

            clock = time.perf_counter()
            touched = steps.parse(plan, staging, options)
            staged = staging_area.loader_folder(staging, work_dir)
            staging_area.collect(staging, staged, plan.batch_count(options.batch_size), options.storage_options)
            parse_seconds = time.perf_counter() - clock
            steps.log(f"read {plan.to_read_count} files in {parse_seconds:.1f} s ({len(touched)} only touched)")
            checkpoint("parse")

            current = snapshots.current_snapshot(home)
            behind = current is None or current.name != last_run_id
            if behind and last_run_id is not None:
                # The last run died between its commit and its publish: its snapshot may
                # lack the tables it did not change, so as-of queries must not read it.
                snapshots.remove_if_incomplete(snapshots.snapshot_dir(home, last_run_id), PUBLISHED_TABLES)
            load = RunLoad(
                run={
                    "run_id": run_id,
                    "started_at": started_at,
                    "sources": [str(source) for source in options.sources],
                    "files_seen": plan.seen,
                    "files_read": plan.to_read_count,
                    "scan_seconds": scan_seconds,
                    "parse_seconds": parse_seconds,
                },
                staging_dir=staged,
                snapshot=snapshot,
                deleted_ids=plan.deleted_ids,
                touched=touched,
                full_refresh=options.full_refresh,
                rebuild=rebuild,
                # A run that died after its commit left the Parquet behind: catch up fully.
                export_all=behind,
                extra_checks=options.checks_dir,
            )
            try:
                record = steps.load(options, load)
            except ChecksFailed:
                steps.publish(options, snapshot)  # the failed run's record, old data
                published = True
                if options.publish is not None:
                    # The failed check is what must be said; the next run publishes again.
                    with contextlib.suppress(StorageError):
                        steps.publish_elsewhere(options, snapshot)
                raise
            checkpoint("publish")
            steps.publish(options, snapshot)
            published = interrupts.progress.published = True
            if options.publish is not None:
                steps.publish_elsewhere(options, snapshot)
            return record
        finally:
            staging_area.remove(staging, options.storage_options)
            shutil.rmtree(work_dir, ignore_errors=True)
            if not published:
                shutil.rmtree(snapshot, ignore_errors=True)


def _remove_leftovers(home: Path) -> None:
    """Work folders of runs that died (the run lock proves none is still going)."""
    for leftover in home.glob(f"{WORK_DIR_PREFIX}*"):
        shutil.rmtree(leftover, ignore_errors=True)
