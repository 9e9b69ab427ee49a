"""The library's front door: `run` a load and `connect` to read the warehouse. The
README's "Using it from Python" shows both, and a test runs that example."""

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from matterhouse.plumbing import settings, words
from matterhouse.read.status import open_read_only

VIEWS_FILE = "views.duckdb"  # matterhouse.store.views_file writes it; named here to keep imports light
SUMMARY_TABLES = ("articles", "providers", "images", "article_relations", "article_topics")
STAGES = ("scan", "parse", "load", "export")


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
        record = self.record
        tables = ", ".join(f"{table} {count:,}" for table, count in self.rows.items())
        stages = ", ".join(f"{stage} {words.seconds(record[f'{stage}_seconds'])}" for stage in STAGES)
        lines = [
            f"matterhouse: run {record['status']} in {words.seconds(self.seconds)} ({stages})",
            f"  files      {record['files_seen']:,} seen: {record['files_new']:,} new, {record['files_changed']:,} changed, "
            f"{record['files_unchanged']:,} unchanged, {record['files_deleted']:,} deleted",
            f"  articles   from {words.count(record['files_loaded'], 'file')} loaded, {record['files_superseded']:,} "
            f"superseded, {record['files_rejected']:,} rejected; {words.count(record['data_warnings'], 'data warning')}",
            *self._nothing_loaded(),
            f"  tables     {tables}",
            f"  changes    {format_changes(record['table_changes'])}",
            f"  checks     {record['checks_passed']} passed, {record['checks_failed']} failed",
            f"  warehouse  {self.warehouse / 'matterhouse.duckdb'} and {self.warehouse / 'parquet'}/; "
            f"readers open {self.warehouse / VIEWS_FILE}",
        ]
        if self.published_to:
            lines.append(f"  published  {self.published_to} (read it with matterhouse.read_table)")
        if record["files_rejected"] or record["data_warnings"]:
            lines.append("  details    select path, reason from rejected_files; select * from data_warnings")
        return "\n".join(lines)

    def _nothing_loaded(self) -> list[str]:
        """A plain line when the run left no file loaded, with the commonest reason."""
        record = self.record
        if record["files_loaded"]:
            return []
        if not record["files_seen"]:
            return ["  nothing    loaded: no file in the sources has one of the extensions read (see --extensions)"]
        commonest = record["commonest_rejection"]
        return [
            f"  nothing    loaded: every file was rejected, most often ({words.count(commonest['files'], 'file')}) "
            f"because {commonest['reason']}"
        ]


def format_changes(table_changes: list[dict]) -> str:
    """Rows inserted (+), updated (~) and deleted (-) per table, for tables that changed."""
    parts = [
        f"{row['table_name']} +{row['rows_inserted']:,} ~{row['rows_updated']:,} -{row['rows_deleted']:,}"
        for row in table_changes
        if row["rows_inserted"] or row["rows_updated"] or row["rows_deleted"]
    ]
    return ", ".join(parts) or "none: nothing changed"


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
