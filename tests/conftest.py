import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

# Before Prefect is imported: no analytics calls from an offline machine, a quiet console.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")

CASES = Path(__file__).parent / "cases"
# Columns whose values depend on where the input was copied (its folder, the folder's hash
# in source_file_id, the files' mtimes) or on the run, not on what the files say.
PLACE_AND_RUN_COLUMNS = ("source", "source_file_id", "modified_at", "run_id")
PROJECT_ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def build_warehouse(*sources: Path, warehouse: Path, **options) -> dict:
    """Run the library's steps (no Prefect) over folders into `warehouse`; return the
    run's record. Real scan, parse workers, DuckDB file and Parquet."""
    import matterhouse

    return matterhouse.run(list(sources), warehouse, **options).record


@pytest.fixture
def run_pipeline(tmp_path):
    """build_warehouse into a tmp_path warehouse by default; returns (record, warehouse)."""

    def run(*sources: Path, warehouse: Path | None = None, **options):
        warehouse = warehouse or tmp_path / "warehouse"
        return build_warehouse(*sources, warehouse=warehouse, **options), warehouse

    return run


@pytest.fixture
def copy_case(tmp_path):
    """Copy a case's input folder to tmp_path so tests may change it."""

    def copy(name: str) -> Path:
        target = tmp_path / "sources" / name
        shutil.copytree(CASES / name / "input", target)
        return target

    return copy


def query(warehouse: Path, sql: str, parameters=None) -> list[tuple]:
    with duckdb.connect(str(warehouse / "matterhouse.duckdb"), read_only=True) as connection:
        return connection.execute(sql, parameters).fetchall()


def table_rows(warehouse: Path, tables, skip=("run_id",)) -> dict[str, list[tuple]]:
    """Each table's rows, sorted, without the columns in `skip`; one connection for all."""
    rows = {}
    with duckdb.connect(str(warehouse / "matterhouse.duckdb"), read_only=True) as connection:
        for table in tables:
            columns = [
                name
                for (name,) in connection.execute(
                    "select column_name from information_schema.columns where table_name = ? order by ordinal_position",
                    [table],
                ).fetchall()
                if name not in skip
            ]
            rows[table] = sorted(connection.execute(f"select {', '.join(columns)} from {table}").fetchall(), key=repr)
    return rows


def unwrapped(message: str) -> str:
    """A message the CLI wrapped at 80 columns, on one line again."""
    return re.sub(r"\n  (?=\S)", " ", message)


def summary_lines(summary: str) -> list[str]:
    """A run's summary, one line per label: its wrapped lines joined again."""
    return re.sub(r"\n {13}(?=\S)", " ", summary).splitlines()


def visible_entries(warehouse: Path) -> list[str]:
    """What a person listing the warehouse folder sees (hidden run internals left out)."""
    return sorted(path.name for path in warehouse.iterdir() if not path.name.startswith("."))


def hold_database(warehouse: Path, seconds: float) -> subprocess.Popen:
    """Another process that opens the warehouse's DuckDB file, as a notebook would, and
    keeps it for `seconds`; returns once the file is held."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; held = duckdb.connect(sys.argv[1]); "
            "print('held', flush=True); time.sleep(float(sys.argv[2]))",
            str(warehouse / "matterhouse.duckdb"),
            str(seconds),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    return holder
