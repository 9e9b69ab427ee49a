"""The library's front door: `run` a load and `connect` to read the warehouse. The
README's "Using it from Python" shows both, and a test runs that example."""

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from matterhouse.plumbing import settings
from matterhouse.read.status import open_read_only
from matterhouse.summary import SUMMARY_TABLES, summary_text


@dataclass(frozen=True)
class RunResult:
    """What a run did. `record` is its row of the etl_runs table (files seen, read, new,
    changed, deleted, loaded, rejected; rows per table; checks; seconds per stage), with
    `table_changes`: the rows each table gained (+), changed (~) and lost (-)."""

    record: dict
    warehouse: Path
    seconds: float
    published_to: str | None = None  # the --publish location, if any

    @property
    def run_id(self) -> str:
        return self.record["run_id"]

    @property
    def status(self) -> str:
        return self.record["status"]

    @property
    def rows(self) -> dict[str, int]:
        """Rows in each published data table after the run."""
        return {table: self.record[table] for table in SUMMARY_TABLES}

    def __str__(self) -> str:
        """The end-of-run summary people read."""
        return summary_text(self.record, self.warehouse, self.seconds, self.published_to)


def run(
    sources: Sequence[str | Path] | None = None,
    warehouse: str | Path | None = None,
    *,
    extensions: str | Sequence[str] | None = None,
    max_file_size: str | int | None = None,
    checks_dir: str | Path | None = None,
    full_refresh: bool = False,
    batch_size: int | None = None,
    lock_timeout: float | None = None,
    storage_options: dict | None = None,
    dask_address: str | None = None,
    staging: str | None = None,
    publish: str | Path | None = None,
    keep_runs: int | None = None,
    prefect: bool = False,
) -> RunResult:
    """Load the front-matter files under `sources` (folders or URLs such as s3://bucket/news;
    default: the bundled sample) into the warehouse folder `warehouse` (default:
    ./warehouse), reading only what changed since the last run, or everything with
    `full_refresh`. Arguments left as None come from the MATTERHOUSE_* environment
    variables, then the defaults, as for the CLI.

    `storage_options` go to the object store's file system (e.g. endpoint_url);
    `dask_address` parses on that Dask cluster, its workers writing to `staging` (a URL
    they all reach); `publish` also publishes each run's tables to a folder or URL, where
    `read_table` reads them, keeping `keep_runs` runs.

    With `prefect=True` the run is a Prefect flow run (on the configured Prefect API, or a
    temporary local server); otherwise it runs right here, with no Prefect at all. Both
    give the same tables. Raises a MatterhouseError subclass for anything a person must
    fix (a missing folder, a locked warehouse, a failed data check)."""
    options = settings.resolve(
        sources,
        warehouse,
        extensions,
        max_file_size,
        checks_dir,
        batch_size=batch_size,
        full_refresh=full_refresh,
        lock_timeout=lock_timeout,
        storage_options=storage_options,
        dask_address=dask_address,
        staging=staging,
        publish=publish,
        keep_runs=keep_runs,
    )
    clock = time.perf_counter()
    if prefect:
        from matterhouse.flows.pipeline import run_flow

        record = run_flow(options)
    else:
        from matterhouse.steps.run import Steps, execute_run

        record = execute_run(options, str(uuid.uuid4()), Steps())
    return RunResult(record, options.warehouse, time.perf_counter() - clock, options.publish)


def connect(warehouse: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only DuckDB connection to the warehouse (default: MATTERHOUSE_WAREHOUSE, then
    ./warehouse), for notebooks. DuckDB lets one process hold the file, so close it (or use
    `with`) before the next run."""
    return open_read_only(settings.resolve_warehouse(warehouse))
