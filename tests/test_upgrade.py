"""Upgrades never strand a warehouse: a newer matterhouse migrates the schema in place and
reads again exactly the files parsed under older rules, with no flag, ending equal to a
fresh full build."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

import matterhouse
from matterhouse.steps.load import ChecksFailed
from matterhouse.store.schema import ensure_schema, latest_version
from matterhouse.transforms.articles import PARSE_RULES_VERSION

from .conftest import CASES, PROJECT_ROOT, build_warehouse, query
from .incremental_helpers import data_rows

# The last commit of matterhouse 0.1.0, whose warehouses recorded no schema version.
RELEASE_0_1_0 = "e7c7be9"
# The last commit of matterhouse 0.2.0, whose bookkeeping and parsed tables sat in the
# DuckDB schema `staging`.
RELEASE_0_2_0 = "1fe103f"


def git(*arguments: str) -> str:
    return subprocess.run(["git", "-C", str(PROJECT_ROOT), *arguments], capture_output=True, text=True, check=True).stdout


def release_ddl(commit: str) -> list[str]:
    """The statements a release created a new warehouse with, read from git."""
    files = git("ls-tree", "--name-only", commit, "sql/state/schema/", "sql/schema/").split()
    return ["create schema if not exists staging", *(git("show", f"{commit}:{name}") for name in files)]


def copy_sources(tmp_path):
    sources = [tmp_path / "sources" / "seed", tmp_path / "sources" / "examples"]
    for name, target in zip(("seed", "examples"), sources, strict=True):
        shutil.copytree(CASES / name / "input", target)
    return sources


def test_stale_parse_rules_are_read_again_and_nothing_else(tmp_path):
    sources = copy_sources(tmp_path)
    warehouse = tmp_path / "warehouse"
    build_warehouse(*sources, warehouse=warehouse)
    with duckdb.connect(str(warehouse / "matterhouse.duckdb")) as connection:
        connection.execute("update parsed.files set parse_rules = parse_rules - 1 where path like '001_%'")
        connection.execute("update articles set title = 'stale' where source_path like '001_%'")  # as older rules might

    record = build_warehouse(*sources, warehouse=warehouse)

    assert (record["files_read"], record["files_changed"]) == (1, 0)  # same bytes, newer rules
    assert query(warehouse, "select distinct parse_rules from parsed.files") == [(PARSE_RULES_VERSION,)]
    assert query(warehouse, "select count(*) from articles where title = 'stale'") == [(0,)]
    assert data_rows(warehouse) == data_rows(build_warehouse_fresh(sources, tmp_path))
    assert build_warehouse(*sources, warehouse=warehouse)["files_read"] == 0


def build_warehouse_fresh(sources, tmp_path):
    fresh = tmp_path / "fresh"
    build_warehouse(*sources, warehouse=fresh)
    return fresh


@pytest.mark.slow
def test_a_warehouse_built_by_0_1_0_is_upgraded_in_place(prefect_harness, tmp_path):
    """The previous release, checked out from git, builds a warehouse; this one takes it over."""
    from prefect.settings import PREFECT_API_URL

    old = tmp_path / "release-0.1.0"
    old.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(PROJECT_ROOT), "archive", RELEASE_0_1_0, "flows", "transforms", "sql"],
        capture_output=True,
        check=True,
    )
    subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
    sources = copy_sources(tmp_path)
    warehouse = tmp_path / "warehouse"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_", "MATTERHOUSE_"))}
    env.update(PYTHONPATH=str(old), PREFECT_API_URL=PREFECT_API_URL.value(), PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL="ERROR")
    built = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from flows.pipeline import run_in_process; run_in_process(sources=sys.argv[1:3], warehouse=sys.argv[3])",
            *map(str, sources),
            str(warehouse),
        ],
        cwd=old,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    with duckdb.connect(str(warehouse / "matterhouse.duckdb"), read_only=True) as connection:
        tables = {name for (name,) in connection.execute("select table_name from duckdb_tables()").fetchall()}
    assert "schema_migrations" not in tables and "etl_runs" in tables  # what 0.1.0 left

    result = matterhouse.run(sources, warehouse)

    files = query(warehouse, "select count(*) from source_files")[0][0]
    assert (result.status, result.record["files_read"], result.record["files_changed"]) == ("succeeded", files, 0)
    migrated = query(warehouse, "select version, description from state.schema_migrations order by version")
    assert migrated[0] == (1, "record parse rules") and migrated[-1][0] == latest_version()
    assert query(warehouse, "select count(*) from etl_runs") == [(2,)]  # the old run's history is kept
    assert data_rows(warehouse) == data_rows(build_warehouse_fresh(sources, tmp_path))
    assert matterhouse.run(sources, warehouse).record["files_read"] == 0


@pytest.mark.slow
def test_a_warehouse_built_by_0_2_0_is_upgraded_in_place(tmp_path):
    """The last release, checked out from git (its package was assembled from top-level
    folders at install time, so they are put back in place), builds a warehouse; this one
    takes it over, keeping what each file said: nothing is read again."""
    old = tmp_path / "release-0.2.0"
    old.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(PROJECT_ROOT), "archive", RELEASE_0_2_0, "matterhouse", "flows", "transforms", "sql", "sample"],
        capture_output=True,
        check=True,
    )
    subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
    for folder in ("flows", "transforms", "sql", "sample"):
        (old / folder).rename(old / "matterhouse" / folder)
    sources = copy_sources(tmp_path)
    warehouse = tmp_path / "warehouse"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_", "MATTERHOUSE_"))}
    built = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, matterhouse; matterhouse.run(sys.argv[1:3], sys.argv[3])",
            *map(str, sources),
            str(warehouse),
        ],
        cwd=old,
        env={**env, "PYTHONPATH": str(old)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    with duckdb.connect(str(warehouse / "matterhouse.duckdb"), read_only=True) as connection:
        assert connection.execute("select max(version) from staging.schema_migrations").fetchone() == (2,)

    result = matterhouse.run(sources, warehouse)

    assert (result.status, result.record["files_read"]) == ("succeeded", 0)
    assert query(warehouse, "select max(version) from state.schema_migrations") == [(latest_version(),)]
    assert query(warehouse, "select count(*) from duckdb_schemas() where schema_name = 'staging'") == [(0,)]
    assert data_rows(warehouse) == data_rows(build_warehouse_fresh(sources, tmp_path))
    assert query(warehouse, "select count(*) from article_versions") == query(
        tmp_path / "fresh", "select count(*) from article_versions"
    )


def test_migrations_bring_a_0_1_0_schema_to_the_ddl():
    """0.1.0's tables, rebuilt by hand: its staging tables had no parse_rules and took
    nullable columns from the first run's Parquet; it recorded no version."""
    connection = duckdb.connect()
    connection.execute("set TimeZone = 'UTC'")
    for statement in release_ddl(RELEASE_0_2_0):
        connection.execute(statement)
    connection.execute("drop table staging.schema_migrations")
    connection.execute("alter table staging.files drop column parse_rules")
    connection.execute("alter table staging.file_articles drop column story_key")  # 0.2.0 gained the rest
    connection.execute("alter table staging.file_articles rename to article_versions")
    connection.execute("alter table articles drop column story_id")
    for table in ("staging.version_urls", "main.article_urls", "main.article_versions"):
        connection.execute(f"drop table {table}")
    for table, column in connection.execute(
        "select table_name, column_name from duckdb_columns() where schema_name = 'staging' and not is_nullable"
    ).fetchall():
        connection.execute(f"alter table staging.{table} alter column {column} drop not null")
    connection.execute(
        "insert into staging.files (source_file_id, source, path, size_bytes, modified_at, run_id) "
        "values ('f', '/s', 'a.md', 1, now(), 'old-run')"
    )

    assert ensure_schema(connection, Path("0.1.0")) is True  # the run must rebuild
    assert ensure_schema(connection, Path("0.1.0")) is False  # and only once
    assert connection.execute("select parse_rules from parsed.files").fetchall() == [(0,)]  # stale: read again
    assert connection.execute("select max(version) from state.schema_migrations").fetchone() == (latest_version(),)


def test_a_0_2_0_schema_moves_to_the_parsed_state_and_intermediate_schemas_with_its_rows():
    """0.2.0 kept what each file said, its bookkeeping and the intermediate models in the
    schema `staging`; the upgrade moves every row, renames version_id, and drops `staging`."""
    connection = duckdb.connect()
    connection.execute("set TimeZone = 'UTC'")
    for statement in release_ddl(RELEASE_0_2_0):
        connection.execute(statement)
    connection.execute(
        "insert into staging.schema_migrations values (2, 'url variants', 'old ddl', 'old columns', now());"
        "insert into staging.last_checks values ('checks', 'old-run');"
        "insert into staging.files values ('f', '/s', 'a.md', 1, now(), 'h', 'a', null, 'old-run', 4);"
        "insert into staging.file_articles (version_id, source_file_id, article_id, url, title) "
        "values ('v', 'f', 'a', 'https://a.example/x', 'Title');"
        "insert into staging.version_urls values ('v', 'f', 'https://a.example/x', 'https://a.example/x', 'web');"
        "create table staging.chosen_versions as select 1 as leftover"
    )

    assert ensure_schema(connection, Path("0.2.0")) is True
    assert connection.execute("select file_article_id, title from parsed.file_articles").fetchall() == [("v", "Title")]
    assert connection.execute("select file_article_id, kind from parsed.file_article_urls").fetchall() == [("v", "web")]
    assert connection.execute("select run_id, parse_rules from parsed.files").fetchall() == [("old-run", 4)]
    assert connection.execute("select run_id from state.last_checks").fetchall() == [("old-run",)]
    assert connection.execute("select max(version) from state.schema_migrations").fetchone() == (latest_version(),)
    schemas = connection.execute("select distinct schema_name from duckdb_tables() order by 1").fetchall()
    assert schemas == [("main",), ("parsed",), ("state",)]


def test_a_failed_check_right_after_an_upgrade_still_publishes_every_table(tmp_path):
    """The failed run publishes the previous data; after an upgrade, that is every table this
    release publishes, so the readers' views bind (a table the old release lacked is empty)."""
    sources = copy_sources(tmp_path)
    warehouse = tmp_path / "warehouse"
    build_warehouse(*sources, warehouse=warehouse)
    with duckdb.connect(str(warehouse / "matterhouse.duckdb")) as connection:  # as another release left it
        connection.execute("update state.schema_migrations set ddl_fingerprint = 'another release'")
    shutil.rmtree(warehouse / "parquet" / "article_urls")
    checks = tmp_path / "checks"
    checks.mkdir()
    (checks / "always_fails.sql").write_text("select 1 as always")

    with pytest.raises(ChecksFailed):
        build_warehouse(*sources, warehouse=warehouse, checks_dir=checks)

    with duckdb.connect(str(warehouse / "views.duckdb"), read_only=True) as readers:
        assert readers.execute("select count(*) > 0 from article_urls").fetchone() == (True,)
