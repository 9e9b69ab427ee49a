"""How the load's DuckDB connection is set up."""

import duckdb
import pytest

import matterhouse
from matterhouse.steps.load import ChecksFailed
from matterhouse.store import warehouse as wh

from .conftest import CASES


def test_a_write_connection_stores_rows_in_row_groups_of_the_set_size(tmp_path):
    connection = wh.connect(tmp_path)
    connection.execute("begin transaction")
    connection.execute(f"create table numbers as select range as n from range({2 * wh.ROW_GROUP_SIZE + 1})")
    connection.execute("commit")
    connection.close()
    with duckdb.connect(str(wh.database_path(tmp_path)), read_only=True) as plain:
        row_groups = plain.execute("select count(distinct row_group_id) from pragma_storage_info('numbers')").fetchone()
        rows = plain.execute("select count(*), sum(n) from numbers").fetchone()
    assert row_groups == (3,)
    assert rows == (2 * wh.ROW_GROUP_SIZE + 1, wh.ROW_GROUP_SIZE * (2 * wh.ROW_GROUP_SIZE + 1))


def test_connections_name_the_file_as_duckdb_does_and_spill_beside_it(tmp_path):
    wh.connect(tmp_path).close()
    for read_only in (False, True):
        connection = wh.connect(tmp_path, read_only=read_only)
        names = connection.execute("select current_database(), current_setting('temp_directory')").fetchone()
        connection.close()
        assert names == ("matterhouse", f"{wh.database_path(tmp_path)}.tmp")


@pytest.mark.parametrize(
    "options, environ, limit",
    [({}, {}, "300.0 MiB"), ({"memory_limit": "1GB"}, {}, "1.0 GiB"), ({}, {"MATTERHOUSE_MEMORY_LIMIT": "512 mb"}, "512.0 MiB")],
)
def test_a_runs_load_has_the_memory_limit_it_was_given(tmp_path, monkeypatch, options, environ, limit):
    """A data check runs on the load's own connection: this one fails on purpose, and its
    sample row is what DuckDB says its memory limit is there."""
    monkeypatch.delenv("MATTERHOUSE_MEMORY_LIMIT", raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "memory_limit.sql").write_text("select current_setting('memory_limit') as memory_limit\n")
    with pytest.raises(ChecksFailed) as raised:
        matterhouse.run([CASES / "seed" / "input"], tmp_path / "warehouse", checks_dir=tmp_path / "checks", **options)
    (failure,) = raised.value.failures
    assert (failure["check_name"], failure["sample"]) == ("memory_limit", [{"memory_limit": limit}])
