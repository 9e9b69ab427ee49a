"""Publishing each run's Parquet datasets to a folder or object storage (`--publish`),
visible to readers all at once, across every table.

Layout under the publish location:

    runs/<run_id>/<table>/...parquet    the files a run wrote (tables it changed)
    _manifests/0000000042.json          one per published run: each table's files
    _current.json                       the pointer: which manifest is current

A run uploads the tables that changed since the newest manifest (a table that did not
change keeps the older run's files), then creates the next manifest with a conditional
create (O_EXCL on a folder, If-None-Match on S3), then replaces the pointer. A reader
reads the pointer, then the manifest it names, then exactly the files listed there: it
sees one whole run, never a mix, however the steps interleave. Manifests beyond the
newest `keep_runs` are deleted, then the files no kept manifest lists.
"""

import hashlib
import json
import os
import uuid
from datetime import datetime, timezone
from pathlib import Path

from matterhouse.plumbing.storage import StorageError, describe_error, filesystem, is_url, local_path, transport_errors
from matterhouse.store.tables import PARTITIONED_TABLES

POINTER = "_current.json"
MANIFESTS = "_manifests"
RUNS = "runs"


class PublishConflict(StorageError):
    """Another writer created the manifest this run was about to create."""


class RunNotKept(StorageError):
    """A reader asked for a run whose tables are no longer kept: its manifest at a publish
    location, or its snapshot in the warehouse folder (matterhouse.read.as_of)."""


def open_location(location: str, storage_options: dict | None = None):
    """The file system and root path of a publish location (a folder or a URL)."""
    if is_url(location):
        return filesystem(location, storage_options or {})
    import fsspec

    return fsspec.filesystem("file"), str(local_path(location))


def publish(snapshot: Path, run_id: str, location: str, keep_runs: int, storage_options: dict) -> dict:
    """Publish the local snapshot folder `snapshot` (one folder per table) as run `run_id`;
    return the manifest written."""
    fs, root = open_location(location, storage_options)
    try:
        fs.makedirs(f"{root}/{MANIFESTS}", exist_ok=True)
        numbers = _manifest_numbers(fs, root)
        newest = _read_json(fs, f"{root}/{MANIFESTS}/{numbers[-1]:010d}.json") if numbers else None
        tables = {}
        for table_folder in sorted(path for path in snapshot.iterdir() if path.is_dir()):
            tables[table_folder.name] = _publish_table(fs, root, run_id, table_folder, newest)
        manifest = {
            "version": (numbers[-1] + 1) if numbers else 1,
            "run_id": run_id,
            "published_at": datetime.now(timezone.utc).isoformat(),
            "tables": tables,
        }
        _create_exclusively(fs, f"{root}/{MANIFESTS}/{manifest['version']:010d}.json", _encode(manifest))
        _replace(fs, f"{root}/{POINTER}", _encode({"version": manifest["version"], "run_id": run_id}))
        _remove_old_runs(fs, root, keep_runs)
    except transport_errors() as error:
        raise StorageError(f"cannot publish to {location}: {describe_error(error)}") from None
    return manifest


def manifest(location: str, run: str | None = None, storage_options: dict | None = None) -> dict:
    """The current manifest, or that of run `run` (a run_id) while it is kept."""
    fs, root = open_location(location, storage_options)
    if run is None:
        for _ in range(3):
            try:
                pointer = _read_json(fs, f"{root}/{POINTER}")
            except FileNotFoundError:
                raise StorageError(
                    f"nothing is published at {location}: run matterhouse with --publish {location} first"
                ) from None
            try:
                return _read_json(fs, f"{root}/{MANIFESTS}/{pointer['version']:010d}.json")
            except FileNotFoundError:
                continue  # newer runs were published and this one dropped between the two reads
        raise StorageError(f"the runs published at {location} change faster than they can be read; try again")
    numbers = _manifest_numbers(fs, root)
    for number in reversed(numbers):
        try:
            candidate = _read_json(fs, f"{root}/{MANIFESTS}/{number:010d}.json")
        except FileNotFoundError:
            continue  # dropped since the listing
        if candidate["run_id"] == run:
            return candidate
    raise RunNotKept(
        f"run {run} is not among the {len(numbers)} runs kept at {location}; "
        "raise --keep-runs to keep more, or ask for a newer run"
    )


def read_table(name: str, location: str | Path, run: str | None = None, storage_options: dict | None = None):
    """A published table as a pyarrow Dataset: the current version, or run `run`'s while
    it is kept. `location` is what --publish was given (a folder or URL)."""
    import pyarrow.dataset as ds
    from pyarrow.fs import FSSpecHandler, PyFileSystem

    location = str(location)
    chosen = manifest(location, run, storage_options)
    if name not in chosen["tables"]:
        raise StorageError(f"no table {name!r} is published at {location}; tables: {', '.join(sorted(chosen['tables']))}")
    fs, root = open_location(location, storage_options)
    entry = chosen["tables"][name]
    base = f"{root}/{entry['folder']}"
    return ds.dataset(
        [f"{base}/{path}" for path in entry["files"]],
        format="parquet",
        filesystem=PyFileSystem(FSSpecHandler(fs)),
        partitioning="hive" if name in PARTITIONED_TABLES else None,
        partition_base_dir=base,
    )


def _publish_table(fs, root: str, run_id: str, folder: Path, newest: dict | None) -> dict:
    """Upload a table's files unless the newest manifest has the very same ones."""
    files = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*.parquet"))
    fingerprint = _fingerprint(folder, files)
    previous = (newest or {}).get("tables", {}).get(folder.name)
    if previous is not None and previous["fingerprint"] == fingerprint:
        return previous
    target = f"{RUNS}/{run_id}/{folder.name}"
    for relative in files:
        destination = f"{root}/{target}/{relative}"
        fs.makedirs(destination.rsplit("/", 1)[0], exist_ok=True)  # a folder's; object stores have none
        fs.put_file(str(folder / relative), destination)
    return {"folder": target, "files": files, "fingerprint": fingerprint}


def _fingerprint(folder: Path, files: list[str]) -> str:
    """Equal for the same bytes. Exports are deterministic (sorted rows, fixed settings),
    so a table a run rebuilt without changing it hashes as before and is not uploaded."""
    digest = hashlib.sha256()
    for relative in files:
        with (folder / relative).open("rb") as file:
            digest.update(f"{relative}\0{hashlib.file_digest(file, 'sha256').hexdigest()}\n".encode())
    return digest.hexdigest()


def _manifest_numbers(fs, root: str) -> list[int]:
    fs.invalidate_cache(f"{root}/{MANIFESTS}")  # s3fs caches listings; this one must be fresh
    try:
        names = fs.ls(f"{root}/{MANIFESTS}", detail=False)
    except FileNotFoundError:
        return []
    stems = (name.rsplit("/", 1)[-1].removesuffix(".json") for name in names)
    return sorted(int(stem) for stem in stems if stem.isdigit())


def _create_exclusively(fs, path: str, data: bytes) -> None:
    """Write `path` only if it does not exist yet: two writers never both create one manifest."""
    try:
        with fs.open(path, "xb") as file:
            file.write(data)
    except FileExistsError:
        raise PublishConflict(
            f"{path} was created by another writer while this run published; "
            "only one warehouse may publish to a location (this run's warehouse is committed)"
        ) from None


def _replace(fs, path: str, data: bytes) -> None:
    """Replace `path` whole: an S3 PUT is atomic; on a folder, a rename over it is."""
    if not _is_local(fs):
        fs.pipe_file(path, data)
        return
    temporary = f"{path}.{uuid.uuid4().hex}.tmp"
    with open(temporary, "wb") as file:
        file.write(data)
    os.replace(temporary, path)


def _is_local(fs) -> bool:
    return "file" in (fs.protocol if isinstance(fs.protocol, tuple) else (fs.protocol,))


def _remove_old_runs(fs, root: str, keep_runs: int) -> None:
    """Delete manifests beyond the newest `keep_runs`, then the table folders no kept
    manifest lists (a run's folder holds only the tables it changed)."""
    numbers = _manifest_numbers(fs, root)
    for number in numbers[:-keep_runs]:
        fs.rm_file(f"{root}/{MANIFESTS}/{number:010d}.json")
    kept = [_read_json(fs, f"{root}/{MANIFESTS}/{number:010d}.json") for number in numbers[-keep_runs:]]
    in_use = {f"{root}/{entry['folder']}" for kept_manifest in kept for entry in kept_manifest["tables"].values()}
    fs.invalidate_cache(f"{root}/{RUNS}")
    try:
        run_folders = fs.ls(f"{root}/{RUNS}", detail=False)
    except FileNotFoundError:
        return
    for run_folder in run_folders:
        tables = fs.ls(run_folder, detail=False)
        unused = [table for table in tables if table.rstrip("/") not in in_use]
        for table in unused:
            fs.rm(table, recursive=True)
        if len(unused) == len(tables) and _is_local(fs):
            fs.rmdir(run_folder)  # object stores have no empty folders to remove


def _read_json(fs, path: str) -> dict:
    # One GET: a file opened for reading could be replaced between its HEAD and its reads.
    return json.loads(fs.cat_file(path))


def _encode(document: dict) -> bytes:
    return json.dumps(document, indent=1, sort_keys=True).encode()
