"""How the load's DuckDB connection is set up."""

import duckdb

from matterhouse.store import warehouse as wh


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
