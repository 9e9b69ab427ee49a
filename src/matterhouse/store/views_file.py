"""The readers' DuckDB file (`<warehouse>/views.duckdb`): views over the published Parquet
for BI tools and notebooks, which runs never open.

DuckDB lets one process hold a database file, so a BI tool left open on matterhouse.duckdb
would make every run wait and fail. This file holds only views (the published tables
through the `parquet` link, then the analysis views of sql/views/): a reader keeps it
open and sees each new run, and a run never needs its lock. A run rewrites it only when
its views change (a new release, or the warehouse folder moved: the views hold absolute
paths), as a new file renamed over the old one; readers still holding the old file keep
working until they reopen it.

It is written in DuckDB 1.4's storage format, not this DuckDB's newest: BI drivers and SQL
editors embed DuckDB 1.4 LTS or 1.5, which refuse a newer file, and views need nothing newer.
"""

import os
import uuid
from pathlib import Path

import duckdb

from matterhouse.store.schema import view_statements
from matterhouse.store.snapshots import PARQUET
from matterhouse.store.tables import PARTITIONED_TABLES, PUBLISHED_TABLES
from matterhouse.store.warehouse import sql, sql_literal

VIEWS_FILE = "views.duckdb"
STAMP = ".views.sql"  # the storage version and statements the views file was made with
STORAGE_VERSION = "v1.4.0"  # the oldest DuckDB that readers open it with: 1.4 LTS


def table_view_statements(folder: Path, tables=PUBLISHED_TABLES) -> list[str]:
    """A view per published table over its dataset in `folder` (a snapshot, or the link)."""
    statements = []
    for table in tables:
        pattern = "*/*.parquet" if table in PARTITIONED_TABLES else "*.parquet"
        files = f"{folder / table}/{pattern}"
        hive = "true" if table in PARTITIONED_TABLES else "false"
        statements.append(sql("readers/published_table", table=table, files=sql_literal(files), hive=hive))
    return statements


def reader_view_statements(warehouse: Path) -> list[str]:
    return table_view_statements(warehouse / PARQUET) + view_statements()


def write_views_file(warehouse: Path) -> Path:
    """Create or renew `<warehouse>/views.duckdb` when its views would change."""
    target, stamp = warehouse / VIEWS_FILE, warehouse / STAMP
    statements = reader_view_statements(warehouse)
    # A file stamped without its storage version was written in the newest format: renewed.
    text = f"-- storage_version {STORAGE_VERSION}\n" + ";\n".join(statements)
    if target.exists() and stamp.exists() and stamp.read_text(encoding="utf-8") == text:
        return target
    temporary = warehouse / f".views-{uuid.uuid4().hex}.duckdb"
    try:
        connection = duckdb.connect()
        try:
            # Only an attached file takes a storage version; the views are created in it.
            connection.execute(f"attach {sql_literal(str(temporary))} as views (storage_version '{STORAGE_VERSION}')")
            connection.execute("use views")
            for statement in statements:
                connection.execute(statement)
            connection.execute("checkpoint")
        finally:
            connection.close()
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
        Path(f"{temporary}.wal").unlink(missing_ok=True)
    stamp.write_text(text, encoding="utf-8")
    return target
