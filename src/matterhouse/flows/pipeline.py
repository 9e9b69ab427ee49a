"""The matterhouse run as a Prefect flow: the unit of scheduled, served and deployed runs.

A thin adapter: the flow hands the library's `execute_run` a `Steps` whose steps are
Prefect tasks calling the same library functions, so the flow and a direct run give the
same tables. The tasks that touch the outside world retry on transient I/O errors.
"""

import functools
import inspect
from contextlib import contextmanager
import re
import subprocess
import uuid
from pathlib import Path

import duckdb
from matterhouse.transforms.errors import MatterhouseError
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.runtime import flow_run
from prefect.settings import get_current_settings, temporary_settings
from prefect.utilities.annotations import quote

from matterhouse.plumbing import interrupts
from matterhouse.plumbing import settings
from matterhouse.steps.cluster import CONNECT_TIMEOUT, DaskSubmitter
from matterhouse.steps.load import RunLoad
from matterhouse.steps.parse_worker import parse_group
from matterhouse.steps.plan import Plan
from matterhouse.plumbing.settings import RunOptions
from matterhouse.plumbing.storage import Location
from matterhouse.summary import publication, summary_text
from matterhouse.steps.publish import publish_step
from matterhouse.steps.export import export_step
from matterhouse.steps.parse import parse_files
from matterhouse.steps.run import Steps, execute_run, load_step, scan_step

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


scan_task = task(scan_step, name="scan", retry_condition_fn=retry_on_transient_io_errors, **IO_RETRIES)
parse_task = task(parse_files, name="parse", cache_policy=NO_CACHE)
# On a Dask cluster: one task per group of batches, each seconds of work (Prefect adds
# about 0.3 s per task). Dask reruns a task whose worker died; it rewrites the same files.
parse_group_task = task(parse_group, name="parse-group", cache_policy=NO_CACHE)
load_task = task(load_step, name="load", retry_condition_fn=retry_on_transient_io_errors, **IO_RETRIES)
export_task = task(export_step, name="export", retry_condition_fn=retry_on_transient_io_errors, **IO_RETRIES)
# No retries of its own: s3fs retries transient errors, and a final one leaves the next run to publish.
publish_task = task(publish_step, name="publish", cache_policy=NO_CACHE)


class PrefectSteps(Steps):
    """Each step a Prefect task run, logged to the flow run's log.

    quote(): Prefect would otherwise walk every item of a task's arguments looking for
    futures; a plan can list many deleted files (the walk took 12 s per 100,000)."""

    def scan(self, options: RunOptions, to_read_file: Path) -> tuple[Plan, str | None, bool]:
        return scan_task(options, to_read_file)

    def parse_here(self, plan: Plan, staging: Location, options: RunOptions) -> list[dict]:
        return parse_task(quote(plan), staging, options)

    def dask_submitter(self, options: RunOptions) -> DaskSubmitter:
        return PrefectDaskSubmitter(options)

    def load(self, options: RunOptions, load: RunLoad) -> dict:
        return load_task(options, quote(load))

    def export(self, options: RunOptions, snapshot: Path) -> None:
        export_task(options, snapshot)

    def publish(self, options: RunOptions, snapshot: Path) -> None:
        publish_task(options, snapshot)

    def log(self, message: str) -> None:
        get_run_logger().info(message)


class PrefectDaskSubmitter(DaskSubmitter):
    """The parse step's groups as parse-group task runs on the Dask cluster, through
    prefect-dask's DaskTaskRunner (the flow's other steps stay on this machine)."""

    @contextmanager
    def session(self):
        from prefect_dask import DaskTaskRunner

        with DaskTaskRunner(address=self.options.dask_address, client_kwargs={"timeout": CONNECT_TIMEOUT}) as runner:
            self.runner = runner
            yield runner.client

    def submit(self, client, rows, staging: Location, first_batch: int):
        parameters = {"rows": rows, "staging": staging, "first_batch_number": first_batch, "options": self.options}
        return self.runner.submit(parse_group_task, parameters=parameters)

    def completed(self, client, futures):
        for future in as_completed(list(futures)):
            yield future, future.result()

    def cancel(self, client, futures) -> None:
        for future in futures:
            future.wrapped_future.cancel()


def _matterhouse_run(**parameters) -> dict:
    """Load the front-matter files under `sources` into the warehouse folder `warehouse`,
    reading only files that are new or changed since the last run (all with `full_refresh`).
    The parameters are the run options (matterhouse.plumbing.settings.RunOptions), as the
    CLI's flags of the same names: `checks_dir` adds the user's own data checks, sources
    may be folders or URLs read with `storage_options`, `dask_address` parses on that Dask
    cluster, its workers writing to `staging`, `publish` publishes each run's tables."""
    # A deployment's parameters are the whole configuration, so the environment does not count.
    options = settings.resolve(**parameters, environ={})
    record = execute_run(options, str(flow_run.get_id() or uuid.uuid4()), PrefectSteps())
    _report(record, options)
    return record


def _flow_signature() -> inspect.Signature:
    """The flow's typed parameters, one per run option, typed as as_parameters gives them:
    what Prefect shows in its UI and validates a deployment's parameters against."""
    defaults = settings.as_parameters(settings.RunOptions())
    parameters = []
    for name, default in defaults.items():
        if name in ("sources", "warehouse"):  # a deployment names its own
            annotation = list[str] if name == "sources" else str
            parameters.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation))
            continue
        annotation = str | None if default is None else list[str] if isinstance(default, list) else type(default)
        parameters.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default))
    return inspect.Signature(parameters, return_annotation=dict)


_matterhouse_run.__signature__ = _flow_signature()
matterhouse_run = flow(_matterhouse_run, name="matterhouse-run", log_prints=False)


def flow_parameters(options: RunOptions) -> dict:
    """The flow's parameters for resolved run options (what `serve` registers). Prefect
    stores them in plain text and shows them in its UI, so secrets are refused."""
    secrets = sorted(key for key in options.storage_options if SECRET_OPTION.search(key))
    if secrets:
        raise settings.ConfigurationError(
            f"storage option {secrets[0]} would be stored in plain text with the Prefect flow run's parameters: "
            "give credentials through the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_PROFILE) instead"
        )
    return settings.as_parameters(options)


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


def _report(record: dict, options: RunOptions) -> None:
    """The run's summary, as the CLI prints it, in the flow run's log and as a markdown
    artifact for Prefect's UI."""
    seconds = (record["finished_at"] - record["started_at"]).total_seconds()
    text = summary_text(record, options.warehouse, seconds, **publication(options))
    get_run_logger().info(text)
    create_markdown_artifact(
        markdown=f"## matterhouse run {record['status']}\n\n```\n{text}\n```\n",
        key=ARTIFACT_KEY,
        description="Files, rows, checks and timings of a matterhouse run",
    )
