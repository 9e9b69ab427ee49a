"""The parse step on a Dask cluster (`--dask-address`): groups of batches as Dask tasks.

Each task carries several batches (seconds of work), since a scheduler round trip costs
milliseconds with plain Dask and about 0.3 s through Prefect. Workers read the files
themselves (from object storage, or a folder they share) and write their staged Parquet
where the loader reads it (`--staging`). A task lost with its worker is run again on
another by Dask; it rewrites the same files.
"""

import contextlib
import socket
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import pyarrow as pa

from .plan import Plan
from .progress import file_progress
from .settings import RunOptions
from .storage import StorageError, is_url

# Batches per task: 10 batches of 1,000 files are 2-3 s of parsing on one core.
BATCHES_PER_TASK = 10
CONNECT_TIMEOUT = "10s"


class ClusterError(StorageError):
    """The Dask cluster cannot be reached, or lost the run's tasks."""


def task_groups(plan: Plan, batch_size: int) -> Iterator[tuple[pa.Table, int]]:
    """The files to read in groups of BATCHES_PER_TASK batches, each with the number of
    its first batch (so batch numbers run on without gaps across tasks)."""
    for index, rows in enumerate(plan.groups(batch_size * BATCHES_PER_TASK)):
        yield rows, index * BATCHES_PER_TASK


def connect(address: str):
    """A distributed.Client on the cluster at `address`, or a one-line error saying what to check."""
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError("--dask-address needs Dask's distributed: pip install 'matterhouse[dask]'") from None
    try:
        return Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as error:
        raise ClusterError(
            f"no Dask scheduler answers at {address} ({error}); start one (`dask scheduler`) or correct --dask-address"
        ) from None


def worker_hosts(client) -> set[str]:
    """The hosts the cluster's workers run on."""
    return {urlsplit(address).hostname for address in client.scheduler_info()["workers"]}


def check_reach(hosts: set[str], staging: str, options: RunOptions) -> None:
    """Refuse, before any work, a run whose workers on other machines could not read a
    source folder or write where the loader reads: they would reject every file as
    unreadable, or stage batches the load never sees."""
    elsewhere = sorted(hosts - this_machine())
    if not elsewhere:
        return
    folders = [str(source) for source in options.sources if not is_url(source)]
    if folders:
        raise ClusterError(
            f"Dask workers on {', '.join(elsewhere)} cannot read the folder {folders[0]} of this machine: "
            "give sources they all reach (e.g. s3://bucket/news), or a cluster on this machine"
        )
    if not is_url(staging):
        raise ClusterError(
            f"Dask workers on {', '.join(elsewhere)} cannot write to this machine's warehouse folder: "
            "give --staging a location every worker reaches, e.g. s3://bucket/matterhouse-staging"
        )


def this_machine() -> set[str]:
    names = {"localhost", "127.0.0.1", "::1", socket.gethostname(), socket.getfqdn()}
    with contextlib.suppress(OSError):
        names |= {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None)}
    return names


def parse_on_dask(plan: Plan, staging: str, options: RunOptions) -> list[dict]:
    """Parse the plan's files on the Dask cluster at options.dask_address; return the
    files found only touched. On any error or interrupt the run's tasks are cancelled."""
    from . import parse_worker

    client = connect(options.dask_address)
    run_key = uuid.uuid4().hex
    futures = {}
    try:
        check_reach(worker_hosts(client), staging, options)
        for rows, first_batch in task_groups(plan, options.batch_size):
            future = client.submit(
                parse_worker.parse_group,
                rows,
                staging,
                first_batch,
                options.batch_size,
                options.max_file_size,
                options.storage_options,
                pure=False,
                key=f"matterhouse-parse-{run_key}-{first_batch:06d}",
            )
            futures[future] = rows.num_rows
        touched = []
        from distributed import as_completed

        with file_progress(plan.to_read_count) as advance:
            for future in as_completed(futures, loop=client.loop):
                touched += future.result()
                advance(futures[future])
        return touched
    except BaseException:
        client.cancel(list(futures), force=True)
        raise
    finally:
        client.close()
