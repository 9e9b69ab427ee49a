"""The matterhouse run: scan the sources, parse what changed in batches, load DuckDB in one
transaction, then publish the Parquet snapshot."""

import itertools
import multiprocessing
import os
import shutil
import sys
import time
import types
import uuid
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager, nullcontext
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.settings import get_current_settings, temporary_settings
from prefect.utilities.annotations import quote

from transforms.errors import MatterhouseError

from . import parse_worker, snapshots
from . import warehouse as wh
from .failpoints import checkpoint
from .load import ChecksFailed, RunLoad, load_run
from .plan import Plan, plan_files
from .progress import file_progress
from .runlock import RunLock
from .scan import FOUND_SCHEMA, find_files
from .settings import DEFAULT_BATCH_SIZE, DEFAULT_EXTENSIONS, DEFAULT_LOCK_TIMEOUT, DEFAULT_MAX_FILE_SIZE

WORK_DIR_PREFIX = ".run-"
ARTIFACT_KEY = "matterhouse-run"
IO_RETRIES = {"retries": 2, "retry_delay_seconds": [2, 8]}


def retry_on_transient_io_errors(task, task_run, state) -> bool:
    """I/O steps retry on operating-system and DuckDB I/O errors; our own errors (a bad
    setting, a lock held past its timeout, a failed check) and bad data are final."""
    try:
        state.result()
    except MatterhouseError:
        return False
    except (OSError, duckdb.IOException):
        return True
    except Exception:
        return False
    return False


@task(cache_policy=NO_CACHE, retry_condition_fn=retry_on_transient_io_errors, **IO_RETRIES)
def plan_run(
    sources: list[str],
    extensions: list[str],
    max_file_size: int,
    warehouse: str,
    lock_timeout: float,
    full_refresh: bool,
    to_read_file: str,
) -> tuple[Plan, str | None]:
    """Scan the sources and compare them with what the warehouse holds: which files to
    read (written to `to_read_file`), which are gone, and the warehouse's last committed run."""
    scans = [find_files(Path(source), tuple(extensions), max_file_size) for source in sources]
    found = pa.concat_tables(scans or [FOUND_SCHEMA.empty_table()])
    checkpoint("scan")
    with wh.known_state(Path(warehouse), lock_timeout) as (known, last_run_id):
        plan = plan_files(found, known, full_refresh, Path(to_read_file))
    # The scan's Arrow memory, free now, would stay in pyarrow's pool through the parse and
    # the load (tens of MB per 100,000 files); it goes back to the system before DuckDB's turn.
    del scans, found
    pa.default_memory_pool().release_unused()
    return plan, last_run_id


@task(cache_policy=NO_CACHE)
def parse_files(plan: Plan, staging_dir: str, batch_size: int, max_file_size: int) -> list[dict]:
    """Parse the plan's files in batches on every core; return the files found only touched.

    Batches go to a pool of worker processes (parsing is CPU-bound Python, so threads would
    share one core), two per worker at a time: enough to keep them busy, and memory stays
    bounded however many files there are."""
    total = plan.to_read_count
    batches = plan.batches(batch_size)
    workers = min(os.cpu_count() or 1, -(-total // batch_size))
    touched = []
    if workers <= 1:  # one core or one batch: a worker process would cost more than it saves
        with file_progress(total) as advance:
            for number, batch in enumerate(batches):
                touched.extend(parse_worker.parse_batch(batch, staging_dir, number, max_file_size))
                advance(len(batch))
        return touched
    in_flight, numbers = {}, itertools.count()
    with parse_pool(workers) as pool, file_progress(total) as advance:

        def submit_next() -> None:
            batch = next(batches, None)
            if batch is not None:
                future = pool.submit(parse_worker.parse_batch, batch, staging_dir, next(numbers), max_file_size)
                in_flight[future] = len(batch)

        with _bare_main_module():  # the pool starts its workers on the first submits
            for _ in range(2 * workers):
                submit_next()
        while in_flight:
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                touched.extend(future.result())
                advance(in_flight.pop(future))
                submit_next()
    return touched


def parse_pool(workers: int) -> ProcessPoolExecutor:
    """Worker processes for parse_worker.parse_batch: spawned, since forking would copy the
    flow's threads, and started by parse_worker.start_worker."""
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=multiprocessing.get_context("spawn"), initializer=parse_worker.start_worker
    )


@contextmanager
def _bare_main_module():
    """Spawned workers import the parent's main module before any work: the CLI script,
    pytest or Prefect's engine, each of which imports Prefect (about 2 s and 150 MB per
    worker, for nothing: parse_batch needs only the transforms). Under a bare __main__,
    multiprocessing has no main module to hand them."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is None:
            del sys.modules["__main__"]
        else:
            sys.modules["__main__"] = main


@task(cache_policy=NO_CACHE, retry_condition_fn=retry_on_transient_io_errors, **IO_RETRIES)
def load_warehouse(warehouse: str, load: RunLoad, lock_timeout: float) -> dict:
    """Apply the run to DuckDB in one transaction; return the run's etl_runs row."""
    connection = wh.connect(Path(warehouse), lock_timeout=lock_timeout)
    try:
        return load_run(connection, load)
    finally:
        connection.close()


@task(cache_policy=NO_CACHE, retry_condition_fn=retry_on_transient_io_errors, **IO_RETRIES)
def publish_parquet(warehouse: str, snapshot: str) -> None:
    """Complete the run's Parquet snapshot with links to unchanged tables and publish it."""
    snapshots.link_unchanged_tables(Path(warehouse), Path(snapshot), wh.PUBLISHED_TABLES)
    snapshots.publish(Path(warehouse), Path(snapshot))


@flow(name="matterhouse-run", log_prints=False)
def matterhouse_run(
    sources: list[str],
    warehouse: str,
    extensions: list[str] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    max_file_size: int = DEFAULT_MAX_FILE_SIZE,
    checks_dir: str | None = None,
    full_refresh: bool = False,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> dict:
    """Load the front-matter files under `sources` into the warehouse folder `warehouse`,
    reading only files that are new or changed since the last run (all with `full_refresh`).

    `checks_dir` adds the user's own data checks (SQL files returning offending rows) to
    the built-in ones under sql/checks/; `lock_timeout` is how long to wait for another
    process to release the DuckDB file."""
    logger = get_run_logger()
    run_id = str(flow_run.get_id() or uuid.uuid4())
    started_at = datetime.now(timezone.utc)
    home = Path(warehouse)
    with RunLock(home):
        _remove_leftovers(home)
        work_dir = home / f"{WORK_DIR_PREFIX}{run_id}"
        snapshot = snapshots.snapshot_dir(home, run_id)
        published = False
        try:
            clock = time.perf_counter()
            extensions = extensions or list(DEFAULT_EXTENSIONS)
            work_dir.mkdir()
            plan, last_run_id = plan_run(
                sources, extensions, max_file_size, warehouse, lock_timeout, full_refresh, str(work_dir / "to-read.parquet")
            )
            scan_seconds = time.perf_counter() - clock
            logger.info(
                "%d files in %d sources: %d to read, %d unchanged, %d deleted",
                plan.seen,
                len(sources),
                plan.to_read_count,
                plan.unchanged,
                len(plan.deleted_ids),
            )

            clock = time.perf_counter()
            # quote(): Prefect would otherwise walk every item of a task's arguments looking
            # for futures; a plan can list many deleted files (the walk took 12 s per 100,000).
            touched = parse_files(quote(plan), str(work_dir / "staging"), batch_size, max_file_size)
            parse_seconds = time.perf_counter() - clock
            logger.info("read %d files in %.1f s (%d only touched)", plan.to_read_count, parse_seconds, len(touched))
            checkpoint("parse")

            current = snapshots.current_snapshot(home)
            load = RunLoad(
                run={
                    "run_id": run_id,
                    "started_at": started_at,
                    "sources": [str(source) for source in sources],
                    "files_seen": plan.seen,
                    "files_read": plan.to_read_count,
                    "scan_seconds": scan_seconds,
                    "parse_seconds": parse_seconds,
                },
                staging_dir=work_dir / "staging",
                snapshot=snapshot,
                deleted_ids=plan.deleted_ids,
                touched=touched,
                full_refresh=full_refresh,
                # A run that died after its commit left the Parquet behind: catch up fully.
                export_all=current is None or current.name != last_run_id,
                extra_checks=Path(checks_dir) if checks_dir else None,
            )
            try:
                record = load_warehouse(warehouse, quote(load), lock_timeout)
            except ChecksFailed:
                publish_parquet(warehouse, str(snapshot))  # the failed run's record, old data
                published = True
                raise
            checkpoint("publish")
            publish_parquet(warehouse, str(snapshot))
            published = True
            _report(logger, record)
            return record
        finally:
            shutil.rmtree(work_dir, ignore_errors=True)
            if not published:
                shutil.rmtree(snapshot, ignore_errors=True)


def run_in_process(**parameters) -> dict:
    """Run matterhouse_run in this process, as `matterhouse run` does. On Prefect's
    temporary server (no PREFECT_API_URL) the run sends no heartbeats: that server ends
    with the process, so nothing could ever read them, and stopping their thread makes
    each run wait for the thread's next one-second tick."""
    temporary_server = get_current_settings().api.url is None
    with temporary_settings(updates={"flows.heartbeat_frequency": None}) if temporary_server else nullcontext():
        return matterhouse_run(**parameters)


def _report(logger, record: dict) -> None:
    """A few log lines and a markdown artifact with the run's counts, for Prefect's UI."""
    logger.info(
        "loaded %d articles, %d providers, %d images, %d relations, %d topics; checks %d passed",
        record["articles"],
        record["providers"],
        record["images"],
        record["article_relations"],
        record["article_topics"],
        record["checks_passed"],
    )
    if record["files_rejected"] or record["data_warnings"]:
        logger.warning(
            "%d files rejected and %d data warnings: see the rejected_files view and the data_warnings table",
            record["files_rejected"],
            record["data_warnings"],
        )
    rows = [
        ("files seen / read", f"{record['files_seen']:,} / {record['files_read']:,}"),
        ("files new / changed / deleted", f"{record['files_new']:,} / {record['files_changed']:,} / {record['files_deleted']:,}"),
        (
            "files loaded / superseded / rejected",
            f"{record['files_loaded']:,} / {record['files_superseded']:,} / {record['files_rejected']:,}",
        ),
        ("data warnings", f"{record['data_warnings']:,}"),
        *(
            (table, f"{record[table]:,} rows")
            for table in ("articles", "providers", "images", "article_relations", "article_topics")
        ),
        *(
            (f"{row['table_name']} changes", f"+{row['rows_inserted']:,} ~{row['rows_updated']:,} -{row['rows_deleted']:,}")
            for row in record["table_changes"]
        ),
        ("checks passed / failed", f"{record['checks_passed']} / {record['checks_failed']}"),
        (
            "seconds: scan / parse / load / export",
            " / ".join(f"{record[f'{stage}_seconds']:.1f}" for stage in ("scan", "parse", "load", "export")),
        ),
    ]
    table = "\n".join(f"| {name} | {value} |" for name, value in rows)
    create_markdown_artifact(
        markdown=f"## matterhouse run {record['status']}\n\n| measure | value |\n|---|---|\n{table}\n",
        key=ARTIFACT_KEY,
        description="Files, rows, checks and timings of a matterhouse run",
    )


def _remove_leftovers(home: Path) -> None:
    """Work folders of runs that died (the run lock proves none is still going)."""
    for leftover in home.glob(f"{WORK_DIR_PREFIX}*"):
        shutil.rmtree(leftover, ignore_errors=True)
