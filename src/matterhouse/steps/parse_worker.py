"""The parse step's work for one batch, run in worker processes.

It imports only the pure transforms and pyarrow (not Prefect, not DuckDB), so a worker
process starts quickly, stays small and shares no state with the flow.
"""

import gc
import os
import signal
from contextlib import contextmanager
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.parquet as pq

from matterhouse.plumbing.failpoints import checkpoint
from matterhouse.plumbing.nopandas import leave_pandas_out
from matterhouse.plumbing.settings import RunOptions, describe_size
from matterhouse.plumbing.storage import Location, StorageError, describe_error, transport_errors
from matterhouse.steps.scan import FoundFile
from matterhouse.transforms.articles import content_hash, parse_file, rejected_unread
from matterhouse.transforms.tables import to_parsed_tables

# Files parsed between two reports to the run's progress bar (a report takes a lock).
COUNT_EVERY = 50
_count_files = None  # where this process reports the files it parsed, if anywhere


def start_worker(parsed=None) -> None:
    """The worker pool's initializer. A worker never hands pyarrow pandas objects, counts
    the files it parses in the shared `parsed` for the run's progress bar, and leaves
    Ctrl-C to the run, which stops it (a terminal sends SIGINT to every process in its
    foreground group, and each worker would print a traceback)."""
    if parsed is not None:
        count_files_in(parsed)
    leave_pandas_out()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # held while it started: see parse._sigint_held


def parse_batch(rows: list[dict], staging: Location, batch_number: int, options: RunOptions) -> list[dict]:
    """Read and parse a batch of files (rows of Plan.batches) and write their parsed rows,
    one Parquet file per table, to the run's staging area. Returns the files whose bytes
    had not changed (only their mtime or size)."""
    with _cyclic_gc_paused():
        parsed, touched = _read_and_parse(rows, options)
        tables = to_parsed_tables(parsed)
    for table_name, table in tables.items():
        _write_staging(table, f"{table_name}/batch-{batch_number:06d}.parquet", staging)
        checkpoint("parquet-write")
    return touched


def parse_group(rows: pa.Table, staging: Location, first_batch_number: int, options: RunOptions) -> list[dict]:
    """Several batches in one task, for a cluster whose scheduler costs a fraction of a
    second per task: `rows` (TO_READ_SCHEMA) cut into batches numbered from
    `first_batch_number`. Rerunning it (after a worker died) rewrites the same files."""
    touched = []
    for number, offset in enumerate(range(0, max(rows.num_rows, 1), options.batch_size), start=first_batch_number):
        batch = rows.slice(offset, options.batch_size).to_pylist()
        touched += parse_batch(batch, staging, number, options)
    return touched


def _write_staging(table: pa.Table, name: str, staging: Location) -> None:
    # Uncompressed: the loader reads these once, and zstd cost a worker 8 us a file
    # (4% of its time) for files three times smaller.
    if staging.is_url:
        fs, root = staging.filesystem()
        with fs.open(f"{root}/{name}", "wb") as file:
            pq.write_table(table, file, compression="none")
        return
    target = staging.path / name
    target.parent.mkdir(parents=True, exist_ok=True)
    # Renamed into place whole: a task rerun after its worker died may write the same file.
    partial = target.with_name(f".{target.name}.partial")
    pq.write_table(table, partial, compression="none")
    os.replace(partial, target)


def count_files_in(parsed) -> None:
    """Report the files this process parses to the shared counter `parsed`."""
    global _count_files

    def count(files: int) -> None:
        with parsed.get_lock():
            parsed.value += files

    _count_files = count


@contextmanager
def files_counted_by(count):
    """Report the files parsed in this process to `count` (the run's own progress bar)."""
    global _count_files
    _count_files = count
    try:
        yield
    finally:
        _count_files = None


def _counted(items: list):
    """The items, reporting every COUNT_EVERY of them (and the rest at the end)."""
    for index, item in enumerate(items, start=1):
        yield item
        if _count_files is not None and (index % COUNT_EVERY == 0 or index == len(items)):
            _count_files(index % COUNT_EVERY or COUNT_EVERY)


@dataclass(frozen=True)
class ToRead:
    found: FoundFile
    previous_hash: str | None


def to_read_item(row: dict) -> ToRead:
    """A row of Plan.batches as the worker uses it."""
    previous_hash = row.pop("previous_hash")
    return ToRead(FoundFile(**row), previous_hash)


@contextmanager
def _cyclic_gc_paused():
    """Parsing allocates millions of short-lived, acyclic dicts and lists, which reference
    counting frees; the cyclic collector's passes over them cost about 40% of the parse
    time, and find nothing (tests check that a batch leaves no cycles behind)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read_and_parse(rows: list[dict], options: RunOptions) -> tuple[list, list[dict]]:
    parsed, touched = [], []
    max_file_size = options.max_file_size
    sources = {source.text: source for source in options.sources}
    items = list(map(to_read_item, rows))
    objects = _fetch_objects(items, max_file_size + 1, sources)
    for item in _counted(items):
        found, problem = item.found, item.found.problem
        source = sources[found.source]
        if problem is None:
            try:
                if source.is_url:
                    data = objects[found.source, found.path]
                    if isinstance(data, BaseException):
                        raise data
                else:
                    data = _read_at_most(os.path.join(found.source, found.path), found.size_bytes, max_file_size + 1)
            except FileNotFoundError:
                if not source.is_url and not source.path.is_dir():
                    # The whole folder is missing here: a worker on another machine.
                    raise StorageError(f"the source folder {found.source} is not there where the parse runs") from None
                problem = "file could not be read: it was deleted after the scan"
            except OSError as error:
                problem = f"file could not be read: {error.strerror or describe_error(error)}"
            else:
                if len(data) > max_file_size:
                    problem = f"file grew over the {describe_size(max_file_size)} limit while being read"
        if problem is not None:
            parsed.append(rejected_unread(found.as_source_file(), problem))
            continue
        data_hash = content_hash(data)
        if data_hash == item.previous_hash:
            touched.append({"source_file_id": found.source_file_id, "size_bytes": len(data), "modified_at": found.modified_at})
        else:
            parsed.append(parse_file(found.as_source_file(), data, data_hash))
    return parsed, touched


def _fetch_objects(items: list[ToRead], limit: int, sources: dict[str, Location]) -> dict:
    """The bytes of the batch's objects on object storage (at most `limit` each), fetched
    concurrently (one GET at a time would leave a worker waiting on the network), keyed
    by (source, path). An object deleted since the listing maps to its FileNotFoundError
    (the file is rejected); any other failure, or a source that is gone whole, fails the
    run: it is not the files' fault."""
    wanted, objects = {}, {}
    for item in items:
        found = item.found
        if found.problem is not None or not sources[found.source].is_url:
            continue
        if found.size_bytes == 0:
            # S3 answers a ranged GET of an empty object with 416: it is an empty file.
            objects[found.source, found.path] = b""
        else:
            wanted.setdefault(found.source, []).append(found.path)
    for source, paths in wanted.items():
        fs, root = sources[source].filesystem()
        keys = [f"{root}/{path}" for path in paths]
        try:
            fetched = fs.cat_ranges(keys, [0] * len(keys), [limit] * len(keys), on_error="return")
            missing = any(isinstance(data, FileNotFoundError) for data in fetched)
            if missing and not fs.exists(root):
                raise StorageError(f"cannot read {source}: no such bucket or prefix where the parse runs")
        except transport_errors() as error:
            raise StorageError(f"cannot read {source}: {describe_error(error)}") from None
        for path, data in zip(paths, fetched, strict=True):
            if isinstance(data, BaseException) and not isinstance(data, FileNotFoundError):
                raise StorageError(f"cannot read {source}/{path}: {describe_error(data)}")
            objects[source, path] = data
    return objects


def _read_at_most(path: str, expected_size: int, limit: int) -> bytes:
    """A file's bytes, never more than `limit` even if it grew since the scan. Asking for
    the size the scan saw first: a read of `limit` bytes would allocate that much for
    every file, which costs more than reading a small one."""
    with open(path, "rb") as file:
        data = file.read(expected_size + 1)
        if len(data) > expected_size:  # it grew
            data += file.read(max(limit - len(data), 0))
    return data
