"""`matterhouse.read_table`: one published table as a pyarrow Dataset, from a warehouse
folder (its current Parquet snapshot, or a kept run's) or from a `--publish` location
(the run its pointer names, or a kept run's manifest)."""

from pathlib import Path

from matterhouse.plumbing.storage import Location, StorageError
from matterhouse.read.as_of import snapshot_as_of
from matterhouse.store.publication import manifest
from matterhouse.store.snapshots import PARQUET
from matterhouse.store.tables import PARTITIONED_TABLES
from matterhouse.store.warehouse import database_path


def read_table(name: str, location: str | Path, run: str | None = None, storage_options: dict | None = None):
    """A published table as a pyarrow Dataset: the current version, or run `run`'s while
    it is kept (a run_id, a prefix of one, or for a warehouse folder also an ISO 8601
    time, as `matterhouse query --as-of` takes). `location` is a warehouse folder, or
    what --publish was given (a folder or URL)."""
    import pyarrow.dataset as ds

    location = Location.of(location, storage_options)
    if not location.is_url and is_warehouse(location.path):
        return _from_warehouse(ds, name, location.path, run)
    chosen = manifest(location, run)
    if name not in chosen["tables"]:
        raise StorageError(f"no table {name!r} is published at {location}; tables: {', '.join(sorted(chosen['tables']))}")
    from pyarrow.fs import FSSpecHandler, PyFileSystem

    fs, root = location.filesystem()
    entry = chosen["tables"][name]
    base = f"{root}/{entry['folder']}"
    return ds.dataset(
        [f"{base}/{path}" for path in entry["files"]],
        format="parquet",
        filesystem=PyFileSystem(FSSpecHandler(fs)),
        partitioning="hive" if name in PARTITIONED_TABLES else None,
        partition_base_dir=base,
    )


def is_warehouse(folder: Path) -> bool:
    """A warehouse folder: it holds the DuckDB file or the link to its current snapshot."""
    return database_path(folder).exists() or (folder / PARQUET).is_symlink()


def _from_warehouse(ds, name: str, warehouse: Path, run: str | None):
    snapshot = snapshot_as_of(warehouse, run)
    if not (snapshot / name).is_dir():
        tables = sorted(path.name for path in snapshot.iterdir() if path.is_dir())
        raise StorageError(f"no table {name!r} is in the warehouse {warehouse}; tables: {', '.join(tables)}")
    return ds.dataset(snapshot / name, format="parquet", partitioning="hive" if name in PARTITIONED_TABLES else None)
