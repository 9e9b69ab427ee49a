"""The publish step: a committed run's Parquet snapshot copied to the `--publish` location
(a folder or object storage), in the layout matterhouse.store.publication describes and
reads. Only files the newest manifest does not list are uploaded. With `--table-format
iceberg` each table is also committed to its Iceberg table (store/iceberg_tables.py)
before the run's manifest is created, which then records each table's snapshot id."""

import json
import os
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from matterhouse.plumbing.failpoints import checkpoint
from matterhouse.plumbing.settings import RunOptions
from matterhouse.plumbing.storage import Location, StorageError, describe_error, transport_errors
from matterhouse.store.publication import (
    LEGACY_RUNS,
    MANIFESTS,
    POINTER,
    TABLES,
    manifest_numbers,
    read_json,
)

if TYPE_CHECKING:
    from matterhouse.store.iceberg_tables import IcebergTables


class PublishConflict(StorageError):
    """Another writer created the manifest this run was about to create."""


class CleanupFailed(StorageError):
    """The run is published (its manifest is current), but older runs were not removed."""


def check_publication(options: RunOptions) -> None:
    """Before a run changes anything, open its Iceberg catalog and check that the location
    was published the same way: either failing stops the run before its load."""
    if options.publish is None:
        return
    try:
        iceberg = _iceberg_tables(options)
        fs, root = options.publish.filesystem()
        _check_layout(options.publish, _newest_manifest(fs, root, manifest_numbers(fs, root)), iceberg)
    except transport_errors() as error:
        raise StorageError(f"cannot read {options.publish}: {describe_error(error)} (nothing changed)") from None
    except StorageError as error:
        raise StorageError(f"{error} (nothing changed)") from None


def _iceberg_tables(options: RunOptions) -> "IcebergTables | None":
    if options.table_format != "iceberg":
        return None
    from matterhouse.store.iceberg_tables import IcebergTables

    return IcebergTables(options)


def publish_step(options: RunOptions, snapshot: Path) -> None:
    """Publish the run's snapshot to the --publish location. The run is committed and
    exported in its folder by now: a failure here says so, and the next run publishes
    its whole snapshot there again."""
    try:
        iceberg = _iceberg_tables(options)
        publish_snapshot(snapshot, snapshot.name, options.publish, options.keep_runs, iceberg)
    except CleanupFailed as error:
        raise StorageError(f"the run is committed and published, but {error}; the next run tries again") from None
    except StorageError as error:
        raise StorageError(f"the run is committed, but {error}; the next run publishes there again") from None


def publish_snapshot(
    snapshot: Path, run_id: str, location: Location, keep_runs: int, iceberg: "IcebergTables | None" = None
) -> dict:
    """Publish the local snapshot folder `snapshot` (one folder per table) as run `run_id`,
    and commit each table to `iceberg` if given; return the manifest written."""
    fs, root = location.filesystem()
    try:
        fs.makedirs(f"{root}/{MANIFESTS}", exist_ok=True)
        numbers = manifest_numbers(fs, root)
        newest = _newest_manifest(fs, root, numbers)
        _check_layout(location, newest, iceberg)
        tables = {}
        for table_folder in sorted(path for path in snapshot.iterdir() if path.is_dir()):
            previous = _entries(newest).get(table_folder.name, {})
            entry = tables[table_folder.name] = _publish_table(fs, root, table_folder, previous)
            if iceberg is not None:
                recorded = previous["iceberg"]["snapshot_id"] if _same_files(previous, entry) else None
                snapshot_id = iceberg.commit(table_folder.name, table_folder, entry["folder"], entry["files"], run_id, recorded)
                entry["iceberg"] = {"table": f"{iceberg.namespace}.{table_folder.name}", "snapshot_id": snapshot_id}
                checkpoint("iceberg")
        manifest = {
            "version": (numbers[-1] + 1) if numbers else 1,
            "run_id": run_id,
            "published_at": datetime.now(timezone.utc).isoformat(),
            "tables": tables,
        }
        _create_exclusively(fs, f"{root}/{MANIFESTS}/{manifest['version']:010d}.json", _encode(manifest))
        _replace(fs, f"{root}/{POINTER}", _encode({"version": manifest["version"], "run_id": run_id}))
    except transport_errors() as error:
        raise StorageError(f"cannot publish to {location}: {describe_error(error)}") from None
    try:
        kept = _drop_old_manifests(fs, root, keep_runs)
        spared = set()
        if iceberg is not None:
            spared = iceberg.expire({name: _kept_snapshot_ids(kept, name) for name in tables})
        _remove_unlisted_files(fs, root, kept, spared)
    except transport_errors() as error:
        raise CleanupFailed(f"cannot remove older runs from {location}: {describe_error(error)}") from None
    except StorageError as error:
        raise CleanupFailed(str(error)) from None
    return manifest


def _entries(manifest: dict | None) -> dict:
    """A manifest's entries by table (none before the first manifest)."""
    return (manifest or {}).get("tables", {})


def _newest_manifest(fs, root: str, numbers: list[int]) -> dict | None:
    return read_json(fs, f"{root}/{MANIFESTS}/{numbers[-1]:010d}.json") if numbers else None


def _check_layout(location: Location, newest: dict | None, iceberg: "IcebergTables | None") -> None:
    """A location stays in the table format and Iceberg namespace it was published in:
    switching would leave the old Iceberg tables reading files that expiry deletes."""
    namespaces = {entry["iceberg"]["table"].rsplit(".", 1)[0] for entry in _entries(newest).values() if "iceberg" in entry}
    if not namespaces:
        return
    if iceberg is None:
        raise StorageError(
            f"{location} holds Iceberg tables ({', '.join(sorted(namespaces))}): publish there with --table-format iceberg, "
            "or to a new location"
        )
    if namespaces != {iceberg.namespace}:
        raise StorageError(
            f"{location} holds the Iceberg tables of namespace {', '.join(sorted(namespaces))}, not {iceberg.namespace}: "
            "publish there with the same --iceberg-namespace, or to a new location"
        )


def _same_files(previous: dict, entry: dict) -> bool:
    """The newest manifest recorded an Iceberg snapshot of exactly this table's files."""
    return "iceberg" in previous and previous.get("folder") == entry["folder"] and previous["files"] == entry["files"]


def _kept_snapshot_ids(kept: list[dict], name: str) -> set[int]:
    """The Iceberg snapshots of table `name` that the kept manifests record."""
    entries = (manifest["tables"].get(name, {}) for manifest in kept)
    return {entry["iceberg"]["snapshot_id"] for entry in entries if "iceberg" in entry}


def _publish_table(fs, root: str, folder: Path, previous: dict) -> dict:
    """Upload the table's files that its entry in the newest manifest, `previous`, does
    not list."""
    files = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*.parquet"))
    target = f"{TABLES}/{folder.name}"
    published = set(previous.get("files", ())) if previous.get("folder") == target else set()
    for relative in files:
        if relative not in published:
            destination = f"{root}/{target}/{relative}"
            fs.makedirs(destination.rsplit("/", 1)[0], exist_ok=True)  # a folder's; object stores have none
            fs.put_file(str(folder / relative), destination)
    return {"folder": target, "files": files}


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


def _drop_old_manifests(fs, root: str, keep_runs: int) -> list[dict]:
    """Delete manifests beyond the newest `keep_runs`; return the kept ones."""
    numbers = manifest_numbers(fs, root)
    for number in numbers[:-keep_runs]:
        fs.rm_file(f"{root}/{MANIFESTS}/{number:010d}.json")
    return [read_json(fs, f"{root}/{MANIFESTS}/{number:010d}.json") for number in numbers[-keep_runs:]]


def _remove_unlisted_files(fs, root: str, kept: list[dict], spared: set[str]) -> None:
    """Delete the data files that no kept manifest lists and that are not `spared`
    (relative to the location: those that Iceberg branches and tags read). Only Parquet
    files are deleted: the Iceberg metadata beside them is expiry's."""
    in_use = {f"{root}/{path}" for path in spared} | {
        f"{root}/{entry['folder']}/{name}"
        for kept_manifest in kept
        for entry in kept_manifest["tables"].values()
        for name in entry["files"]
    }
    for top in (TABLES, LEGACY_RUNS):
        fs.invalidate_cache(f"{root}/{top}")
        try:
            found = fs.find(f"{root}/{top}")
        except FileNotFoundError:
            continue
        for path in found:
            if path.endswith(".parquet") and path not in in_use:
                fs.rm_file(path)
        if _is_local(fs):
            _remove_empty_folders(Path(f"{root}/{top}"))


def _remove_empty_folders(folder: Path) -> None:
    """Local folders emptied by the deletions (object stores have no empty folders)."""
    for path in sorted(folder.rglob("*"), key=lambda path: len(path.parts), reverse=True):
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def _encode(document: dict) -> bytes:
    return json.dumps(document, indent=1, sort_keys=True).encode()
