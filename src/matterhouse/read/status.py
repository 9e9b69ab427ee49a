"""`matterhouse status`: the last runs and the size of each table, read-only."""

from pathlib import Path

from matterhouse.store.tables import PUBLISHED_TABLES
from matterhouse.store.warehouse import NoWarehouseYet, connect, database_path, fetch_dicts, sql


def open_read_only(warehouse: Path):
    """A read-only connection to an existing warehouse, waiting briefly for a running load."""
    if not database_path(warehouse).exists():
        raise NoWarehouseYet(warehouse)
    return connect(warehouse, read_only=True, lock_timeout=5)


def read_status(warehouse: Path, runs: int) -> tuple[list[dict], dict[str, int]]:
    connection = open_read_only(warehouse)
    try:
        recent = fetch_dicts(connection, sql("status/recent_runs"), limit=runs)
        counts = {table: connection.execute(sql("status/table_rows", table=table)).fetchone()[1] for table in PUBLISHED_TABLES}
    finally:
        connection.close()
    return recent, counts
