"""A matterhouse run, stage by stage: scan (find the files, bring the schema up to date,
plan), parse what changed in batches, load DuckDB in one transaction (which writes the
run's Parquet snapshot before it commits), export (make the snapshot current in the
warehouse folder), and publish it to the --publish location, if one is given.

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

from matterhouse.plumbing import interrupts, words
from matterhouse.plumbing.failpoints import checkpoint
from matterhouse.plumbing.settings import ConfigurationError, RunOptions, delete_limit
from matterhouse.plumbing.storage import Location, StorageError
from matterhouse.steps import staging_area
from matterhouse.steps.cluster import DaskSubmitter, parse_on_dask
from matterhouse.steps.export import export_step
from matterhouse.steps.load import ChecksFailed, RunLoad, load_run, read_checks, validate_checks
from matterhouse.steps.models import prepare_scopes
from matterhouse.steps.parse import parse_files
from matterhouse.steps.plan import Plan, plan_files
from matterhouse.steps.publish import check_publication, publish_step
from matterhouse.steps.scan import FOUND_SCHEMA, find_files, find_objects
from matterhouse.store import snapshots
from matterhouse.store import warehouse as wh
from matterhouse.store.runlock import RunLock
from matterhouse.store.schema import ensure_schema
from matterhouse.store.tables import PUBLISHED_TABLES

WORK_DIR_PREFIX = ".run-"


class DeletionRefused(ConfigurationError):
    """A run that would delete files the sources may only have hidden: an empty source,
    or more deletions than --max-delete allows."""


def scan_step(options: RunOptions, to_read_file: Path) -> tuple[Plan, str | None, bool]:
    """Scan the sources, bring the warehouse's schema up to date, and compare the two:
    which files to read (written to `to_read_file`), which are gone, the warehouse's last
    committed run, and whether its tables must be rebuilt for a new schema or new rules."""
    scans = []
    for source in options.sources:
        found = (
            find_objects(source, options.extensions, options.max_file_size)
            if source.is_url
            else find_files(source.path, options.extensions, options.max_file_size)
        )
        if not found.num_rows and not options.allow_empty_source:
            # An unmounted share or a sync that has not run looks just like this, and
            # would delete every file the warehouse knows from the source.
            raise DeletionRefused(
                f"source {source} has no files ending in {words.alternatives(options.extensions)} (nothing changed): "
                "check that it is mounted or synced, and --extensions; if every file there was deleted, "
                "run again with --allow-empty-source"
            )
        scans.append(found)
    found = pa.concat_tables(scans or [FOUND_SCHEMA.empty_table()])
    checkpoint("scan")
    connection = wh.connect(options.warehouse, lock_timeout=options.lock_timeout, memory_limit=options.memory_limit)
    try:
        rebuild = ensure_schema(connection, options.warehouse)
        prepare_scopes(connection)  # the checks name them
        validate_checks(connection, read_checks(options.checks_dir))
        last_runs = connection.execute(wh.sql("state/last_run")).fetchall()
        plan = plan_files(found, connection, options.full_refresh, to_read_file)
        if options.max_delete is not None:
            (known,) = connection.execute(wh.sql("state/known_files")).fetchone()
            limit = delete_limit(options.max_delete, known)
            if len(plan.deleted_ids) > limit:
                raise DeletionRefused(
                    f"this run would delete {len(plan.deleted_ids):,} of the {known:,} files the warehouse knows, "
                    f"more than --max-delete {options.max_delete} allows ({limit:,}) (nothing changed): "
                    "check the sources; if the files really are gone, run again with a larger --max-delete"
                )
    finally:
        connection.close()
    # The scan's Arrow memory, free now, would stay in pyarrow's pool through the parse and
    # the load (tens of MB per 100,000 files); it goes back to the system before DuckDB's turn.
    del scans, found
    pa.default_memory_pool().release_unused()
    return plan, (last_runs[0][0] if last_runs else None), rebuild


def load_step(options: RunOptions, load: RunLoad) -> dict:
    """Apply the run to DuckDB in one transaction; return the run's etl_runs row."""
    connection = wh.connect(options.warehouse, lock_timeout=options.lock_timeout, memory_limit=options.memory_limit)
    try:
        return load_run(connection, load)
    finally:
        connection.close()


class Steps:
    """How execute_run calls each stage: here, directly in this process. The Prefect flow
    overrides each to run it as a task."""

    def scan(self, options: RunOptions, to_read_file: Path) -> tuple[Plan, str | None, bool]:
        return scan_step(options, to_read_file)

    def parse(self, plan: Plan, staging: Location, options: RunOptions) -> list[dict]:
        """On the Dask cluster when one is given (and there is something to read), else
        on this machine's cores."""
        if options.dask_address and plan.to_read_count:
            return parse_on_dask(plan, staging, options, self.dask_submitter(options))
        return self.parse_here(plan, staging, options)

    def parse_here(self, plan: Plan, staging: Location, options: RunOptions) -> list[dict]:
        return parse_files(plan, staging, options)

    def dask_submitter(self, options: RunOptions) -> DaskSubmitter:
        return DaskSubmitter(options)

    def load(self, options: RunOptions, load: RunLoad) -> dict:
        return load_step(options, load)

    def export(self, options: RunOptions, snapshot: Path) -> None:
        export_step(options, snapshot)

    def publish(self, options: RunOptions, snapshot: Path) -> None:
        publish_step(options, snapshot)

    def log(self, message: str) -> None:
        """A line for whoever watches the run (Prefect's log); a direct run keeps quiet."""


def execute_run(options: RunOptions, run_id: str, steps: Steps) -> dict:
    """Load the front-matter files under `options.sources` into the warehouse folder,
    reading only files that are new or changed since the last run (all of them with
    `full_refresh`); return the run's etl_runs row with its table_changes.

    Raises ChecksFailed (after recording the failed run) when a data check fails."""
    started_at = datetime.now(timezone.utc)
    home = options.warehouse
    check_publication(options)
    interrupts.run_state.begin(home)
    with RunLock(home):
        _remove_leftovers(home)
        if options.staging is not None:
            staging_area.remove_leftovers(options.staging)
        work_dir = home / f"{WORK_DIR_PREFIX}{run_id}"
        snapshot = snapshots.snapshot_dir(home, run_id)
        staging = staging_area.staging_location(options.staging, run_id, work_dir)
        exported = False
        try:
            clock = time.perf_counter()
            work_dir.mkdir()
            plan, last_run_id, rebuild = steps.scan(options, work_dir / "to-read.parquet")
            scan_seconds = time.perf_counter() - clock
            steps.log(
                f"{plan.seen} files in {len(options.sources)} sources: {plan.to_read_count} to read, "
                f"{plan.unchanged} unchanged, {len(plan.deleted_ids)} deleted"
            )

            clock = time.perf_counter()
            touched = steps.parse(plan, staging, options)
            staged = staging_area.loader_folder(staging, work_dir)
            staging_area.collect(staging, staged, plan.batch_count(options.batch_size))
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
                steps.export(options, snapshot)  # the failed run's record, old data
                exported = True
                if options.publish is not None:
                    # The failed check is what must be said; the next run publishes again.
                    with contextlib.suppress(StorageError):
                        steps.publish(options, snapshot)
                raise
            checkpoint("committed")
            steps.export(options, snapshot)
            exported = interrupts.run_state.exported = True
            if options.publish is not None:
                interrupts.run_state.publishing = True
                steps.publish(options, snapshot)
                interrupts.run_state.publishing = False
            return record
        finally:
            staging_area.remove(staging)
            shutil.rmtree(work_dir, ignore_errors=True)
            if not exported:
                shutil.rmtree(snapshot, ignore_errors=True)


def _remove_leftovers(home: Path) -> None:
    """Work folders of runs that died (the run lock proves none is still going)."""
    for leftover in home.glob(f"{WORK_DIR_PREFIX}*"):
        shutil.rmtree(leftover, ignore_errors=True)
