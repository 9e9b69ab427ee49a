"""The readers' file, views.duckdb, as downstream tools open it: DuckDB 1.4 LTS and 1.5 (which
BI drivers and SQL editors embed), and SQLAlchemy with duckdb_engine (SQLAlchemy-based BI
tools), each in an environment of its own (tests/clients.py)."""

import json

import duckdb
import pytest

from matterhouse.store.tables import PARTITIONED_TABLES, PUBLISHED_TABLES, VIEWS
from matterhouse.store.views_file import STAMP, VIEWS_FILE, reader_view_statements, write_views_file

from .clients import run_client
from .conftest import PROJECT_ROOT, build_warehouse, query

READER_VIEWS = (*PUBLISHED_TABLES, *VIEWS)

COUNT_ROWS = """
import json, sys, duckdb
views = duckdb.connect(sys.argv[1], read_only=True)
counts = {name: views.execute(f"select count(*) from {name}").fetchone()[0] for name in sys.argv[2:]}
print(json.dumps({"version": duckdb.__version__, "counts": counts}))
"""

REFLECT_VIEWS = """
import json, sys, duckdb, sqlalchemy
from importlib.metadata import version
engine = sqlalchemy.create_engine(f"duckdb:///{sys.argv[1]}", connect_args={"read_only": True})
inspector = sqlalchemy.inspect(engine)
views = {name: [column["name"] for column in inspector.get_columns(name)] for name in inspector.get_view_names()}
versions = {"sqlalchemy": sqlalchemy.__version__, "duckdb_engine": version("duckdb_engine"), "duckdb": duckdb.__version__}
print(json.dumps({"versions": versions, "views": views}))
"""


def storage_version(path) -> str:
    """The oldest DuckDB storage format a file needs, as DuckDB names it: v1.4.0+ opens in 1.4."""
    with duckdb.connect() as connection:
        connection.execute(f"attach '{path}' as file (read_only)")
        tags = connection.execute("select tags from duckdb_databases() where database_name = 'file'").fetchone()[0]
    return tags["storage_version"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    warehouse = tmp_path_factory.mktemp("readers") / "warehouse"
    build_warehouse(PROJECT_ROOT / "sample", warehouse=warehouse)
    return warehouse


def test_a_views_file_in_the_newest_format_is_renewed_once_in_the_readers_format(sample, tmp_path):
    """As the release before wrote it: this DuckDB's newest format, stamped with the statements alone."""
    views_file = tmp_path / "warehouse" / VIEWS_FILE
    views_file.parent.mkdir()
    (views_file.parent / "parquet").symlink_to(sample / "parquet")
    statements = reader_view_statements(views_file.parent)
    with duckdb.connect(str(views_file)) as connection:
        for statement in statements:
            connection.execute(statement)
    (views_file.parent / STAMP).write_text(";\n".join(statements), encoding="utf-8")
    assert storage_version(views_file) == "v2.0.0+"

    write_views_file(views_file.parent)
    assert storage_version(views_file) == "v1.4.0+"
    renewed = views_file.stat().st_ino
    write_views_file(views_file.parent)
    assert views_file.stat().st_ino == renewed, "renewed once, then kept"


@pytest.mark.slow
@pytest.mark.parametrize(("client", "version"), [("duckdb-1.4", "1.4."), ("duckdb-1.5", "1.5.")])
def test_older_duckdbs_read_every_table_and_view_of_the_views_file(sample, client, version):
    expected = {name: query(sample, f"select count(*) from {name}")[0][0] for name in READER_VIEWS}
    assert all(expected.values()), f"the sample leaves some empty: {expected}"
    read = json.loads(run_client(client, COUNT_ROWS, str(sample / VIEWS_FILE), *READER_VIEWS))
    print(client, "opened it as DuckDB", read["version"])
    assert read["version"].startswith(version)
    assert read["counts"] == expected


@pytest.mark.slow
def test_sqlalchemy_reflects_every_view_of_the_views_file_with_its_columns(sample):
    columns = "select column_name from information_schema.columns where table_name = ? order by ordinal_position"
    expected = {name: [column for (column,) in query(sample, columns, [name])] for name in READER_VIEWS}
    for table in PARTITIONED_TABLES:  # read with its Hive folders, whose names add the month
        expected[table].append("published_month")
    reflected = json.loads(run_client("sqlalchemy", REFLECT_VIEWS, str(sample / VIEWS_FILE)))
    print("reflected with", reflected["versions"])
    assert reflected["versions"]["sqlalchemy"].startswith("2.0.")
    assert reflected["views"] == expected
