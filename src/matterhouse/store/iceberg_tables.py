"""Apache Iceberg tables at a publish location (`--table-format iceberg`), which Spark,
Trino, Athena, Snowflake, BigQuery, Flink, DuckDB, polars and pyiceberg read as tables.

- **Data files.** An Iceberg table's data files are the very Parquet files `--publish`
  uploads under `tables/<table>/`; the table's metadata is written beside them, in
  `tables/<table>/metadata/`. The files carry no Iceberg field ids: each table records a
  name mapping (`schema.name-mapping.default`), as Iceberg's own file import does.
- **Schema.** The published tables' columns, types as DuckDB writes them to Parquet, docs
  from the comments beside the DDL; `articles` is partitioned by month(published_at), the
  month folders' own rule, so each of its files holds one partition.
- **Commits.** A run commits each table whose files changed as one overwrite snapshot that
  adds the run's new files and removes those its snapshot no longer holds, worked out
  against the table's current snapshot (not our manifest), with the run id in the
  snapshot's summary (`matterhouse.run-id`). Iceberg commits one table at a time: a run cut
  short between two tables leaves each table readable at its last commit, and the next
  publication completes them. The run's manifest then records each table's snapshot id.
- **Catalog.** By default a SQL catalog on SQLite in a `--publish` folder
  (`<folder>/catalog.db`); otherwise the pyiceberg catalog named by `--iceberg-catalog`,
  configured as pyiceberg reads it (REST, Glue, Hive, SQL on PostgreSQL: `.pyiceberg.yaml`
  or PYICEBERG_CATALOG__<NAME>__<PROPERTY> variables, secrets from the environment).
- **Expiry.** Snapshots no kept manifest records are expired, with their manifest lists and
  the manifests no kept snapshot reads; the data files go with the rest of the location's
  unlisted files (steps/publish.py).
"""

from contextlib import contextmanager
from pathlib import Path

import pyarrow.parquet as pq

from matterhouse.plumbing.settings import RunOptions
from matterhouse.plumbing.storage import StorageError
from matterhouse.store.schema import description
from matterhouse.store.tables import FOLDER_COLUMNS

CATALOG_FILE = "catalog.db"
RUN_PROPERTY = "matterhouse.run-id"
# Metadata files beyond the newest few are deleted at each commit.
TABLE_PROPERTIES = {"write.metadata.delete-after-commit.enabled": "true", "write.metadata.previous-versions-max": "10"}


class IcebergError(StorageError):
    """The Iceberg catalog, or the store its tables are in, refused or failed a step."""


@contextmanager
def reported(what: str):
    """pyiceberg's errors (its own, the catalog's database's, the file system's) share no
    base class: any of them becomes one IcebergError that says what was being done."""
    try:
        yield
    except StorageError:
        raise
    except Exception as error:
        first_line = (str(error).strip().splitlines() or [""])[0]  # SQLAlchemy's go on with a link
        raise IcebergError(f"{what}: {type(error).__name__}: {first_line}") from None


class IcebergTables:
    """The Iceberg tables of one publish location, in its catalog and namespace."""

    def __init__(self, options: RunOptions):
        from pyiceberg.catalog import load_catalog

        location, name = options.publish, options.iceberg_catalog
        self.namespace = options.iceberg_namespace
        self.root = location.text  # as Iceberg writes paths: a folder's absolute path, or the URL
        with reported(f"cannot open the Iceberg catalog {name or location.path / CATALOG_FILE}"):
            if name is None:
                location.path.mkdir(parents=True, exist_ok=True)
                uri, warehouse = f"sqlite:///{location.path / CATALOG_FILE}", location.path.as_uri()
                self.catalog = load_catalog("matterhouse", type="sql", uri=uri, warehouse=warehouse)
            else:
                self.catalog = load_catalog(name)
            self.catalog.create_namespace_if_not_exists(self.namespace)

    def commit(self, name: str, local: Path, remote: str, files: list[str], run_id: str, recorded: int | None) -> int:
        """Make Iceberg table `name` hold exactly `files` (paths relative to `local`, the
        local snapshot's folder of the table, uploaded to `remote` under the root); return
        its snapshot id. `recorded` is the snapshot id the newest manifest records for
        these very files, if it does: a table still at it needs nothing read."""
        with reported(f"cannot commit the Iceberg table {self.namespace}.{name}"):
            return self._commit(name, local, remote, files, run_id, recorded)

    def _commit(self, name: str, local: Path, remote: str, files: list[str], run_id: str, recorded: int | None) -> int:
        from pyiceberg.io.pyarrow import parquet_files_to_data_files

        table = self._table(name, local, remote, files)
        if recorded is not None and table.current_snapshot() and table.current_snapshot().snapshot_id == recorded:
            return recorded
        # An empty file adds nothing to a table (and has no column statistics to read).
        wanted = {f"{self.root}/{remote}/{relative}" for relative in files if pq.read_metadata(local / relative).num_rows}
        current = {data_file.file_path: data_file for data_file in _data_files(table, table.current_snapshot())}
        added, removed = sorted(wanted - set(current)), sorted(set(current) - wanted)
        if added or removed or table.current_snapshot() is None:
            properties = {RUN_PROPERTY: run_id}
            with table.transaction() as transaction, transaction.update_snapshot(properties).overwrite() as overwrite:
                for path in removed:
                    overwrite.delete_data_file(current[path])
                for data_file in parquet_files_to_data_files(table.io, transaction.table_metadata, iter(added)):
                    overwrite.append_data_file(data_file)
            table.refresh()
        return table.current_snapshot().snapshot_id

    def expire(self, kept: dict[str, set[int]]) -> set[str]:
        """Expire each table's snapshots but those in `kept[name]`, its current one and
        those a branch or tag holds, with their manifest lists and the manifests no kept
        snapshot reads. Return the data files (relative to the location) that the
        snapshots of branches and tags read: no manifest of ours lists them."""
        with reported(f"cannot expire old snapshots of the Iceberg tables in {self.namespace}"):
            return {path for name, snapshot_ids in kept.items() for path in self._expire(name, snapshot_ids)}

    def _expire(self, name: str, snapshot_ids: set[int]) -> set[str]:
        table = self.catalog.load_table((self.namespace, name))
        held = {ref.snapshot_id for ref in table.metadata.refs.values()}  # the current one is main's
        keep = snapshot_ids | held
        expired = [snapshot for snapshot in table.snapshots() if snapshot.snapshot_id not in keep]
        kept_snapshots = [snapshot for snapshot in table.snapshots() if snapshot.snapshot_id in keep]
        if expired:
            in_use = {manifest.manifest_path for snapshot in kept_snapshots for manifest in snapshot.manifests(table.io)}
            unused = {manifest.manifest_path for snapshot in expired for manifest in snapshot.manifests(table.io)} - in_use
            table.maintenance.expire_snapshots().by_ids([snapshot.snapshot_id for snapshot in expired]).commit()
            for path in sorted(unused | {snapshot.manifest_list for snapshot in expired}):
                table.io.delete(path)
        tagged = [snapshot for snapshot in kept_snapshots if snapshot.snapshot_id in held - snapshot_ids]
        return {
            data_file.file_path.removeprefix(f"{self.root}/")
            for snapshot in tagged
            if snapshot.snapshot_id != table.current_snapshot().snapshot_id
            for data_file in _data_files(table, snapshot)
        }

    def _table(self, name: str, local: Path, remote: str, files: list[str]):
        """The Iceberg table of this location, created at its first publication in one
        commit, and given the columns a newer release adds (union by name; none dropped)."""
        from pyiceberg.table import TableProperties

        identifier, location = (self.namespace, name), f"{self.root}/{remote}"
        schema = _documented(name, pq.read_schema(local / files[0]))
        if not self.catalog.table_exists(identifier):
            with self.catalog.create_table_transaction(
                identifier, schema=schema, location=location, properties=TABLE_PROPERTIES
            ) as transaction:
                _fit(transaction, name, schema)
            return self.catalog.load_table(identifier)
        table = self.catalog.load_table(identifier)
        if table.location().removeprefix("file://") != location:
            raise IcebergError(
                f"the Iceberg table {self.namespace}.{name} holds the files of {table.location()}, not of {location}: "
                "publish each location to a namespace of its own (--iceberg-namespace)"
            )
        fitted = TableProperties.DEFAULT_NAME_MAPPING in table.properties and (name not in FOLDER_COLUMNS or table.spec().fields)
        if not fitted or _differs(table, schema):
            with table.transaction() as transaction:
                _fit(transaction, name, schema)
            table.refresh()
        return table


def _differs(table, schema) -> bool:
    """The files' columns are not the table's: one is new, or its type changed (a newer
    release's; union by name promotes int to long and float to double, and refuses the rest)."""
    from pyiceberg.io.pyarrow import pyarrow_to_schema

    try:
        provided = pyarrow_to_schema(schema, name_mapping=table.name_mapping())
    except ValueError:  # a column the name mapping lacks
        return True
    current = table.schema()
    return any(field.field_type != current.find_field(field.field_id).field_type for field in provided.fields)


def _fit(transaction, name: str, schema) -> None:
    """Give a table being created or updated the columns of `schema`, the name mapping
    readers find columns by (the files carry no field ids), and its partitioning."""
    from pyiceberg.table import TableProperties

    transaction.update_schema().union_by_name(schema).commit()
    mapping = transaction.table_metadata.schema().name_mapping.model_dump_json()
    transaction.set_properties({TableProperties.DEFAULT_NAME_MAPPING: mapping})
    if name in FOLDER_COLUMNS and not transaction.table_metadata.spec().fields:
        from pyiceberg.transforms import MonthTransform  # the folders are months (store/tables.py FOLDERS)

        transaction.update_spec().add_field(FOLDER_COLUMNS[name], MonthTransform(), "published_month").commit()


def _documented(name: str, schema):
    """`schema` with each column's description as its Iceberg doc."""
    import pyarrow as pa

    notes = description(name).columns
    return pa.schema(
        [field.with_metadata({b"doc": notes[field.name].encode()}) if field.name in notes else field for field in schema]
    )


def _data_files(table, snapshot) -> list:
    """The data files `snapshot` reads (none for no snapshot), skipping the manifests that
    hold only deleted entries, which overwrites carry on."""
    if snapshot is None:
        return []
    return [
        entry.data_file
        for manifest in snapshot.manifests(table.io)
        if manifest.has_added_files() or manifest.has_existing_files()
        for entry in manifest.fetch_manifest_entry(table.io, discard_deleted=True)
    ]
