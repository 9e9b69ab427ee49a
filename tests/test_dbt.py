"""`matterhouse dbt`: the sources.yml it writes for the readers' file; then a real dbt
project built on it (slow), and a matterhouse run that proceeds while dbt holds the file."""

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from matterhouse.cli import main
from matterhouse.plumbing.settings import SAMPLE_CORPUS
from matterhouse.read.dbt_sources import generic_tests, sources_yml
from matterhouse.store.schema import description
from matterhouse.store.tables import PUBLISHED_TABLES, VIEWS

from .clients import client_command, run_client
from .conftest import CASES, build_warehouse, query, unwrapped
from .incremental_helpers import write_article
from .test_cli import matterhouse


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
        described = description(table["name"])
        assert table["description"] == described.text != ""
        assert [column["name"] for column in table["columns"]] == columns[table["name"]]
        documented = {column["name"]: column["description"] for column in table["columns"] if "description" in column}
        assert documented == {name: note for name, note in described.columns.items() if name in columns[table["name"]]}
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


# A real dbt project --------------------------------------------------------------------

PROVIDERS_MODEL = """\
{{ config(materialized='table') }}
select providers.name, count(*) as articles
from {{ source('matterhouse', 'articles') }} as articles
inner join {{ source('matterhouse', 'providers') }} as providers using (provider_id)
group by providers.name
"""
# Counts the articles, says it started, waits for the go, then counts them again: dbt holds
# views.duckdb all the while.
WAITING_MODEL = """\
import time
from pathlib import Path

MARKERS = Path({markers!r})


def model(dbt, session):
    dbt.config(materialized="table")
    before = dbt.source("matterhouse", "articles").aggregate("count(*)").fetchall()[0][0]
    (MARKERS / "started").touch()
    deadline = time.monotonic() + 300
    while not (MARKERS / "go").exists():
        if time.monotonic() > deadline:
            raise TimeoutError("no go marker")
        time.sleep(0.05)
    after = dbt.source("matterhouse", "articles").aggregate("count(*)").fetchall()[0][0]
    return session.sql(f"select {{before}} as articles_before, {{after}} as articles_after")
"""


def dbt_project(folder: Path, warehouse: Path, markers: Path) -> Path:
    """A dbt project whose profile (in the project) attaches the warehouse's views.duckdb as
    docs/dbt.md says, with `matterhouse dbt`'s sources and the two models above."""
    (folder / "models").mkdir(parents=True)
    (folder / "dbt_project.yml").write_text('name: readers\nversion: "1.0.0"\nprofile: readers\n', encoding="utf-8")
    attach = {"path": str(warehouse / "views.duckdb"), "alias": "matterhouse", "read_only": True}
    profile = {"readers": {"target": "dev", "outputs": {"dev": {"type": "duckdb", "path": "dbt.duckdb", "attach": [attach]}}}}
    (folder / "profiles.yml").write_text(yaml.safe_dump(profile), encoding="utf-8")
    (folder / "models" / "articles_per_provider.sql").write_text(PROVIDERS_MODEL, encoding="utf-8")
    (folder / "models" / "articles_during_a_run.py").write_text(WAITING_MODEL.format(markers=str(markers)), encoding="utf-8")
    return folder


def dbt(project: Path, *args: str, output: Path) -> subprocess.Popen:
    """dbt started in the project, its profile and logs there, its output to `output`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("VIRTUAL_ENV", "PYTHON", "DBT_"))}
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    command = [str(client_command("dbt", "dbt")), *args, "--project-dir", str(project), "--profiles-dir", str(project)]
    with output.open("w") as log:
        return subprocess.Popen(command, cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT)


def results(project: Path) -> dict[str, str]:
    """Each node's status in dbt's last run_results.json."""
    run = json.loads((project / "target" / "run_results.json").read_text(encoding="utf-8"))
    assert run["metadata"]["dbt_version"].startswith("1.11.")
    return {result["unique_id"]: result["status"] for result in run["results"]}


def table_rows(project: Path, table: str) -> list[list]:
    """A model's rows in dbt's own file, read by dbt's DuckDB."""
    script = (
        "import duckdb, json, sys; print(json.dumps(duckdb.connect(sys.argv[1], read_only=True).sql(sys.argv[2]).fetchall()))"
    )
    return json.loads(run_client("dbt", script, str(project / "dbt.duckdb"), f"select * from main.{table} order by all"))


def wait_for(marker: Path, process: subprocess.Popen, output: Path) -> None:
    """Until `marker` exists; failing as soon as the process ends instead."""
    deadline = time.monotonic() + 300
    while not marker.exists():
        assert process.poll() is None, output.read_text()
        assert time.monotonic() < deadline, f"no {marker.name} marker after 300 s:\n{output.read_text()}"
        time.sleep(0.05)


@pytest.mark.slow
def test_dbt_builds_on_the_sources_and_a_run_proceeds_while_dbt_holds_the_file(tmp_path):
    source, warehouse, markers = tmp_path / "news", tmp_path / "warehouse", tmp_path / "markers"
    shutil.copytree(SAMPLE_CORPUS, source)
    markers.mkdir()
    build_warehouse(source, warehouse=warehouse)
    project = dbt_project(tmp_path / "project", warehouse, markers)
    written = matterhouse("dbt", "--warehouse", str(warehouse), "--output", "models/sources.yml", cwd=project)
    assert written.returncode == 0, written.stderr

    output = tmp_path / "build.out"
    assert dbt(project, "build", "--exclude", "articles_during_a_run", output=output).wait(timeout=600) == 0, output.read_text()
    built = results(project)
    tests = {node: status for node, status in built.items() if node.startswith("test.")}
    assert len(tests) == len(generic_tests()) > 0 and set(tests.values()) == {"pass"}, built
    assert {node: status for node, status in built.items() if node not in tests} == {
        "model.readers.articles_per_provider": "success"
    }
    assert f"PASS={len(built)} WARN=0 ERROR=0 SKIP=0" in output.read_text()
    assert sum(articles for _, articles in table_rows(project, "articles_per_provider")) > 100

    output = tmp_path / "run.out"
    waiting = dbt(project, "run", "--select", "articles_during_a_run", output=output)
    try:
        wait_for(markers / "started", waiting, output)
        write_article(source, "late/arrival.md", "https://late.example/news/1", "A late arrival")
        ran = matterhouse("run", "--source", str(source), "--warehouse", str(warehouse), "--json", cwd=tmp_path)
        assert ran.returncode == 0, ran.stderr
        assert (json.loads(ran.stdout)["status"], json.loads(ran.stdout)["files_new"]) == ("succeeded", 1)
        (markers / "go").touch()
        assert waiting.wait(timeout=300) == 0, output.read_text()
    finally:
        if waiting.poll() is None:
            waiting.kill()
            waiting.wait()
    assert results(project) == {"model.readers.articles_during_a_run": "success"}
    ((before, after),) = table_rows(project, "articles_during_a_run")
    assert after == before + 1  # the run's new article, at dbt's next query of the same open file
