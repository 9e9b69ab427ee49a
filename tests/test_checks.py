"""Data checks: each built-in check really catches the breach it names, and a failed
check fails the run without changing the published data."""

import shutil
from pathlib import Path

import duckdb
import pytest

import matterhouse.steps.load
from matterhouse.read.dbt_sources import ARGUMENT, GenericTest, generic_tests
from matterhouse.steps.load import ChecksFailed, read_checks, run_checks
from matterhouse.steps.models import prepare_scopes

from .conftest import CASES, build_warehouse, query, visible_entries

CORRUPTIONS = {
    "unique_articles": "insert into articles select * from articles limit 1",
    "unique_articles_url": "insert into articles select * replace ('other' as article_id) from articles limit 1",
    "unique_article_urls": "insert into article_urls select * from article_urls limit 1",
    "relationships_article_urls_articles": "delete from article_urls where kind = 'web'",
    "accepted_values_article_urls_kind": "update article_urls set kind = 'mobile'",
    "unique_providers": "insert into providers select * from providers limit 1",
    "unique_images": "insert into images select * from images limit 1",
    "unique_article_relations": "insert into article_relations select * from article_relations limit 1",
    "unique_article_topics": "insert into article_topics select * from article_topics limit 1",
    "unique_source_files": "insert into source_files select * from source_files limit 1",
    "keys_are_hashes_of_natural_keys": "update providers set domain = 'changed.example'",
    "relationships_images_articles": "delete from articles where article_id in (select article_id from images)",
    "relationships_article_relations_articles": "delete from articles where not has_source_file",
    "relationships_article_topics_articles": "delete from articles where has_source_file",
    "relationships_articles_providers": "delete from providers",
    "relationships_data_warnings_source_files": "insert into data_warnings values ('nope', 'x.md', 'quality', '1', 'm', 'r')",
    "accepted_values_source_files_status": "update source_files set status = 'maybe'",
    "loaded_files_have_their_article": "update articles set source_file_id = 'elsewhere' where has_source_file",
    "has_source_file_matches_source_files": "update articles set has_source_file = true",
    "related_only_articles_are_cited": "delete from article_relations",
}


def write_check(tmp_path, name: str, query_text: str) -> Path:
    """A folder of the user's own checks with one check in it; returns the folder."""
    checks = tmp_path / "my checks"
    checks.mkdir(exist_ok=True)
    (checks / f"{name}.sql").write_text(query_text + "\n")
    return checks


@pytest.fixture(scope="module")
def seed_database(tmp_path_factory):
    """The seed, and a file with bad field values: rows in every table the checks read."""
    warehouse = tmp_path_factory.mktemp("checks") / "warehouse"
    build_warehouse(CASES / "seed" / "input", CASES / "field_warnings" / "input", warehouse=warehouse)
    return warehouse / "matterhouse.duckdb"


def test_every_built_in_check_has_a_corruption_that_trips_it():
    names = {check.name for check in read_checks(None)}
    assert names - {"not_null_keys"} == set(CORRUPTIONS)


@pytest.mark.parametrize("check, corruption", sorted(CORRUPTIONS.items()))
def test_a_check_catches_its_breach(seed_database, tmp_path, check, corruption):
    database = tmp_path / "corrupt.duckdb"
    shutil.copy(seed_database, database)
    with duckdb.connect(str(database)) as connection:
        prepare_scopes(connection)
        assert run_checks(connection, "clean", read_checks(None)) == []
        connection.execute(corruption)
        failures = run_checks(connection, "corrupt", read_checks(None))
        every_key_in_scope(connection)
        failures_by_key = run_checks(connection, "corrupt, by key", read_checks(None), everything=False)
    for found in (failures, failures_by_key):
        assert check in {failure["check_name"] for failure in found}
        failed = next(failure for failure in found if failure["check_name"] == check)
        assert failed["failing_rows"] > 0 and failed["sample"]


def breach(test: GenericTest) -> str:
    """A change that breaks the dbt test a check declares; for a unique test, a copied row
    with new values in the columns of its table's other unique tests, which still hold."""
    table, column = test.table, test.columns[0]
    if test.kind == "not_null":
        return f"alter table {table} alter {column} drop not null; update {table} set {column} = null"
    if test.kind in ("relationships", "accepted_values"):
        return f"update {table} set {column} = 'nowhere'"
    unique = {column for other in generic_tests() if other.kind == "unique" and other.table == table for column in other.columns}
    others = ", ".join(f"'other' as {column}" for column in sorted(unique - set(test.columns)))
    return f"insert into {table} select * {f'replace ({others})' if others else ''} from {table} limit 1"


def test_the_checks_named_for_a_dbt_test_declare_it_and_no_other_check_declares_one():
    declared = {(test.check, test.kind) for test in generic_tests()}
    for check in read_checks(None):
        named = [kind for kind in ARGUMENT if check.name.startswith(f"{kind}_")]
        assert {kind for name, kind in declared if name == check.name} == set(named), check.name


@pytest.mark.parametrize("test", generic_tests(), ids=lambda test: f"{test.kind} {test.table}.{'+'.join(test.columns)}")
def test_a_check_catches_the_breach_of_each_dbt_test_it_declares(seed_database, tmp_path, test):
    """What `matterhouse dbt` writes as dbt tests is what the checks catch."""
    database = tmp_path / "corrupt.duckdb"
    shutil.copy(seed_database, database)
    checks = [check for check in read_checks(None) if check.name == test.check]
    with duckdb.connect(str(database)) as connection:
        prepare_scopes(connection)
        assert run_checks(connection, "clean", checks) == []
        connection.execute(breach(test))
        failures = run_checks(connection, "corrupt", checks)
        every_key_in_scope(connection)
        failures_by_key = run_checks(connection, "corrupt, by key", checks, everything=False)
    assert [failure["check_name"] for failure in failures + failures_by_key] == [test.check] * 2


def every_key_in_scope(connection) -> None:
    """Fill the scopes the checks of a build by key read with every key the tables hold."""
    articles = " union ".join(
        f"select {column} from {table}"
        for table, column in (
            ("articles", "article_id"),
            ("images", "article_id"),
            ("article_topics", "article_id"),
            ("article_urls", "article_id"),
            ("article_relations", "article_id"),
            ("article_relations", "related_article_id"),
        )
    )
    connection.execute(f"insert into scope_checked_articles {articles}")
    connection.execute("insert into scope_relations select article_id from article_relations")
    connection.execute(
        "insert into scope_files select source_file_id from source_files union select source_file_id from data_warnings"
    )
    connection.execute("insert into scope_providers select provider_id from providers union select provider_id from articles")


def test_a_failed_check_fails_the_run_and_keeps_the_previous_data(run_pipeline, tmp_path):
    _, warehouse = run_pipeline(CASES / "seed" / "input")
    checks = write_check(tmp_path, "articles_have_a_category", "select url from articles where category is null")

    with pytest.raises(ChecksFailed) as raised:
        run_pipeline(CASES / "examples" / "input", warehouse=warehouse, checks_dir=str(checks))

    message = str(raised.value)
    assert message.startswith("data check articles_have_a_category failed on 2 rows, e.g. {'url': 'https://")
    assert message.endswith("the warehouse keeps its previous data, see check_results")
    assert query(warehouse, "select count(*), count(*) filter (has_source_file) from articles") == [(4, 1)]
    assert query(warehouse, "select status, checks_failed from etl_runs order by started_at") == [
        ("succeeded", 0),
        ("failed", 1),
    ]
    assert query(warehouse, "select failing_rows from check_results where status = 'failed'") == [(2,)]
    for table in ("etl_runs", "check_results", "articles"):
        parquet = query(
            warehouse, "select count(*) from read_parquet(?)", [str(warehouse / "parquet" / table / "**" / "*.parquet")]
        )
        assert parquet == query(warehouse, f"select count(*) from {table}"), table
    assert visible_entries(warehouse) == ["matterhouse.duckdb", "parquet", "views.duckdb"]


def check_rows(warehouse, run_id: str) -> list[tuple]:
    return query(
        warehouse, "select check_name, status, failing_rows from check_results where run_id = ? order by check_name", [run_id]
    )


def test_a_run_that_changed_nothing_takes_over_the_last_check_results(run_pipeline, tmp_path, monkeypatch):

    source = CASES / "seed" / "input"
    first, warehouse = run_pipeline(source)

    def fail_if_run(*args):
        raise AssertionError("the checks ran again on unchanged data")

    with monkeypatch.context() as patched:
        patched.setattr(matterhouse.steps.load, "run_checks", fail_if_run)
        second, _ = run_pipeline(source, warehouse=warehouse)
    assert second["checks_passed"] == first["checks_passed"] == len(read_checks(None))
    assert check_rows(warehouse, second["run_id"]) == check_rows(warehouse, first["run_id"])


def test_changed_checks_run_again_on_unchanged_data(run_pipeline, tmp_path):
    source = CASES / "examples" / "input"
    _, warehouse = run_pipeline(source)
    checks = write_check(tmp_path, "articles_have_a_title", "select url from articles where title is null")
    added, _ = run_pipeline(source, warehouse=warehouse, checks_dir=str(checks))
    assert ("articles_have_a_title", "passed", 0) in check_rows(warehouse, added["run_id"])

    write_check(tmp_path, "articles_have_a_title", "select url from articles where category is null")
    with pytest.raises(ChecksFailed, match="articles_have_a_title failed on 2 rows"):
        run_pipeline(source, warehouse=warehouse, checks_dir=str(checks))


def test_a_failed_check_fails_every_rerun_until_it_holds(run_pipeline, tmp_path):
    source = CASES / "examples" / "input"
    _, warehouse = run_pipeline(source)
    checks = write_check(tmp_path, "articles_have_a_category", "select url from articles where category is null")
    for _ in range(2):
        with pytest.raises(ChecksFailed, match="articles_have_a_category failed on 2 rows"):
            run_pipeline(source, warehouse=warehouse, checks_dir=str(checks))
    assert query(warehouse, "select status from etl_runs order by started_at") == [("succeeded",), ("failed",), ("failed",)]
