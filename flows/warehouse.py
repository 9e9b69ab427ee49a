"""The DuckDB warehouse: connecting, loading a run's staging Parquet, exporting Parquet.

Every statement lives in sql/; this module only runs them in order, inside one
transaction per run, so readers see the previous run or this one and nothing between.
"""

import contextlib
import json
import re
import shutil
import time
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from transforms.errors import MatterhouseError
from transforms.tables import STAGING_SCHEMAS

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
DATABASE_FILE = "matterhouse.duckdb"
PARQUET_DIR = "parquet"
# Built from staging by sql/models/<table>.sql, in this order.
MODEL_TABLES = ("articles", "providers", "images", "article_relations", "article_topics", "source_files", "data_warnings")
PUBLISHED_TABLES = (*MODEL_TABLES, "check_results", "etl_runs")
CHECK_SAMPLE_ROWS = 5
VIEWS = ("rejected_files",)
PARAMETER = re.compile(r"\$([a-z_]+)")


class ChecksFailed(MatterhouseError):
    """A data check found rows that break an invariant; the load was rolled back."""

    def __init__(self, failures: list[dict]):
        first = failures[0]
        others = f" (and {len(failures) - 1} more checks)" if len(failures) > 1 else ""
        super().__init__(
            f"data check {first['check_name']} failed on {first['failing_rows']} rows{others}, "
            f"e.g. {first['sample'][0]}; the warehouse keeps its previous data, see check_results"
        )
        self.failures = failures


class WarehouseLocked(MatterhouseError):
    """Another process holds the DuckDB file."""

    def __init__(self, path: Path, detail: str):
        holder = re.search(r"\(PID \d+\)", detail)
        super().__init__(
            f"the warehouse file {path} is locked by another process{' ' + holder.group(0) if holder else ''}; "
            "close the notebook, BI tool or run that has it open, then run again"
        )
        self.path = path


def database_path(warehouse: Path) -> Path:
    return warehouse / DATABASE_FILE


def connect(warehouse: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse's DuckDB file (created when missing, unless read-only)."""
    path = database_path(warehouse)
    if not read_only:
        warehouse.mkdir(parents=True, exist_ok=True)
    try:
        connection = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            raise WarehouseLocked(path, str(error)) from None
        raise
    connection.execute("set TimeZone = 'UTC'")
    return connection


def sql(name: str) -> str:
    """The text of sql/<name>.sql."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def run_sql(connection: duckdb.DuckDBPyConnection, statement: str, **parameters) -> duckdb.DuckDBPyConnection:
    """Execute a statement, passing only the named parameters it uses."""
    used = {name: parameters[name] for name in PARAMETER.findall(statement)}
    return connection.execute(statement, used or None)


def load_run(connection, staging_dir: Path, export_dir: Path, run: dict, extra_checks: Path | None = None) -> None:
    """In one transaction: stage the run's Parquet, rebuild the published tables with the
    merge rules, run the data checks, record the run and export every published table
    to export_dir. When a check fails, only the run's record and check results are kept
    (and exported), and ChecksFailed is raised."""
    clock = time.perf_counter()
    connection.execute("begin transaction")
    try:
        _create_tables(connection)
        for table in STAGING_SCHEMAS:
            files = sorted(str(path) for path in (staging_dir / table).glob("*.parquet"))
            run_sql(connection, f"create or replace table staging.{table} as {sql(f'staging/{table}')}", files=files)
        connection.execute(f"create or replace table staging.chosen_versions as {sql('models/chosen_versions')}")
        for table in MODEL_TABLES:
            connection.execute(f"delete from {table}")
            run_sql(connection, f"insert into {table} by name {sql(f'models/{table}')}", **run)
        for view in VIEWS:
            connection.execute(sql(f"views/{view}"))
        failures = run_checks(connection, run["run_id"], extra_checks)
        finished = {"finished_at": datetime.now(timezone.utc), "load_seconds": time.perf_counter() - clock}
        status = "failed" if failures else "succeeded"
        run_sql(connection, sql("runs/record_run"), **run, **finished, status=status)
        if failures:
            _keep_only_the_run_record(connection, run["run_id"], export_dir)
            raise ChecksFailed(failures)
        _export(connection, export_dir, PUBLISHED_TABLES)
        connection.execute("commit")
    except BaseException:
        with contextlib.suppress(duckdb.TransactionException):  # already rolled back
            connection.execute("rollback")
        raise


def _create_tables(connection) -> None:
    connection.execute("create schema if not exists staging")
    for table in PUBLISHED_TABLES:
        connection.execute(sql(f"schema/{table}"))


def _export(connection, export_dir: Path, tables) -> None:
    for table in tables:
        (export_dir / table).mkdir(parents=True)
        run_sql(connection, sql(f"exports/{table}"), path=str(export_dir / table / "part-0.parquet"))


def check_files(extra_checks: Path | None) -> list[Path]:
    """sql/checks/*.sql, then the user's extra checks, each sorted by name."""
    files = sorted((SQL_DIR / "checks").glob("*.sql"))
    if extra_checks is not None:
        files += sorted(extra_checks.glob("*.sql"))
    return files


def run_checks(connection, run_id: str, extra_checks: Path | None = None) -> list[dict]:
    """Run every data check, record each outcome in check_results; return the failures."""
    failures = []
    for path in check_files(extra_checks):
        check = path.read_text(encoding="utf-8")
        failing_rows = connection.execute(f"select count(*) from ({check})").fetchone()[0]
        cursor = connection.execute(f"select * from ({check}) limit {CHECK_SAMPLE_ROWS}")
        columns = [column[0] for column in cursor.description]
        sample = [dict(zip(columns, row)) for row in cursor.fetchall()]
        outcome = {
            "check_name": path.stem,
            "status": "failed" if failing_rows else "passed",
            "failing_rows": failing_rows,
            "sample": json.dumps(sample, default=str) if sample else None,
        }
        run_sql(connection, sql("runs/record_check"), run_id=run_id, **outcome)
        if failing_rows:
            failures.append({**outcome, "sample": sample})
    return failures


def _keep_only_the_run_record(connection, run_id: str, export_dir: Path) -> None:
    """Roll the load back, then commit just this run's etl_runs and check_results rows."""
    failed_run = connection.sql("select * from etl_runs where run_id = $run_id", params={"run_id": run_id}).to_arrow_table()
    failed_checks = connection.sql("select * from check_results where run_id = $run_id", params={"run_id": run_id}).to_arrow_table()
    connection.execute("rollback")
    connection.execute("begin transaction")
    _create_tables(connection)
    connection.execute("insert into etl_runs by name select * from failed_run")
    connection.execute("insert into check_results by name select * from failed_checks")
    _export(connection, export_dir, ("etl_runs", "check_results"))
    connection.execute("commit")


def run_record(connection, run_id: str) -> dict:
    """The etl_runs row of one run, as a dict."""
    cursor = connection.execute("select * from etl_runs where run_id = $run_id", {"run_id": run_id})
    columns = [column[0] for column in cursor.description]
    return dict(zip(columns, cursor.fetchone()))


def publish_parquet(warehouse: Path, export_dir: Path) -> None:
    """Move freshly exported datasets into <warehouse>/parquet/, replacing the old ones."""
    target = warehouse / PARQUET_DIR
    target.mkdir(parents=True, exist_ok=True)
    retired = export_dir.with_name(export_dir.name + "-retired")
    retired.mkdir(parents=True, exist_ok=True)
    for dataset in sorted(export_dir.iterdir()):
        current = target / dataset.name
        if current.exists():
            current.rename(retired / dataset.name)
        dataset.rename(current)
    shutil.rmtree(retired)
    shutil.rmtree(export_dir)
