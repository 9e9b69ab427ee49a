"""Downstream clients as their users install them: each in a virtual environment of its
own, with its own versions (never this environment's DuckDB or libraries), made once from
the package index and kept in a cache folder that later test runs reuse:
MATTERHOUSE_TEST_CLIENTS, by default ~/.cache/matterhouse-test-clients. A folder's name
carries a hash of its requirements, so changing them below makes a new one."""

import fcntl
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

CLIENTS = {
    # The long-term release that BI drivers and SQL editors embed, and the one after it.
    "duckdb-1.4": ["duckdb==1.4.*"],
    "duckdb-1.5": ["duckdb==1.5.*"],
    # Extensions ship for DuckDB 1.5.5 as packages; DuckDB itself cannot download them here.
    "duckdb-iceberg": [
        "duckdb==1.5.5",
        "duckdb-extension-iceberg==1.5.5",
        "duckdb-extension-avro==1.5.5",
        "duckdb-extension-httpfs==1.5.5",
    ],
    "polars-iceberg": ["polars>=1.30", "pyiceberg[pyarrow,sql-sqlite,s3fs]>=0.12,<0.13"],
    # duckdb_engine's column reflection fails with SQLAlchemy 2.1 (pg_catalog.pg_collation).
    "sqlalchemy": ["sqlalchemy>=2.0,<2.1", "duckdb_engine>=0.17"],
    # dbt-core 1.12 and 2.x download a parser binary from outside the package index.
    "dbt": ["dbt-core>=1.11,<1.12", "dbt-duckdb>=1.11,<1.11.1"],
}
INSTALL_TIMEOUT = 1200


def cache_folder() -> Path:
    return Path(os.environ.get("MATTERHOUSE_TEST_CLIENTS") or Path.home() / ".cache" / "matterhouse-test-clients")


def client_python(name: str) -> Path:
    """The Python of client `name`'s environment, made first if the cache lacks it. A lock
    keeps two test workers from making one environment at once."""
    requirements = CLIENTS[name]
    digest = hashlib.sha256(json.dumps([sys.version_info[:2], requirements]).encode()).hexdigest()[:12]
    folder = cache_folder() / f"{name}-{digest}"
    python, done = folder / "bin" / "python", folder / ".complete"
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(folder)], check=True)
            subprocess.run(
                [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *requirements],
                check=True,
                timeout=INSTALL_TIMEOUT,
            )
            done.touch()
    return python


def run_client(name: str, script: str, *args: str, env: dict | None = None, cwd: Path | None = None) -> str:
    """Run `script` (Python source) with client `name`'s Python; its standard output, or an
    AssertionError with what it printed when it fails."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("VIRTUAL_ENV", "PYTHON"))}
    result = subprocess.run(
        [str(client_python(name)), "-c", script, *args],
        capture_output=True,
        text=True,
        env={**clean, **(env or {})},
        cwd=cwd,
        timeout=600,
    )
    assert result.returncode == 0, f"{name} client failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def client_command(name: str, command: str) -> Path:
    """A console script of client `name`'s environment, such as `dbt`."""
    return client_python(name).parent / command


if __name__ == "__main__":  # .ci/run makes them all before the tests start
    for client in CLIENTS:
        print(client_python(client))
