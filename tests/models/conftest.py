"""Unit tests of the merge-rule models (sql/models/): each case gives a few rows of the
model's input tables, builds the model on an in-memory warehouse, and states the exact
rows it must produce.

A case gives only the columns it cares about; the others are null, but for NOT NULL
columns left out, which take their type's zero value ('' or 0 or false, or the epoch for
a timestamp): no case relies on them. Timestamps may be given as text and are read as UTC.
"""

from datetime import datetime, timezone

import duckdb
import pytest

from matterhouse.steps.models import build_model, prepare_scopes
from matterhouse.store.schema import ddl_statements
from matterhouse.store.tables import INTERMEDIATE_MODELS

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
ZERO = {"VARCHAR": "", "INTEGER": 0, "BIGINT": 0, "BOOLEAN": False, "TIMESTAMP WITH TIME ZONE": EPOCH}


@pytest.fixture
def con():
    connection = duckdb.connect(":memory:")
    connection.execute("set TimeZone='UTC'")
    for statement in ddl_statements():
        connection.execute(statement)
    prepare_scopes(connection)
    # Built, in order, from the empty input tables, so that a case can give rows to the
    # intermediate models it reads (a model reads only the ones built before it).
    for model in INTERMEDIATE_MODELS:
        build_model(connection, model)
    yield connection
    connection.close()


def given(con, table: str, rows: list[dict]) -> None:
    """Insert rows into a table by column name."""
    required = [(name, kind) for name, kind, null, *_ in con.execute(f"describe {table}").fetchall() if null == "NO"]
    for row in rows:
        row = {name: ZERO[kind] for name, kind in required} | row
        columns = ", ".join(f'? as "{name}"' for name in row)
        con.execute(f"insert into {table} by name select {columns}", list(row.values()))


def rows(con, query: str) -> list[dict]:
    cursor = con.execute(query)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def outcome(con, model: str, query: str, *inputs: dict[str, list[dict]]) -> list[dict]:
    """The rows `query` reads after the model is built from the input rows, given as
    {table: rows} (in parts, if a case is easier written so)."""
    for part in inputs:
        for table, table_rows in part.items():
            given(con, table, table_rows)
    build_model(con, model)
    return rows(con, query)
