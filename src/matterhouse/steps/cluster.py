"""The parse step on a Dask cluster (`--dask-address`): groups of batches as Dask tasks.

Each task carries several batches (seconds of work), since a scheduler round trip costs
milliseconds with plain Dask and about 0.3 s through Prefect. Workers read the files
themselves (from object storage, or a folder they share) and write their staged Parquet
where the loader reads it (`--staging`). A task lost with its worker is run again on
another by Dask; it rewrites the same files.

Before any work, every worker is asked to prove it reaches what the run needs: each
source folder, and the staging folder, where it leaves a marker this machine must then
see. A worker on another machine would otherwise reject every file of a folder as
unreadable, or stage batches the load never sees.
"""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa

from matterhouse.plumbing.settings import RunOptions
from matterhouse.plumbing.storage import Location, StorageError
from matterhouse.steps.plan import Plan

# Batches per task: 10 batches of 1,000 files are 2-3 s of parsing on one core.
BATCHES_PER_TASK = 10
CONNECT_TIMEOUT = "10s"
MARKER_PREFIX = ".reach-"


class ClusterError(StorageError):
    """The Dask cluster cannot be reached, cannot reach what the run needs, or lost its tasks."""


def task_groups(plan: Plan, batch_size: int, threads: int) -> Iterator[tuple[pa.Table, int]]:
    """The files to read in groups of batches, each with the number of its first batch (so
    batch numbers run on without gaps across tasks): BATCHES_PER_TASK batches a task, or
    fewer when that would leave some of the cluster's `threads` without a task."""
    per_task = max(1, min(BATCHES_PER_TASK, plan.batch_count(batch_size) // max(threads, 1)))
    for index, rows in enumerate(plan.groups(batch_size * per_task)):
        yield rows, index * per_task


@contextmanager
def cluster_errors(address: str):
    """The cluster's failures as one-line errors, for the direct run and the flow alike."""
    try:
        yield
    except ImportError as error:
        raise ClusterError(f"--dask-address needs {error.name or 'Dask'}: pip install 'matterhouse[dask]'") from None
    except (OSError, TimeoutError) as error:
        raise ClusterError(
            f"no Dask scheduler answers at {address} ({error}); start one (`dask scheduler`) or correct --dask-address"
        ) from None
    except Exception as error:
        if type(error).__name__ != "KilledWorker":
            raise
        raise ClusterError(
            "the Dask workers running one parse task kept dying (KilledWorker); nothing changed: "
            "check the workers' memory and logs, then run again"
        ) from None


def connect(address: str):
    """A distributed.Client on the cluster at `address`."""
    from distributed import Client

    return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)


def probe_reach(folders: list[str], staging_dir: str | None, dask_worker=None) -> str | None:
    """Run on every worker (Client.run): what this worker cannot reach, or None. It
    leaves a marker named for itself in a staging folder, for check_reach to look for."""
    for folder in folders:
        if not os.path.isdir(folder):
            return f"cannot read the folder {folder}"
    if staging_dir is not None:
        try:
            os.makedirs(staging_dir, exist_ok=True)
            Path(staging_dir, marker_name(dask_worker.address)).touch()
        except OSError as error:
            return f"cannot write to {staging_dir} ({error.strerror})"
    return None


def marker_name(worker_address: str) -> str:
    return MARKER_PREFIX + uuid.uuid5(uuid.NAMESPACE_URL, worker_address).hex


def check_reach(client, staging: Location, options: RunOptions) -> None:
    """Refuse the run, before any work, if a worker cannot read a source folder or write
    where this machine reads the staged files (URLs are the same wherever they are read)."""
    folders = [source.text for source in options.sources if not source.is_url]
    staging_dir = None if staging.is_url else staging.text
    if not folders and staging_dir is None:
        return
    answers = client.run(probe_reach, folders, staging_dir)
    try:
        for worker, problem in sorted(answers.items()):
            if problem is None and staging_dir is not None and not Path(staging_dir, marker_name(worker)).exists():
                problem = f"writes to a folder {staging_dir} of its own machine"
            if problem is not None:
                raise ClusterError(
                    f"the Dask worker {worker} {problem}: give sources and --staging that every worker reaches "
                    "(e.g. s3://bucket/news and s3://bucket/matterhouse-staging), or a cluster on this machine"
                )
    finally:
        if staging_dir is not None:
            for marker in Path(staging_dir).glob(f"{MARKER_PREFIX}*"):
                marker.unlink(missing_ok=True)


class DaskSubmitter:
    """How parse_on_dask hands a group of batches to the cluster: here as a plain Dask
    task; the Prefect flow passes one that submits a Prefect task run through
    prefect-dask instead (matterhouse.flows.pipeline)."""

    def __init__(self, options: RunOptions):
        self.options = options
        self.run_key = uuid.uuid4().hex

    @contextmanager
    def session(self):
        """The distributed.Client to submit through, open for the parse."""
        client = connect(self.options.dask_address)
        try:
            yield client
        finally:
            client.close()

    def submit(self, client, rows: pa.Table, staging: Location, first_batch: int):
        from matterhouse.steps import parse_worker

        return client.submit(
            parse_worker.parse_group,
            rows,
            staging,
            first_batch,
            self.options,
            pure=False,
            key=f"matterhouse-parse-{self.run_key}-{first_batch:06d}",
        )

    def completed(self, client, futures) -> Iterator:
        """The futures as they finish, with their results."""
        from distributed import as_completed

        for future in as_completed(futures, loop=client.loop):
            yield future, future.result()

    def cancel(self, client, futures) -> None:
        client.cancel(list(futures), force=True)


def parse_on_dask(plan: Plan, staging: Location, options: RunOptions, submitter: DaskSubmitter | None = None) -> list[dict]:
    """Parse the plan's files on the Dask cluster at options.dask_address; return the
    files found only touched. On an error or interrupt the tasks not yet started are
    cancelled (running ones finish their batches; the next run removes what they wrote)."""
    from matterhouse.plumbing.progress_bar import file_progress

    submitter = submitter or DaskSubmitter(options)
    with cluster_errors(options.dask_address), submitter.session() as client:
        futures = {}
        try:
            check_reach(client, staging, options)
            for rows, first_batch in task_groups(plan, options.batch_size, sum(client.nthreads().values())):
                futures[submitter.submit(client, rows, staging, first_batch)] = rows.num_rows
            touched = []
            with file_progress(plan.to_read_count) as advance:
                for future, result in submitter.completed(client, futures):
                    touched += result
                    advance(futures[future])
            return touched
        except BaseException:
            submitter.cancel(client, futures)
            raise
