"""`matterhouse dbt`: the sources.yml it writes for the readers' file."""

from pathlib import Path

import pytest
import yaml

from matterhouse.cli import main
from matterhouse.read.dbt_sources import generic_tests, sources_yml
from matterhouse.read.schema_doc import descriptions
from matterhouse.store.tables import PUBLISHED_TABLES, VIEWS

from .conftest import CASES, build_warehouse, query, unwrapped


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    warehouse = tmp_path_factory.mktemp("dbt") / "warehouse"
    build_warehouse(CASES / "seed" / "input", warehouse=warehouse)
    return warehouse


def database_columns(warehouse: Path) -> dict[str, list[str]]:
    """The columns of each table and view in the warehouse's own DuckDB file, in order."""
    columns: dict[str, list[str]] = {}
    for table, column in query(
        warehouse,
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'main' order by table_name, ordinal_position",
    ):
        columns.setdefault(table, []).append(column)
    return columns


def test_sources_list_every_table_view_and_column_with_the_ddls_descriptions(warehouse):
    text = sources_yml(warehouse)
    assert sources_yml(warehouse) == text
    (source,) = yaml.safe_load(text)["sources"]
    assert (source["name"], source["database"], source["schema"]) == ("matterhouse", "matterhouse", "main")
    assert [table["name"] for table in source["tables"]] == sorted((*PUBLISHED_TABLES, *VIEWS))
    columns = database_columns(warehouse)
    columns["articles"].append("published_month")  # its Parquet's month folders, which the readers' file shows
    for table in source["tables"]:
        grain, notes = descriptions(table["name"])
        assert table["description"] == grain != ""
        assert [column["name"] for column in table["columns"]] == columns[table["name"]]
        described = {column["name"]: column["description"] for column in table["columns"] if "description" in column}
        assert described == {name: note for name, note in notes.items() if name in columns[table["name"]]}
    articles = next(table for table in source["tables"] if table["name"] == "articles")
    assert articles["columns"][0] == {
        "name": "article_id",
        "description": "stable hash of url",
        "data_tests": ["not_null", "unique"],
    }


def test_the_checks_that_are_generic_tests_are_dbt_tests_on_their_columns(warehouse):
    text = sources_yml(warehouse)
    tables = {table["name"]: table for table in yaml.safe_load(text)["sources"][0]["tables"]}

    def column_tests(table: str, column: str) -> list:
        return next(entry for entry in tables[table]["columns"] if entry["name"] == column).get("data_tests", [])

    assert "unique" in column_tests("articles", "url")
    assert column_tests("images", "article_id") == [
        "not_null",
        {"relationships": {"arguments": {"to": "source('matterhouse', 'articles')", "field": "article_id"}}},
    ]
    assert tables["images"]["data_tests"] == [{"unique": {"arguments": {"column_name": "row(article_id, position)"}}}]
    assert column_tests("source_files", "status") == [
        {"accepted_values": {"arguments": {"values": ["loaded", "superseded", "rejected"]}}}
    ]
    every_test = [test for table in tables.values() for test in table.get("data_tests", [])] + [
        test for table in tables.values() for column in table["columns"] for test in column.get("data_tests", [])
    ]
    assert len(every_test) == len(generic_tests()) > 0
    assert not any("data_tests" in tables[view] or any("data_tests" in c for c in tables[view]["columns"]) for view in VIEWS)
    # The checks no generic test says are named, as left out.
    assert "#   keys_are_hashes_of_natural_keys\n" in text and "#   not_null_keys\n" not in text


def test_the_command_prints_the_sources_or_writes_them_to_a_file(warehouse, tmp_path, capsys):
    assert main(["dbt", "--warehouse", str(warehouse)]) == 0
    assert capsys.readouterr().out == sources_yml(warehouse)
    assert main(["dbt", "--warehouse", str(warehouse), "--output", str(tmp_path / "sources.yml")]) == 0
    assert capsys.readouterr().out == f"matterhouse: dbt sources written to {tmp_path / 'sources.yml'}\n"
    assert (tmp_path / "sources.yml").read_text(encoding="utf-8") == sources_yml(warehouse)
    assert main(["dbt", "--warehouse", str(tmp_path / "nothing")]) == 1
    assert unwrapped(capsys.readouterr().err) == (
        f"matterhouse: error: there is no warehouse in {tmp_path / 'nothing'} yet: "
        f"run `matterhouse run --warehouse {tmp_path / 'nothing'}` first\n"
    )
