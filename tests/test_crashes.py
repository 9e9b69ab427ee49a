"""Real processes killed at each stage of a run, runs racing for one warehouse, and
another process holding the DuckDB file."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

import matterhouse
from matterhouse.store import publication
from matterhouse.store.iceberg_tables import RUN_PROPERTY
from matterhouse.store.tables import PUBLISHED_TABLES

from .conftest import PROJECT_ROOT, hold_database, query, unwrapped
from .iceberg_helpers import catalog, rows
from .incremental_helpers import data_rows, write_article

pytestmark = pytest.mark.slow

STAGES_BEFORE_COMMIT = ("scan", "parquet-write", "load", "build", "export")


@pytest.fixture(scope="module")
def api_url(prefect_harness):
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value()


def start_run(source, warehouse, api_url, failpoint=None, *options):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_", "MATTERHOUSE_"))}
    env.update(PREFECT_API_URL=api_url, PREFECT_SERVER_ANALYTICS_ENABLED="false")
    if failpoint:
        env["MATTERHOUSE_FAILPOINT"] = failpoint
    command = [sys.executable, "-m", "matterhouse.cli", "run", "--source", str(source), "--warehouse", str(warehouse), *options]
    # A session of its own, so that the kill takes the run's parse workers with it.
    return subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )


def kill_run(process):
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def wait_for_failpoint(process, name, timeout=120):
    timer = threading.Timer(timeout, kill_run, [process])
    timer.start()
    try:
        for line in process.stderr:
            if line.strip() == f"failpoint {name} reached":
                return
        pytest.fail(f"the run ended before failpoint {name}: {process.wait()} {process.stdout.read()}")
    finally:
        timer.cancel()


def parquet_state(warehouse):
    snapshot = os.path.realpath(warehouse / "parquet")
    tables = sorted(os.listdir(snapshot))
    return snapshot, {
        table: query(warehouse, "select count(*) from read_parquet(?)", [f"{snapshot}/{table}/**/*.parquet"]) for table in tables
    }


def changed_folder(tmp_path):
    source = tmp_path / "news"
    for number in range(30):
        write_article(
            source,
            f"{number:02d}.md",
            f"https://k.example.org/{number}",
            f"v1 {number}",
            related=[f"https://k.example.org/{number + 1}"],
        )
    return source


def change(source):
    write_article(source, "00.md", "https://k.example.org/0", "v2 edited")
    (source / "01.md").unlink()
    write_article(source, "new.md", "https://k.example.org/new", "added")


@pytest.mark.parametrize("stage", (*STAGES_BEFORE_COMMIT, "committed"))
def test_a_run_killed_at_any_stage_leaves_a_working_warehouse(stage, run_pipeline, api_url, tmp_path):
    source = changed_folder(tmp_path)
    _, warehouse = run_pipeline(source)
    before_rows, before_parquet = data_rows(warehouse), parquet_state(warehouse)
    change(source)

    process = start_run(source, warehouse, api_url, stage, "--batch-size", "10")
    wait_for_failpoint(process, stage)
    kill_run(process)

    runs = query(warehouse, "select count(*) from etl_runs")[0][0]
    assert parquet_state(warehouse) == before_parquet
    if stage in STAGES_BEFORE_COMMIT:
        assert data_rows(warehouse) == before_rows
        assert runs == 1
    else:  # killed after its commit: the database has the run, the Parquet catches up next time
        assert runs == 2

    record, _ = run_pipeline(source, warehouse=warehouse)
    assert record["status"] == "succeeded"
    _, fresh = run_pipeline(source, warehouse=tmp_path / "refresh")
    assert data_rows(warehouse) == data_rows(fresh)
    snapshot, counts = parquet_state(warehouse)
    assert os.path.basename(snapshot) == record["run_id"]
    assert counts["articles"] == query(warehouse, "select count(*) from articles")
    assert not list(warehouse.glob(".run-*"))
    # every kept snapshot is whole: none is left by the killed run
    kept = list((warehouse / ".snapshots").iterdir())
    assert all((snapshot / table).is_dir() for snapshot in kept for table in PUBLISHED_TABLES), kept


def test_a_second_run_refuses_while_the_first_holds_the_warehouse(run_pipeline, api_url, tmp_path):
    source = changed_folder(tmp_path)
    _, warehouse = run_pipeline(source)
    change(source)
    first = start_run(source, warehouse, api_url, "load")
    wait_for_failpoint(first, "load")
    try:
        second = start_run(source, warehouse, api_url)
        _, stderr = second.communicate(timeout=120)
    finally:
        kill_run(first)
    assert second.returncode == 1
    assert unwrapped(stderr) == (
        f"matterhouse: error: another matterhouse run (PID {first.pid}) is loading {warehouse}; "
        "wait for it to finish, then run again\n"
    )
    record, _ = run_pipeline(source, warehouse=warehouse)
    assert record["files_changed"] == 1 and record["files_new"] == 1 and record["files_deleted"] == 1


def test_a_run_waits_for_a_reader_that_lets_go(run_pipeline, tmp_path):
    source = changed_folder(tmp_path)
    _, warehouse = run_pipeline(source)
    change(source)
    holder = hold_database(warehouse, 3)
    started = time.monotonic()
    record, _ = run_pipeline(source, warehouse=warehouse, lock_timeout=60)
    holder.wait()
    assert record["status"] == "succeeded" and record["files_changed"] == 1
    assert time.monotonic() - started >= 2


def test_an_iceberg_publication_killed_between_two_tables_leaves_each_readable_and_the_next_run_completes_it(
    run_pipeline, api_url, tmp_path
):
    source, published = changed_folder(tmp_path), tmp_path / "published"
    first, warehouse = run_pipeline(source, publish=published, table_format="iceberg")
    change(source)
    process = start_run(source, warehouse, api_url, "iceberg", "--publish", str(published), "--table-format", "iceberg")
    wait_for_failpoint(process, "iceberg")  # the first table, article_relations, is committed
    kill_run(process)

    tables = catalog(published)
    committed_by = {
        name: tables.load_table(("matterhouse", name)).current_snapshot().summary[RUN_PROPERTY] for name in PUBLISHED_TABLES
    }
    assert {name for name, run_id in committed_by.items() if run_id != first["run_id"]} == {"article_relations"}
    for name in PUBLISHED_TABLES:  # each table reads whole, at the commit it last had
        last_commit = warehouse if name == "article_relations" else published  # the killed run committed its warehouse
        run_id = None if name == "article_relations" else first["run_id"]
        expected = matterhouse.read_table(name, last_commit, run=run_id).to_table()
        assert rows(tables.load_table(("matterhouse", name)).scan().to_arrow()) == rows(expected), name
    assert publication.manifest(published)["run_id"] == first["run_id"]

    record, _ = run_pipeline(source, warehouse=warehouse, publish=published, table_format="iceberg")
    entries = publication.manifest(published)["tables"]
    assert publication.manifest(published)["run_id"] == record["run_id"]
    for name in PUBLISHED_TABLES:
        table = tables.load_table(("matterhouse", name))
        assert table.current_snapshot().snapshot_id == entries[name]["iceberg"]["snapshot_id"], name
        assert rows(table.scan().to_arrow()) == rows(matterhouse.read_table(name, warehouse).to_table()), name
