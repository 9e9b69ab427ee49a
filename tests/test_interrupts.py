"""Real signals sent to a real `matterhouse run` at many moments of a run whose parse
workers are busy: SIGINT to the whole process group, as a terminal's Ctrl-C sends it, and
SIGTERM to the process alone, as a scheduler sends it. Each run must end within 5 s with
status 130 or 143, leave no process behind, say in one line what state the warehouse is
in, and leave DuckDB and the Parquet consistent after the next run at the latest."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from matterhouse.store import publication

from .conftest import PROJECT_ROOT, query, unwrapped
from .incremental_helpers import data_rows, write_article

pytestmark = pytest.mark.slow
FILES = 10_000
STATES = (
    "matterhouse: interrupted; the warehouse is unchanged",
    "matterhouse: interrupted; the load was committed to DuckDB, but not yet exported as Parquet; the next run exports it",
    "matterhouse: interrupted; the run had completed and was exported",
    "matterhouse: interrupted; the run was committed and exported, but not wholly published; the next run publishes it",
)
# Moments of a run, as fractions of an uninterrupted run's duration: the scan, the parse
# with every worker busy, the load, the export, the publish. A flow run starts up the
# same way, so it is interrupted at fewer moments (each costs a server's start-up).
MOMENTS = (0.1, 0.3, 0.5, 0.7, 0.8, 0.9, 0.97)
FLOW_MOMENTS = (0.4, 0.75, 0.95)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus") / "news"
    subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "benchmarks" / "generate_corpus.py"), str(folder), "--files", str(FILES)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return folder


def start(corpus: Path, warehouse: Path, env: dict, *options: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "matterhouse.cli", "run", "--source", str(corpus), "--warehouse", str(warehouse)]
    return subprocess.Popen(
        [*command, *options], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )


def session_processes(session_id: int) -> list[str]:
    """Processes still alive in the run's session (its workers, its resource tracker)."""
    alive = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session_id and fields[0] != "Z":
            alive.append(stat.parent.name)
    return alive


def uvicorn_processes(prefect_home: str) -> set[str]:
    """Prefect servers started by this test's runs: a temporary server runs in a session
    of its own, so it is told apart from other tests' servers by the PREFECT_HOME it
    inherited (each test has its own)."""
    found = set()
    marker = f"PREFECT_HOME={prefect_home}".encode()
    for process in Path("/proc").glob("[0-9]*"):
        try:
            if b"uvicorn" in (process / "cmdline").read_bytes() and marker in (process / "environ").read_bytes().split(b"\0"):
                found.add(process.name)
        except OSError:
            continue
    return found


def parquet_matches_duckdb(warehouse: Path) -> bool:
    tables = ("articles", "providers", "images", "article_relations", "article_topics", "source_files", "etl_runs")
    return all(
        ds.dataset(warehouse / "parquet" / table, format="parquet").count_rows()
        == query(warehouse, f"select count(*) from {table}")[0][0]
        for table in tables
    )


def clean_env(**extra: str) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PREFECT_", "MATTERHOUSE_"))}
    return {**env, **extra}


def interrupt_at_every_moment(corpus: Path, tmp_path: Path, env: dict, moments, *options: str) -> None:
    warehouse = tmp_path / "warehouse"
    started = time.monotonic()
    first = start(corpus, warehouse, env, *options)
    assert first.wait(timeout=300) == 0, first.stderr.read()
    reference = data_rows(warehouse)
    duration = time.monotonic() - started
    servers_before = uvicorn_processes(env["PREFECT_HOME"])

    for number, moment in enumerate(moments):
        signum = (signal.SIGINT, signal.SIGTERM)[number % 2]
        run = start(corpus, warehouse, env, "--full-refresh", *options)
        time.sleep(duration * moment)
        sent = time.monotonic()
        if signum == signal.SIGINT:
            os.killpg(run.pid, signum)  # the terminal's Ctrl-C: the whole foreground group
        else:
            run.send_signal(signum)
        try:
            status = run.wait(timeout=30)
        finally:
            run.kill()
        waited = time.monotonic() - sent
        stdout, stderr = run.communicate()
        where = f"{signum.name} at {moment:.0%} of {duration:.1f} s"
        if status in (0, -signum):
            # The run beat the signal: it finished, or was ending (Python restores the
            # default handlers while it shuts down, and the shell reports 128 + signal).
            assert stdout.startswith("matterhouse: run succeeded"), (where, status, stderr)
            continue
        assert waited < 5, where
        assert status == {signal.SIGINT: 130, signal.SIGTERM: 143}[signum], (where, stderr)
        said = unwrapped(stderr).strip().splitlines()
        assert said[-1] in STATES, (where, stderr)
        assert "Traceback" not in stderr and len(said) == 1, (where, stderr)
        time.sleep(0.5)  # the kernel reaps what the run terminated
        assert session_processes(run.pid) == [], where
        assert uvicorn_processes(env["PREFECT_HOME"]) <= servers_before, where

        after = start(corpus, warehouse, env, *options)
        assert after.wait(timeout=300) == 0, (where, after.stderr.read())
        assert data_rows(warehouse) == reference, where
        assert parquet_matches_duckdb(warehouse), where


def test_interrupts_of_a_direct_run(corpus, tmp_path):
    interrupt_at_every_moment(corpus, tmp_path, clean_env(PREFECT_HOME=str(tmp_path / "prefect")), MOMENTS)


def test_interrupts_of_a_flow_run_on_prefects_temporary_server(corpus, tmp_path):
    env = clean_env(PREFECT_HOME=str(tmp_path / "prefect"))
    interrupt_at_every_moment(corpus, tmp_path, env, FLOW_MOMENTS, "--prefect")


def test_interrupts_of_a_flow_run_on_a_real_server(prefect_harness, corpus, tmp_path):
    from prefect.settings import PREFECT_API_URL

    env = clean_env(PREFECT_API_URL=PREFECT_API_URL.value(), PREFECT_HOME=str(tmp_path / "prefect"))
    interrupt_at_every_moment(corpus, tmp_path, env, FLOW_MOMENTS)


def test_an_interrupted_publication_says_so_and_the_next_run_publishes_the_tables(tmp_path):
    news, warehouse, published = tmp_path / "news", tmp_path / "warehouse", tmp_path / "published"
    write_article(news, "a.md", "https://example.com/a", "A")
    options = ("--publish", str(published), "--table-format", "iceberg")
    env = clean_env(PREFECT_HOME=str(tmp_path / "prefect"))
    run = start(news, warehouse, {**env, "MATTERHOUSE_FAILPOINT": "iceberg"}, *options)
    assert run.stderr.readline().strip() == "failpoint iceberg reached"  # the first table is committed
    os.killpg(run.pid, signal.SIGINT)
    try:
        status = run.wait(timeout=30)
    finally:
        run.kill()
    said = unwrapped(run.stderr.read()).strip().splitlines()
    assert status == 130 and said == [STATES[3]]

    after = start(news, warehouse, env, *options)
    assert after.wait(timeout=300) == 0, after.stderr.read()
    [(last_run,)] = query(warehouse, "select run_id from etl_runs order by started_at desc limit 1")
    assert publication.manifest(published)["run_id"] == last_run
