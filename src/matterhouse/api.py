"""The library's front door: `run` a load and `connect` to read the warehouse. The
README's "Using it from Python" shows both, and a test runs that example."""

import inspect
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from matterhouse.plumbing import settings
from matterhouse.read.status import open_read_only
from matterhouse.summary import SUMMARY_TABLES, publication, summary_text


@dataclass(frozen=True)
class RunResult:
    """What a run did. `record` is its row of the etl_runs table (files seen, read, new,
    changed, deleted, loaded, rejected; rows per table; checks; seconds per stage), with
    `table_changes`: the rows each table gained (+), changed (~) and lost (-)."""

    record: dict
    warehouse: Path
    seconds: float
    published_to: str | None = None  # the --publish location, if any
    published_as: str | None = None  # what else it holds: "Iceberg tables matterhouse.*"

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
        return summary_text(self.record, self.warehouse, self.seconds, self.published_to, self.published_as)


def run(sources=None, warehouse=None, *, prefect: bool = False, **options) -> RunResult:
    """Load the front-matter files under `sources` (folders or URLs such as s3://bucket/news;
    default: the bundled sample) into the warehouse folder `warehouse` (default:
    ./warehouse), reading only what changed since the last run, or everything with
    `full_refresh=True`. The other keyword arguments are the run options, named as the
    fields of matterhouse.plumbing.settings.RunOptions (extensions, max_file_size,
    checks_dir, full_refresh, lock_timeout, batch_size, storage_options, dask_address,
    staging, publish, table_format, iceberg_catalog, iceberg_namespace, allow_empty_source,
    max_delete, keep_runs, memory_limit; `help(matterhouse.run)` lists them);
    those left out come from the MATTERHOUSE_* environment variables, then the defaults,
    as for the CLI.

    With `prefect=True` the run is a Prefect flow run (on the configured Prefect API, or a
    temporary local server); otherwise it runs right here, with no Prefect at all. Both
    give the same tables. Raises a MatterhouseError subclass for anything a person must
    fix (a missing folder, a locked warehouse, a failed data check)."""
    return run_resolved(settings.resolve(sources, warehouse, **options), prefect=prefect)


run.__signature__ = inspect.Signature(
    [
        *(inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None) for name in ("sources", "warehouse")),
        inspect.Parameter("prefect", inspect.Parameter.KEYWORD_ONLY, default=False),
        *(
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None)
            for name in settings.OPTIONS
            if name not in ("sources", "warehouse")
        ),
    ],
    return_annotation=RunResult,
)


def run_resolved(options: settings.RunOptions, prefect: bool = False) -> RunResult:
    """Run with options already resolved (the CLI resolves its flags once, then calls this)."""
    clock = time.perf_counter()
    if prefect:
        from matterhouse.flows.pipeline import run_flow

        record = run_flow(options)
    else:
        from matterhouse.steps.run import Steps, execute_run

        record = execute_run(options, str(uuid.uuid4()), Steps())
    return RunResult(record, options.warehouse, time.perf_counter() - clock, **publication(options))


def connect(warehouse: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only DuckDB connection to the warehouse (default: MATTERHOUSE_WAREHOUSE, then
    ./warehouse), for notebooks. DuckDB lets one process hold the file, so close it (or use
    `with`) before the next run."""
    return open_read_only(settings.resolve_warehouse(warehouse))
