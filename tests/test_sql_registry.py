"""The table registry (matterhouse/store/tables.py) and the SQL files agree: every registered
name has its files, every SQL file names only registered tables and parameters, and every
statement binds against the real schema."""

import re
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from matterhouse.steps.export import part_expression
from matterhouse.steps.models import model_query, prepare_scopes
from matterhouse.steps.scan import FOUND_SCHEMA
from matterhouse.store.schema import ensure_schema, read_run_table
from matterhouse.store.tables import (
    EXPORT_ORDER,
    FOLDERS,
    INTERMEDIATE_MODELS,
    MODEL_TABLES,
    PARAMETERS,
    PARSED_TABLES,
    PUBLISHED_TABLES,
    RUN_COLUMNS,
    SCOPES,
    STAMPED_COLUMNS,
    STATE_TABLES,
    VIEWS,
)
from matterhouse.store.warehouse import SQL_DIR, sql, sql_literal
from matterhouse.transforms.tables import PARSED_SCHEMAS

ALL_FILES = sorted(path.relative_to(SQL_DIR).with_suffix("").as_posix() for path in SQL_DIR.rglob("*.sql"))
# Files whose {table} placeholder takes each of these tables.
TEMPLATES = {
    "state/forget_files": PARSED_TABLES,
    "state/remember_files": PARSED_TABLES,
    "exports/changed_parts": tuple(MODEL_TABLES),
    "exports/new_rows": tuple(MODEL_TABLES),
    "status/table_rows": PUBLISHED_TABLES,
}
ARROW_TO_DUCKDB = {"string": "VARCHAR", "int64": "BIGINT", "int32": "INTEGER", "bool": "BOOLEAN"}


def names_in(folder: str) -> list[str]:
    """The SQL files directly inside sql/<folder>/, by name."""
    names = [name[len(folder) + 1 :] for name in ALL_FILES if name.startswith(folder + "/")]
    return sorted(name for name in names if "/" not in name)


def test_every_registered_table_has_its_files_and_no_file_is_unregistered():
    assert tuple(PARSED_SCHEMAS) == PARSED_TABLES
    assert names_in("state/schema") == sorted(STATE_TABLES)
    assert names_in("schema") == sorted(PUBLISHED_TABLES)
    assert names_in("models") == sorted((*MODEL_TABLES, *INTERMEDIATE_MODELS))
    assert names_in("exports") == ["changed_parts", "layout", "new_rows", "rows", "run_parts"]
    assert sorted(SCOPES) == sorted((*MODEL_TABLES, *INTERMEDIATE_MODELS))
    assert names_in("views") == sorted(VIEWS)
    assert sorted(EXPORT_ORDER) == sorted(PUBLISHED_TABLES)


def test_every_parameter_a_sql_file_takes_is_registered():
    for name in ALL_FILES:
        for parameter in re.findall(r"\$([a-z_]+)", sql(name)):
            assert parameter in PARAMETERS, f"sql/{name}.sql takes ${parameter}, which tables.PARAMETERS does not list"


@pytest.fixture(scope="module")
def parquet_files(tmp_path_factory) -> dict[str, list[str]]:
    """An empty Parquet file per parsed table, as parse workers write it."""
    folder = tmp_path_factory.mktemp("registry")
    files = {}
    for table in PARSED_TABLES:
        pq.write_table(PARSED_SCHEMAS[table].empty_table(), folder / f"{table}.parquet")
        files[table] = [str(folder / f"{table}.parquet")]
    return files


@pytest.fixture(scope="module")
def warehouse(parquet_files) -> duckdb.DuckDBPyConnection:
    """The real schema, with the objects a load creates while it runs."""
    connection = duckdb.connect()
    ensure_schema(connection, Path("in-memory"))
    connection.register("scan", FOUND_SCHEMA.append(pa.field("scan_order", pa.int64())).empty_table())
    for table, files in parquet_files.items():
        connection.execute(read_run_table(table, files, "run"))
    connection.execute(sql("state/forgotten_files"), {"deleted_ids": [], "full_refresh": False})
    connection.execute(sql("runs/create_table_rows"))
    prepare_scopes(connection)
    for model in INTERMEDIATE_MODELS:
        connection.execute(f"create table intermediate.{model} as {model_query(model, everything=True)}")
        connection.execute(f"create temp table before_{model} as from intermediate.{model}")
    yield connection
    connection.close()


def statements(name: str, parquet_files: dict[str, str]) -> list[str]:
    """The file's statements, with its placeholders filled for every table they take."""
    if name == "state/read_run_table":
        texts = [read_run_table(table, files, "run") for table, files in parquet_files.items()]
    elif name == "readers/published_table":  # a view over a Parquet file (the readers' file has one per table)
        texts = [sql(name, table="reader_view", files=sql_literal(parquet_files["files"]), hive="false")]
    elif name == "state/schema_version":
        texts = [sql(name, schema="state")]
    elif name == "exports/rows":
        texts = [
            sql(
                name,
                table=table,
                columns="*",
                order=EXPORT_ORDER[table],
                part=part_expression(table, 4),
                parts="true",
                rows="true",
            )
            for table in PUBLISHED_TABLES
        ]
    elif name == "exports/layout":
        texts = [sql(name, table=table, folder=FOLDERS.get(table, "1")) for table in PUBLISHED_TABLES]
    elif name == "exports/run_parts":
        texts = [
            sql(name, table=table, part=part_expression(table, 4), run_column=column, appends=str(appends))
            for table, (column, appends) in RUN_COLUMNS.items()
        ]
    elif name == "runs/hash_rows":
        texts = [
            sql(name, table=table, key=key, rows=table, part=part_expression(table, 4)) for table, key in MODEL_TABLES.items()
        ]
    elif name.startswith("checks/"):
        texts = [sql(name).replace("{everything}", everything) for everything in ("true", "false")]
    elif name.startswith("models/"):
        texts = [sql(name, everything=everything, slice="hash(article_id) % 2 = 1") for everything in ("true", "false")]
    elif name in ("runs/record_article_versions", "runs/number_article_versions"):
        texts = [sql(name, everything=everything) for everything in ("true", "false")]
    elif name in TEMPLATES:
        texts = [sql(name, table=table) for table in TEMPLATES[name]]
    else:
        texts = [sql(name)]
    return [statement for text in texts for statement in re.split(r";\s*\n", text) if statement.strip()]


# Migrations are tested in tests/test_upgrade.py.
@pytest.mark.parametrize("name", [name for name in ALL_FILES if not name.startswith("migrations/")])
def test_every_statement_binds_against_the_real_schema(warehouse, parquet_files, name):
    """DuckDB binds a prepared statement: an unknown table or column fails here. DDL and
    MERGE, which cannot be prepared, run in a transaction that is rolled back."""
    for statement in statements(name, parquet_files):
        if re.match(r"(\s*--.*\n)*\s*(create|merge) ", statement):
            warehouse.execute("begin transaction")
            try:
                warehouse.execute(statement, dict.fromkeys(re.findall(r"\$([a-z_]+)", statement)) or None)
            finally:
                warehouse.execute("rollback")
        else:
            warehouse.execute(f"prepare statement_under_test as {statement}")


def test_parsed_tables_are_what_parse_workers_write_and_the_load_stamps(warehouse):
    """The parsed tables' DDL is derived from the Arrow schemas: same names, types and
    nullability, plus the stamped columns."""
    for table, schema in PARSED_SCHEMAS.items():
        columns = warehouse.execute(
            "select column_name, data_type, is_nullable from duckdb_columns() "
            "where schema_name = 'parsed' and table_name = ? order by column_index",
            [table],
        ).fetchall()
        expected = [
            (
                field.name,
                "TIMESTAMP WITH TIME ZONE" if pa.types.is_timestamp(field.type) else ARROW_TO_DUCKDB[str(field.type)],
                field.nullable,
            )
            for field in schema
        ]
        stamped = [
            (name, kind.split()[0].upper(), "not null" not in kind) for name, kind in STAMPED_COLUMNS.get(table, {}).items()
        ]
        assert columns == expected + stamped, table


def test_a_statement_naming_a_missing_table_or_parameter_fails(warehouse):
    """The two checks above would catch a typo: shown on purpose here."""
    with pytest.raises(duckdb.CatalogException):
        warehouse.execute("prepare statement_under_test as select * from parsed.flies")
    assert "run_idd" not in PARAMETERS
    from matterhouse.store.warehouse import run_sql

    with pytest.raises(KeyError, match=r"\$run_idd is not registered"):
        run_sql(warehouse, "select $run_idd", run_idd="x")
