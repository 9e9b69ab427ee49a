"""The DuckDB warehouse: connecting, loading a run's staging Parquet, exporting Parquet.

Every statement lives in sql/; this module only runs them in order, inside one
transaction per run, so readers see the previous run or this one and nothing between.
"""

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
PUBLISHED_TABLES = (*MODEL_TABLES, "etl_runs")
VIEWS = ("rejected_files",)
PARAMETER = re.compile(r"\$([a-z_]+)")


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


def load_run(connection, staging_dir: Path, export_dir: Path, run: dict) -> None:
    """In one transaction: stage the run's Parquet, rebuild the published tables with the
    merge rules, record the run, and export every published table to export_dir."""
    clock = time.perf_counter()
    connection.execute("begin transaction")
    try:
        connection.execute("create schema if not exists staging")
        for table in PUBLISHED_TABLES:
            connection.execute(sql(f"schema/{table}"))
        for table in STAGING_SCHEMAS:
            files = sorted(str(path) for path in (staging_dir / table).glob("*.parquet"))
            run_sql(connection, f"create or replace table staging.{table} as {sql(f'staging/{table}')}", files=files)
        connection.execute(f"create or replace table staging.chosen_versions as {sql('models/chosen_versions')}")
        for table in MODEL_TABLES:
            connection.execute(f"delete from {table}")
            run_sql(connection, f"insert into {table} by name {sql(f'models/{table}')}", **run)
        for view in VIEWS:
            connection.execute(sql(f"views/{view}"))
        finished = {"finished_at": datetime.now(timezone.utc), "load_seconds": time.perf_counter() - clock}
        run_sql(connection, sql("runs/record_run"), **run, **finished)
        for table in PUBLISHED_TABLES:
            (export_dir / table).mkdir(parents=True)
            run_sql(connection, sql(f"exports/{table}"), path=str(export_dir / table / "part-0.parquet"))
        connection.execute("commit")
    except BaseException:
        connection.execute("rollback")
        raise


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
