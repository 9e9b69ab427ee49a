"""The matterhouse run as a Prefect flow: the unit of scheduled, served and deployed runs.

A thin adapter: the flow hands the library's `execute_run` a `Steps` whose steps are
Prefect tasks calling the same library functions, so the flow and a direct run give the
same tables. The tasks that touch the outside world retry on transient I/O errors.
"""

import functools
import re
import subprocess
import uuid
from pathlib import Path

import duckdb
from matterhouse.transforms.errors import MatterhouseError
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.settings import get_current_settings, temporary_settings
from prefect.utilities.annotations import quote

from matterhouse.plumbing import interrupts
from matterhouse.plumbing import settings
from matterhouse.api import SUMMARY_TABLES
from matterhouse.steps.cluster import CONNECT_TIMEOUT, check_reach, cluster_errors, task_groups
from matterhouse.steps.load import RunLoad
from matterhouse.steps.parse_worker import parse_group
from matterhouse.steps.plan import Plan
from matterhouse.plumbing.settings import RunOptions
from matterhouse.steps.run import Steps, execute_run, load_warehouse, parse_files, plan_run, publish_elsewhere, publish_parquet

ARTIFACT_KEY = "matterhouse-run"
SECRET_OPTION = re.compile(r"^(key|secret|token|password)$|secret|token|password|credential", re.IGNORECASE)
IO_RETRIES = {"retries": 2, "retry_delay_seconds": [2, 8], "cache_policy": NO_CACHE}


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


plan_task = task(plan_run, name="plan", retry_condition_fn=retry_on_transient_io_errors, **IO_RETRIES)
parse_task = task(parse_files, name="parse", cache_policy=NO_CACHE)
# On a Dask cluster: one task per group of batches, each seconds of work (Prefect adds
# about 0.3 s per task). Dask reruns a task whose worker died; it rewrites the same files.
parse_group_task = task(parse_group, name="parse-group", cache_policy=NO_CACHE)
load_task = task(load_warehouse, name="load", retry_condition_fn=retry_on_transient_io_errors, **IO_RETRIES)
publish_task = task(publish_parquet, name="publish", retry_condition_fn=retry_on_transient_io_errors, **IO_RETRIES)
# No retries of its own: s3fs retries transient errors, and a final one leaves the next run to publish.
publish_elsewhere_task = task(publish_elsewhere, name="publish-elsewhere", cache_policy=NO_CACHE)


class PrefectSteps(Steps):
    """Each step a Prefect task run, logged to the flow run's log.

    quote(): Prefect would otherwise walk every item of a task's arguments looking for
    futures; a plan can list many deleted files (the walk took 12 s per 100,000)."""

    def plan(self, options: RunOptions, to_read_file: Path) -> tuple[Plan, str | None, bool]:
        return plan_task(options, to_read_file)

    def parse(self, plan: Plan, staging: str, options: RunOptions) -> list[dict]:
        if options.dask_address and plan.to_read_count:
            return parse_on_dask_with_prefect(plan, staging, options)
        return parse_task(quote(plan), staging, options.batch_size, options.max_file_size, options.storage_options)

    def load(self, options: RunOptions, load: RunLoad) -> dict:
        return load_task(options, quote(load))

    def publish(self, options: RunOptions, snapshot: Path) -> None:
        publish_task(options, snapshot)

    def publish_elsewhere(self, options: RunOptions, snapshot: Path) -> None:
        publish_elsewhere_task(options, snapshot)

    def log(self, message: str) -> None:
        get_run_logger().info(message)


def parse_on_dask_with_prefect(plan: Plan, staging: str, options: RunOptions) -> list[dict]:
    """The parse step as parse-group task runs on the Dask cluster at options.dask_address,
    through prefect-dask's DaskTaskRunner (the flow's other steps stay on this machine)."""
    with cluster_errors(options.dask_address):
        from prefect_dask import DaskTaskRunner

        with DaskTaskRunner(address=options.dask_address, client_kwargs={"timeout": CONNECT_TIMEOUT}) as runner:
            check_reach(runner.client, staging, options)
            futures = [
                runner.submit(
                    parse_group_task,
                    parameters={
                        "rows": rows,
                        "staging_dir": staging,
                        "first_batch_number": first_batch,
                        "batch_size": options.batch_size,
                        "max_file_size": options.max_file_size,
                        "storage_options": options.storage_options,
                    },
                )
                for rows, first_batch in task_groups(plan, options.batch_size, sum(runner.client.nthreads().values()))
            ]
            try:
                return [row for future in futures for row in future.result()]
            except BaseException:
                for future in futures:
                    future.wrapped_future.cancel()
                raise


@flow(name="matterhouse-run", log_prints=False)
def matterhouse_run(
    sources: list[str],
    warehouse: str,
    extensions: list[str] | None = None,
    batch_size: int = settings.DEFAULT_BATCH_SIZE,
    max_file_size: int = settings.DEFAULT_MAX_FILE_SIZE,
    checks_dir: str | None = None,
    full_refresh: bool = False,
    lock_timeout: float = settings.DEFAULT_LOCK_TIMEOUT,
    storage_options: dict | None = None,
    dask_address: str | None = None,
    staging: str | None = None,
    publish: str | None = None,
    keep_runs: int = settings.DEFAULT_KEEP_RUNS,
) -> dict:
    """Load the front-matter files under `sources` into the warehouse folder `warehouse`,
    reading only files that are new or changed since the last run (all with `full_refresh`).

    `checks_dir` adds the user's own data checks (SQL files returning offending rows) to
    the built-in ones; `lock_timeout` is how long to wait for another process to release
    the DuckDB file. Sources may be folders or URLs (s3://...), read with `storage_options`;
    `dask_address` parses on that Dask cluster, its workers writing to `staging`; `publish`
    publishes each run's tables to a folder or URL, keeping `keep_runs` runs there."""
    # The flow's parameters are settings.resolve's arguments, by name; a deployment's
    # parameters are the whole configuration, so the environment does not count.
    options = settings.resolve(**flow_run.parameters, environ={})
    record = execute_run(options, str(flow_run.get_id() or uuid.uuid4()), PrefectSteps())
    _report(record)
    return record


def flow_parameters(options: RunOptions) -> dict:
    """The flow's typed parameters for resolved run options (what `serve` registers).
    Prefect stores them in plain text and shows them in its UI, so secrets are refused."""
    secrets = sorted(key for key in options.storage_options if SECRET_OPTION.search(key))
    if secrets:
        raise settings.ConfigurationError(
            f"storage option {secrets[0]} would be stored in plain text with the Prefect flow run's parameters: "
            "give credentials through the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_PROFILE) instead"
        )
    return {
        "sources": [str(source) for source in options.sources],
        "warehouse": str(options.warehouse),
        "extensions": list(options.extensions),
        "batch_size": options.batch_size,
        "max_file_size": options.max_file_size,
        "checks_dir": str(options.checks_dir) if options.checks_dir else None,
        "full_refresh": options.full_refresh,
        "lock_timeout": options.lock_timeout,
        "storage_options": options.storage_options,
        "dask_address": options.dask_address,
        "staging": options.staging,
        "publish": options.publish,
        "keep_runs": options.keep_runs,
    }


def run_flow(options: RunOptions) -> dict:
    """Run matterhouse_run in this process. On Prefect's temporary server (no API
    configured) the run sends no heartbeats: that server ends with the process, so nothing
    could ever read them, and stopping their thread makes each run wait for the thread's
    next one-second tick."""
    if get_current_settings().api.url is not None:
        return matterhouse_run(**flow_parameters(options))
    server = _start_temporary_server()  # stopped at exit, after Prefect's logs are sent
    with (
        interrupts.before_forced_exit(server.stop),
        temporary_settings(updates={"flows.heartbeat_frequency": None}),
    ):
        return matterhouse_run(**flow_parameters(options))


def _start_temporary_server():
    """Prefect's temporary server, started before Prefect would start it, in a session of
    its own: Ctrl-C in a terminal reaches every process of the foreground group, and a
    server killed that way left the interrupted flow retrying it for minutes. Prefect
    reuses this instance (one per process) for the run."""
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    popen = subprocess.Popen
    subprocess.Popen = functools.partial(popen, start_new_session=True)
    try:
        server.start()
    finally:
        subprocess.Popen = popen
    return server


def _report(record: dict) -> None:
    """A few log lines and a markdown artifact with the run's counts, for Prefect's UI."""
    logger = get_run_logger()
    rows = ", ".join(f"{record[table]:,} {table}" for table in SUMMARY_TABLES)
    logger.info("loaded %s; checks %d passed", rows, record["checks_passed"])
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
        *((table, f"{record[table]:,} rows") for table in SUMMARY_TABLES),
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
