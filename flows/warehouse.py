"""The DuckDB warehouse: its file, its tables, connecting with lock retries, running sql/."""

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from transforms.errors import MatterhouseError

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
DATABASE_FILE = "matterhouse.duckdb"
# DuckDB would take up to 80% of the machine's memory; capped, it spills to disk instead,
# so a run's memory does not grow with the corpus.
MEMORY_LIMIT = "400MB"
# Built from the staging tables by sql/models/<table>.sql, in this order; with their keys.
MODEL_TABLES = {
    "articles": "article_id",
    "providers": "provider_id",
    "images": "article_id, position",
    "article_relations": "article_id, related_article_id",
    "article_topics": "article_id, topic",
    "source_files": "source_file_id",
    "data_warnings": "source_file_id, field, message",
}
# Append-only records of runs: they grow with every run, so they are not part of a refresh.
# etl_runs and check_results gain rows every run; the change records only when files changed.
RUN_RECORD_TABLES = ("etl_runs", "check_results")
HISTORY_TABLES = (*RUN_RECORD_TABLES, "file_changes", "table_changes")
PUBLISHED_TABLES = (*MODEL_TABLES, *HISTORY_TABLES)
# Analysis views over the published tables (sql/views/<view>.sql), recreated with every load.
VIEWS = (
    "rejected_files",
    "articles_per_day",
    "topic_trends_weekly",
    "top_providers",
    "most_cited_articles",
    "provider_citations",
    "image_coverage",
    "coverage_gaps",
)
PARAMETER = re.compile(r"\$([a-z_]+)")
LOCK_RETRY_FIRST_WAIT = 0.5
# DuckDB writes a full row group while the insert runs, on every thread, and the last,
# partial one when the transaction commits, on one thread. With its default of 122,880
# rows, a whole 100,000-file load was one partial row group: 3 s of single-threaded
# compression in the commit. Row groups this size are written during the inserts.
ROW_GROUP_SIZE = 16_384
# The name DuckDB gives the file when it is opened directly, so SQL naming it works either way.
CATALOG = "matterhouse"


class WarehouseLocked(MatterhouseError):
    """Another process holds the DuckDB file."""

    def __init__(self, path: Path, detail: str, waited: float):
        holder = re.search(r"\(PID \d+\)", detail)
        super().__init__(
            f"the warehouse file {path} is locked by another process{' ' + holder.group(0) if holder else ''} "
            f"(waited {waited:.0f} s); close the notebook, BI tool or run that has it open, then run again"
        )
        self.path = path


def database_path(warehouse: Path) -> Path:
    return warehouse / DATABASE_FILE


def connect(warehouse: Path, read_only: bool = False, lock_timeout: float = 0.0) -> duckdb.DuckDBPyConnection:
    """Open the warehouse's DuckDB file, retrying with backoff while another process holds it."""
    path = database_path(warehouse)
    if not read_only:
        warehouse.mkdir(parents=True, exist_ok=True)
    started, wait = time.monotonic(), LOCK_RETRY_FIRST_WAIT
    while True:
        try:
            connection = _attach(path, read_only)
            break
        except duckdb.IOException as error:
            waited = time.monotonic() - started
            if "lock" not in str(error).lower():
                raise
            if waited + wait > lock_timeout:
                raise WarehouseLocked(path, str(error), waited) from None
            time.sleep(wait)
            wait *= 2
    connection.execute("set TimeZone = 'UTC'")
    connection.execute(f"set memory_limit = '{MEMORY_LIMIT}'")
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
    used = {name: parameters[name] for name in PARAMETER.findall(statement)}
    return connection.execute(statement, used or None)


def fetch_dicts(connection, statement: str, **parameters) -> list[dict]:
    cursor = run_sql(connection, statement, **parameters)
    columns = [column[0] for column in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


class WarehouseOutdated(MatterhouseError):
    """The warehouse's tables do not have the columns this version of matterhouse writes."""


def check_schema(connection, warehouse: Path) -> None:
    """Refuse a warehouse whose published tables differ from this version's DDL."""
    expected_db = duckdb.connect()
    for table in PUBLISHED_TABLES:
        expected_db.execute(sql(f"schema/{table}"))
    columns = "select table_name, column_name, data_type from information_schema.columns where table_schema = 'main'"
    expected = _columns_by_table(expected_db.execute(columns).fetchall())
    actual = _columns_by_table(connection.execute(columns).fetchall())
    expected_db.close()
    differing = sorted(table for table in PUBLISHED_TABLES if table in actual and actual[table] != expected[table])
    if differing:
        raise WarehouseOutdated(
            f"the warehouse {warehouse} was built by another version of matterhouse (tables {', '.join(differing)} "
            "differ); move the folder aside and run again to rebuild it from the sources"
        )


def _columns_by_table(rows) -> dict[str, list[tuple]]:
    tables: dict[str, list[tuple]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append((column, data_type))
    return tables


@contextmanager
def known_state(warehouse: Path, lock_timeout: float) -> Iterator[tuple[duckdb.DuckDBPyConnection | None, str | None]]:
    """What the warehouse knows before a run: a read-only connection to it when it has
    recorded files (None otherwise), and the id of the last run it committed."""
    if not database_path(warehouse).exists():
        yield None, None
        return
    connection = connect(warehouse, read_only=True, lock_timeout=lock_timeout)
    try:
        check_schema(connection, warehouse)
        tables = {row[0] for row in connection.execute("select schema_name || '.' || table_name from duckdb_tables()").fetchall()}
        last_runs = connection.execute(sql("state/last_run")).fetchall() if "main.etl_runs" in tables else []
        yield (connection if "staging.files" in tables else None), (last_runs[0][0] if last_runs else None)
    finally:
        connection.close()
