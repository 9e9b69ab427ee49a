"""The `matterhouse` command as a person runs it: a real process, output captured."""

import json
import os
import subprocess
import sys
import time

import pytest

from .conftest import CASES, hold_database, query, unwrapped, visible_entries

pytestmark = pytest.mark.slow

NOISE = ("Traceback", "telemetry", "Error", "error", "Warning", "WARNING", "Exception")


def matterhouse(*args, cwd, env_extra=None, timeout=300):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_", "MATTERHOUSE_"))}
    env["PREFECT_HOME"] = str(cwd / ".prefect")  # no profile of the developer's decides the path
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "matterhouse.cli", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


def test_run_without_arguments_loads_the_sample_into_warehouse(tmp_path):
    result = matterhouse("run", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].startswith("matterhouse: run succeeded in ")
    assert lines[2] == "  this run   245 files found: 245 new, 0 changed, 0 unchanged, 0 deleted"
    assert lines[3] == "  warehouse  522 articles from 237 files, 5 superseded, 3 rejected; 4 warnings"
    assert lines[4:6] == [
        "  tables     articles 522, providers 25, images 673, article_relations 452,",
        "             article_topics 479",
    ]
    assert lines[6] == "  changes    article_relations +452 ~0 -0, article_topics +479 ~0 -0,"
    assert "  checks     21 passed, 0 failed" in lines
    assert lines[-2:] == [
        '  details    matterhouse query "from rejected_files"',
        '             matterhouse query "from data_warnings"',
    ]
    # Over 80 only where one word is longer (a path under pytest's deep temporary folder).
    assert all(len(line) <= 80 or len(max(line.split(), key=len)) > 80 - 13 for line in lines), lines
    assert not any(word in result.stdout for word in NOISE)
    assert query(tmp_path / "warehouse", "select count(*) from source_files") == [(245,)]


def test_environment_variables_choose_source_and_warehouse(tmp_path):
    warehouse = tmp_path / "wh with spaces, ünïcode"
    env = {"MATTERHOUSE_SOURCE": str(CASES / "seed" / "input"), "MATTERHOUSE_WAREHOUSE": str(warehouse)}
    result = matterhouse("run", "--json", cwd=tmp_path, env_extra=env)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert (record["files_seen"], record["articles"], record["status"]) == (1, 4, "succeeded")
    assert query(warehouse, "select count(*) from articles") == [(4,)]


def test_a_missing_source_is_one_line_that_says_what_to_fix(tmp_path):
    result = matterhouse("run", "--source", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert result.returncode == 1
    assert (
        unwrapped(result.stderr)
        == f"matterhouse: error: source folder {tmp_path / 'nowhere'} does not exist or is not a folder\n"
    )


def test_a_warehouse_held_open_by_another_process_is_reported_not_corrupted(tmp_path):
    warehouse = tmp_path / "warehouse"
    first = matterhouse("run", "--source", str(CASES / "seed" / "input"), "--warehouse", str(warehouse), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    holder = hold_database(warehouse, 120)
    try:
        started = time.monotonic()
        result = matterhouse(
            "run",
            "--source",
            str(CASES / "examples" / "input"),
            "--warehouse",
            str(warehouse),
            "--lock-timeout",
            "3",
            cwd=tmp_path,
        )
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 1
    error = unwrapped(result.stderr)
    assert error.startswith(
        f"matterhouse: error: the warehouse file {warehouse / 'matterhouse.duckdb'} is locked by another process (PID "
    )
    assert error.endswith("close the notebook, BI tool or run that has it open, then run again\n")
    assert "(waited " in error and waited >= 3
    assert "Traceback" not in result.stderr + result.stdout
    assert query(warehouse, "select count(*) from articles") == [(4,)]
    assert visible_entries(warehouse) == ["matterhouse.duckdb", "parquet", "views.duckdb"]


def test_status_shows_recent_runs_and_table_sizes(run_pipeline, capsys):
    from matterhouse.cli import main

    _, warehouse = run_pipeline(CASES / "seed" / "input")
    run_pipeline(CASES / "seed" / "input", warehouse=warehouse)
    assert main(["status", "--warehouse", str(warehouse), "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert [run["files_new"] for run in status["runs"]] == [0, 1]  # newest first
    assert status["tables"]["articles"] == 4 and status["tables"]["etl_runs"] == 2
    assert main(["status", "--warehouse", str(warehouse), "--runs", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    newest = status["runs"][0]
    assert lines[0] == (
        f"run {newest['run_id'][:8]}  started {newest['started_at'][:19].replace('T', ' ')} UTC  "
        f"succeeded in {newest['seconds']:.1f} s"
    )
    assert lines[1] == "    1 file: 0 new, 0 changed, 0 deleted, 0 rejected; 0 warnings; 4 articles"
    assert lines[5].split() == ["table", "rows"] and lines[6].split() == ["articles", "4"]
    assert max(map(len, lines)) <= 80


def test_a_run_is_a_prefect_flow_run_only_when_an_api_is_configured(prefect_harness, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound
    from prefect.settings import PREFECT_API_URL

    seed = str(CASES / "seed" / "input")
    direct = matterhouse("run", "--source", seed, "--warehouse", str(tmp_path / "direct"), "--json", cwd=tmp_path)
    (tmp_path / ".prefect").mkdir(exist_ok=True)
    (tmp_path / ".prefect" / "profiles.toml").write_text(
        f'active = "local"\n[profiles.local]\nPREFECT_API_URL = "{PREFECT_API_URL.value()}"\n', encoding="utf-8"
    )
    through_profile = matterhouse("run", "--source", seed, "--warehouse", str(tmp_path / "flow"), "--json", cwd=tmp_path)
    assert direct.returncode == through_profile.returncode == 0, direct.stderr + through_profile.stderr

    with get_client(sync_client=True) as client:
        flow_run = client.read_flow_run(json.loads(through_profile.stdout)["run_id"])
        assert flow_run.state.is_completed()
        with pytest.raises(ObjectNotFound):
            client.read_flow_run(json.loads(direct.stdout)["run_id"])
    assert query(tmp_path / "direct", "select count(*) from articles") == query(
        tmp_path / "flow", "select count(*) from articles"
    )


def test_the_top_level_help_speaks_to_users(tmp_path):
    result = matterhouse("--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "loads folders of YAML front-matter news articles into a DuckDB\nwarehouse" in result.stdout
    assert "Start with `matterhouse run`" in result.stdout
    assert "--version" in result.stdout


def test_a_reader_that_stops_early_ends_the_command_quietly(tmp_path):
    """`matterhouse query ... | head`: the pipe closes under the command."""
    assert matterhouse("run", "--source", str(CASES / "seed" / "input"), cwd=tmp_path).returncode == 0
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_", "MATTERHOUSE_"))}
    command = [sys.executable, "-m", "matterhouse.cli", "query", "select range from range(200000)", "--format", "csv"]
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout.readline() == "range\n"
    process.stdout.close()
    assert process.wait(timeout=60) == 141
    assert process.stderr.read() == ""
