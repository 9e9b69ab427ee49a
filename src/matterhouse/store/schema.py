"""The warehouse's schema: created at this version's DDL, or upgraded in place, then checked.

A new warehouse is created straight from the DDL (the parsed tables' own, derived from
the Arrow schemas parse workers write; sql/state/schema/ for the state tables; sql/schema/
for the published ones) and records the latest schema version.
An older one is brought up to date by the migrations it lacks, sql/migrations/NNN_*.sql
in order; a warehouse built by matterhouse 0.1.0, which recorded no version, is at 0.
Either way every table must then have exactly the columns its DDL gives, so that no
table's shape depends on which matterhouse, or which Parquet, came first.
"""

import hashlib
import re
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from pathlib import Path

import duckdb

from matterhouse.store.tables import (
    INTERMEDIATE_MODELS,
    MODEL_TABLES,
    PARSED_TABLES,
    PUBLISHED_TABLES,
    STAMPED_COLUMNS,
    STATE_TABLES,
    VIEWS,
)
from matterhouse.store.warehouse import SQL_DIR, run_sql, sql, sql_literal
from matterhouse.transforms.errors import MatterhouseError
from matterhouse.transforms.tables import PARSED_SCHEMAS

MIGRATION_FILE = re.compile(r"(\d{3})_(\w+)\.sql")
COLUMN_COMMENT = re.compile(r"^\s+(\w+)\s+[^-]*--\s*(.*)$")
SCRATCH = "expected_schema"
CHECKED_TABLES = [*PARSED_TABLES, *STATE_TABLES, *PUBLISHED_TABLES]
SCHEMAS = ("parsed", "state", "intermediate")
# DuckDB's names for the Arrow types parse workers write.
DUCKDB_TYPES = {
    "string": "varchar",
    "int64": "bigint",
    "int32": "integer",
    "bool": "boolean",
    "timestamp[us, tz=UTC]": "timestamptz",
}


class WarehouseSchemaError(MatterhouseError):
    """The warehouse's tables are not what this version of matterhouse can use."""


@dataclass(frozen=True)
class Description:
    """What the `--` comments beside a published table's DDL or a view's query say."""

    text: str  # the header: the grain and key
    columns: dict[str, str]  # {column: its comment}, for the columns that have one


@cache
def description(name: str) -> Description:
    """The description of published table or view `name` (sql/schema/, sql/views/)."""
    folder = "views" if name in VIEWS else "schema"
    lines = (SQL_DIR / folder / f"{name}.sql").read_text(encoding="utf-8").splitlines()
    text = " ".join(line.removeprefix("--").strip() for line in lines if line.startswith("--"))
    columns = {match.group(1): match.group(2).strip() for match in map(COLUMN_COMMENT.match, lines) if match}
    return Description(text, columns)


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: str


@cache
def migrations() -> tuple[Migration, ...]:
    """sql/migrations/NNN_description.sql, numbered from 1 without gaps."""
    found = []
    for path in sorted((SQL_DIR / "migrations").glob("*.sql")):
        match = MIGRATION_FILE.fullmatch(path.name)
        found.append(Migration(int(match.group(1)), match.group(2).replace("_", " "), path.read_text(encoding="utf-8")))
    if [migration.version for migration in found] != list(range(1, len(found) + 1)):
        raise RuntimeError("sql/migrations/ must be numbered 001, 002, ... without gaps")
    return tuple(found)


def latest_version() -> int:
    return len(migrations())


def ddl_statements() -> list[str]:
    """The statements that create every table at the current version (if it is missing)."""
    return [
        *(f"create schema if not exists {schema}" for schema in SCHEMAS),
        *(parsed_table_ddl(table) for table in PARSED_TABLES),
        *(sql(f"state/schema/{table}") for table in STATE_TABLES),
        *(sql(f"schema/{table}") for table in PUBLISHED_TABLES),
    ]


def parsed_table_ddl(table: str) -> str:
    """parsed.<table> as its Arrow schema declares it, with the columns the load stamps."""
    columns = [
        f"{field.name} {DUCKDB_TYPES[str(field.type)]}{'' if field.nullable else ' not null'}" for field in PARSED_SCHEMAS[table]
    ]
    columns += [f"{name} {kind}" for name, kind in STAMPED_COLUMNS.get(table, {}).items()]
    return f"create table if not exists parsed.{table} (\n    " + ",\n    ".join(columns) + "\n)"


def read_run_table(table: str, files: list[str], run_id: str) -> str:
    """The statement that makes run_<table>: this run's rows of parsed.<table>, read from
    the Parquet `files` its parse workers wrote, stamped with the run."""
    stamps = {"run_id": sql_literal(run_id)}
    columns = [*PARSED_SCHEMAS[table].names, *(f"{stamps[name]} as {name}" for name in STAMPED_COLUMNS.get(table, {}))]
    return sql("state/read_run_table", table=table, columns=", ".join(columns), files=sql_literal(files))


def view_statements() -> list[str]:
    return [sql(f"views/{view}") for view in VIEWS]


@cache
def ddl_fingerprint() -> str:
    """A hash of the schema this release gives a warehouse and of its merge rules: the
    migrations, the DDL, the views and the models (without their comments, which can be
    reworded without building everything again)."""
    models = [re.sub(r"--[^\n]*", "", sql(f"models/{model}")) for model in (*INTERMEDIATE_MODELS, *MODEL_TABLES)]
    texts = [migration.statements for migration in migrations()] + ddl_statements() + view_statements() + models
    return hashlib.sha256("\0".join(texts).encode()).hexdigest()


def ensure_schema(connection: duckdb.DuckDBPyConnection, warehouse: Path) -> bool:
    """Create or upgrade the warehouse's tables, check them against the DDL, and recreate
    the views, in one transaction. Returns True when the warehouse meets this release's
    schema and merge rules for the first time: its tables are then rebuilt by the run.
    A warehouse that already had them, with its columns as they were then, costs three
    queries and the views."""
    version, fingerprint, columns = _recorded_version(connection)
    if version is not None and version > latest_version():
        raise WarehouseSchemaError(
            f"the warehouse {warehouse} was built by a newer matterhouse (schema version {version}, this one "
            f"knows up to {latest_version()}); upgrade matterhouse to use it"
        )
    current = version == latest_version() and fingerprint == ddl_fingerprint()
    if current and columns != _columns_fingerprint(_actual_columns(connection)):
        _check(connection, warehouse, expected_columns(connection))  # names what was changed by hand
    expected = None if current else expected_columns(connection)
    connection.execute("begin transaction")
    try:
        if not current:
            _upgrade(connection, version)
            _check(connection, warehouse, expected)
        for statement in view_statements():  # every run: a view dropped by hand comes back
            connection.execute(statement)
        connection.execute("commit")
    except BaseException:
        with suppress(duckdb.TransactionException):  # a failed commit leaves none to roll back
            connection.execute("rollback")
        raise
    return not current


def _upgrade(connection, version: int | None) -> None:
    """Bring a warehouse at `version` (None: empty) to this release's schema."""
    pending = [] if version is None else list(migrations()[version:])
    for migration in pending:
        connection.execute(migration.statements)
    for statement in ddl_statements():
        connection.execute(statement)
    if version is None:
        _record(connection, latest_version(), f"created at schema version {latest_version()}")
    for migration in pending:
        _record(connection, migration.version, migration.description)
    if version is not None and not pending:
        _record(connection, version, "views and merge rules of another matterhouse release")


def _recorded_version(connection) -> tuple[int | None, str | None, str | None]:
    """The schema version the warehouse is at (None for an empty database) and the
    fingerprints of the DDL it last received and of its columns then."""
    tables = {name for (name,) in connection.execute(sql("state/existing_tables")).fetchall()}
    for schema in ("state", "staging"):  # before 0.3.0, the state tables were in staging
        if f"{schema}.schema_migrations" in tables:
            return connection.execute(sql("state/schema_version", schema=schema)).fetchone()
    return (0 if "main.etl_runs" in tables else None), None, None  # 0.1.0 recorded no version


def _record(connection, version: int, description: str) -> None:
    run_sql(
        connection,
        sql("state/record_migration"),
        version=version,
        description=description,
        ddl_fingerprint=ddl_fingerprint(),
        columns_fingerprint=_columns_fingerprint(_actual_columns(connection)),
        applied_at=datetime.now(timezone.utc),
    )


def _check(connection, warehouse: Path, expected: dict[str, list[tuple]]) -> None:
    """Every table has exactly the columns, types and nullability its DDL gives."""
    actual = _actual_columns(connection)
    differing = sorted(name for name, columns in expected.items() if actual.get(name) != columns)
    if differing:
        raise WarehouseSchemaError(
            f"the warehouse {warehouse} has tables this matterhouse does not expect ({', '.join(differing)}); "
            "if they were changed by hand, move the folder aside and run again to rebuild it from the sources"
        )


def _actual_columns(connection) -> dict[str, list[tuple]]:
    return _columns_by_table(run_sql(connection, sql("state/table_columns"), tables=CHECKED_TABLES).fetchall())


def _columns_fingerprint(columns: dict[str, list[tuple]]) -> str:
    return hashlib.sha256(repr(sorted(columns.items())).encode()).hexdigest()


def expected_columns(connection: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """The columns of every table as this version's DDL creates them, built in a scratch
    in-memory database attached to `connection` (cheaper than a DuckDB of its own)."""
    current = connection.execute("select current_database()").fetchone()[0]
    connection.execute(f"attach ':memory:' as {SCRATCH}")
    try:
        connection.execute(f"use {SCRATCH}")
        for statement in ddl_statements():
            connection.execute(statement)
        rows = run_sql(connection, sql("state/table_columns"), tables=CHECKED_TABLES).fetchall()
    finally:
        connection.execute(f"use {current}")
        connection.execute(f"detach {SCRATCH}")
    return _columns_by_table(rows)


def _columns_by_table(rows) -> dict[str, list[tuple]]:
    tables: dict[str, list[tuple]] = {}
    for table, *column in rows:
        tables.setdefault(table, []).append(tuple(column))
    return tables
