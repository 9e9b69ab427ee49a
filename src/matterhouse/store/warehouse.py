"""The DuckDB warehouse: its file, its tables, connecting with lock retries, running sql/."""

import re
import time
from pathlib import Path

import duckdb

from matterhouse.plumbing import interrupts
from matterhouse.plumbing.settings import DEFAULT_MEMORY_LIMIT, package_folder
from matterhouse.store.tables import PARAMETERS
from matterhouse.transforms.errors import MatterhouseError

# The package's own SQL files: a folder inside the installed package (or, in an editable
# install, the repository's sql/ folder).
SQL_DIR = package_folder("matterhouse.sql")
DATABASE_FILE = "matterhouse.duckdb"
PARAMETER = re.compile(r"\$([a-z_]+)")
LOCK_RETRY_FIRST_WAIT = 0.5
# DuckDB writes a full row group while the insert runs, on every thread, and the last,
# partial one when the transaction commits, on one thread. With its default of 122,880
# rows, a whole 100,000-file load was one partial row group: 3 s of single-threaded
# compression in the commit. Row groups this size are written during the inserts.
ROW_GROUP_SIZE = 16_384
# The name DuckDB gives the file when it is opened directly, so SQL naming it works either way.
CATALOG = "matterhouse"


class NoWarehouseYet(MatterhouseError):
    """A command that reads the warehouse, before any run built it."""

    def __init__(self, warehouse: Path):
        super().__init__(f"there is no warehouse in {warehouse} yet: run `matterhouse run --warehouse {warehouse}` first")


class WarehouseLocked(MatterhouseError):
    """Another process holds the DuckDB file."""

    def __init__(self, path: Path, detail: str, waited: float):
        holder = re.search(r"\(PID \d+\)", detail)
        super().__init__(
            f"the warehouse file {path} is locked by another process{' ' + holder.group(0) if holder else ''} "
            f"(waited {waited:.0f} s); close the notebook, BI tool or run that has it open, then run again"
        )
        self.path = path


class WarehouseOpenHere(MatterhouseError):
    """This very process holds the DuckDB file through another connection."""

    def __init__(self, path: Path):
        super().__init__(
            f"the warehouse file {path} is open in this process (a connection from matterhouse.connect() or "
            "duckdb.connect()); close it, then run again"
        )


def database_path(warehouse: Path) -> Path:
    return warehouse / DATABASE_FILE


def connect(
    warehouse: Path, read_only: bool = False, lock_timeout: float = 0.0, memory_limit: int = DEFAULT_MEMORY_LIMIT
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse's DuckDB file, retrying with backoff while another process holds
    it, for `lock_timeout` seconds in all. DuckDB may use `memory_limit` bytes, beyond
    which it spills to disk (settings.DEFAULT_MEMORY_LIMIT says why it is capped)."""
    path = database_path(warehouse)
    if not read_only:
        warehouse.mkdir(parents=True, exist_ok=True)
    started, wait = time.monotonic(), LOCK_RETRY_FIRST_WAIT
    while True:
        try:
            connection = _attach(path, read_only)
            break
        except duckdb.ResourceInUseException:
            raise WarehouseOpenHere(path) from None
        except duckdb.IOException as error:
            if "lock" not in str(error).lower():
                raise
            remaining = started + lock_timeout - time.monotonic()
            if remaining <= 0:
                raise WarehouseLocked(path, str(error), time.monotonic() - started) from None
            time.sleep(min(wait, remaining))
            wait *= 2
    interrupts.track_connection(connection)
    connection.execute("set TimeZone = 'UTC'")
    connection.execute(f"set memory_limit = '{int(memory_limit)}B'")
    # Every statement that needs an order says so (exports sort by key); allowing DuckDB to
    # reorder the rest lets it insert in parallel and with less memory.
    connection.execute("set preserve_insertion_order = false")
    return connection


def _attach(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse file, attached rather than opened: only ATTACH takes
    a row group size. Spills go where DuckDB puts them for a file it opens itself."""
    connection = duckdb.connect()
    options = "read_only" if read_only else f"row_group_size {ROW_GROUP_SIZE}"
    try:
        connection.execute(f"attach {sql_literal(str(path))} as {CATALOG} ({options})")
    except BaseException:
        connection.close()
        raise
    connection.execute(f"use {CATALOG}")
    connection.execute(f"set temp_directory = {sql_literal(f'{path}.tmp')}")
    return connection


def sql_literal(value: str | list[str]) -> str:
    """A string, or a list of strings, written as a DuckDB literal: for views, which
    cannot take parameters."""
    if isinstance(value, list):
        return "[" + ", ".join(map(sql_literal, value)) + "]"
    return "'" + value.replace("'", "''") + "'"


def sql(name: str, **names: str) -> str:
    """The text of sql/<name>.sql, with {placeholders} filled from our own table names."""
    text = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    return text.format(**names) if names else text


def run_sql(connection: duckdb.DuckDBPyConnection, statement: str, **parameters) -> duckdb.DuckDBPyConnection:
    """Execute a statement, passing only the named parameters it uses."""
    return connection.execute(statement, _used(statement, parameters))


def query_arrow(connection: duckdb.DuckDBPyConnection, statement: str, **parameters):
    """A query's result as an Arrow table, passing only the named parameters it uses."""
    return connection.sql(statement, params=_used(statement, parameters)).to_arrow_table()


def _used(statement: str, parameters: dict) -> dict | None:
    """The parameters a statement names, each of which must be registered in
    tables.PARAMETERS and given."""
    used = {}
    for name in PARAMETER.findall(statement):
        if name not in PARAMETERS or name not in parameters:
            raise KeyError(f"SQL parameter ${name} is {'not given' if name in PARAMETERS else 'not registered'}")
        used[name] = parameters[name]
    return used or None


def fetch_dicts(connection, statement: str, **parameters) -> list[dict]:
    cursor = run_sql(connection, statement, **parameters)
    columns = [column[0] for column in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
