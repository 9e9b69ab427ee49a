"""One run's load, in a single DuckDB transaction.

The warehouse's tables exist already (schema.ensure_schema, run by the plan step).
Steps: read the Parquet the run's parse workers wrote; record which files were added,
changed or deleted; replace those files' rows in the parsed tables; if anything
changed, build the published tables with the merge rules (steps/models.py: whole, or only
the rows the changes reach) and count the rows each gained, changed and lost; run the data checks (a run that changed nothing
takes over the last results of the same checks); export the Parquet snapshot; record the
run; commit. A failed check rolls everything back but the run's record.
"""

import contextlib
import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

import duckdb

from matterhouse.plumbing import interrupts, words
from matterhouse.plumbing.failpoints import checkpoint
from matterhouse.steps.export import write_snapshot
from matterhouse.steps.models import build_models, note_changed_files, prepare_scopes
from matterhouse.store.schema import ddl_fingerprint, read_run_table
from matterhouse.store.tables import HISTORY_TABLES, MODEL_TABLES, PARSED_TABLES, RUN_RECORD_TABLES
from matterhouse.store.warehouse import SQL_DIR, fetch_dicts, run_sql, sql
from matterhouse.transforms.errors import MatterhouseError

CHECK_SAMPLE_ROWS = 5


class ChecksFailed(MatterhouseError):
    """A data check found rows that break an invariant; the load was rolled back."""

    def __init__(self, failures: list[dict]):
        first = failures[0]
        others = f" (and {words.count(len(failures) - 1, 'more check', 'more checks')})" if len(failures) > 1 else ""
        super().__init__(
            f"data check {first['check_name']} failed on {words.count(first['failing_rows'], 'row')}{others}, "
            f"e.g. {first['sample'][0]}; the warehouse keeps its previous data, see check_results"
        )
        self.failures = failures


@dataclass
class RunLoad:
    """Everything the flow hands the loader."""

    run: dict  # run_id, started_at, sources, files_seen, files_read, scan_seconds, parse_seconds
    staging_dir: Path
    snapshot: Path
    deleted_ids: list[str] = field(default_factory=list)
    touched: list[dict] = field(default_factory=list)
    full_refresh: bool = False
    rebuild: bool = False  # a new schema or new merge rules: rebuild whatever changed
    export_all: bool = False
    extra_checks: Path | None = None


def load_run(connection, load: RunLoad) -> dict:
    """Apply one run to the warehouse; return its etl_runs row."""
    clock = time.perf_counter()
    run_id = load.run["run_id"]
    connection.execute("begin transaction")
    try:
        everything = load.full_refresh or load.rebuild or not _models_built_by_these_rules(connection)
        prepare_scopes(connection)
        changed = _replace_parsed_rows(connection, load, by_key=not everything) or everything
        checkpoint("load")
        if changed:
            touched_ids = [row["source_file_id"] for row in load.touched]
            build_models(connection, run_id, everything=everything, touched_ids=touched_ids)
            if everything:
                run_sql(connection, sql("state/record_models_built"), rules_fingerprint=ddl_fingerprint())
            checkpoint("build")
        checks = read_checks(load.extra_checks)
        fingerprint = hashlib.sha256(json.dumps([(check.name, check.query) for check in checks]).encode()).hexdigest()
        carried_over = not changed and _carry_over_checks(connection, run_id, fingerprint)
        failures = [] if carried_over else run_checks(connection, run_id, checks, everything=everything)
        if failures:
            _record_run(connection, load, "failed", clock, time.perf_counter())
            _keep_only_the_run_record(connection, run_id, load.snapshot, load.rebuild or load.export_all)
            raise ChecksFailed(failures)
        run_sql(connection, sql("state/remember_checks"), fingerprint=fingerprint, run_id=run_id)
        export_clock = time.perf_counter()
        write_snapshot(
            connection, load.snapshot, run_id, MODEL_TABLES if changed or load.export_all else (), whole=load.export_all
        )
        _record_run(connection, load, "succeeded", clock, export_clock)
        history = HISTORY_TABLES if changed or load.export_all else RUN_RECORD_TABLES
        write_snapshot(connection, load.snapshot, run_id, history, whole=load.export_all)
        checkpoint("export")
        record = fetch_dicts(connection, "select * from etl_runs where run_id = $run_id", run_id=run_id)[0]
        rejections = fetch_dicts(connection, sql("runs/commonest_rejection"))
        record["commonest_rejection"] = rejections[0] if rejections else None
        record["table_changes"] = fetch_dicts(
            connection,
            "select table_name, rows_inserted, rows_updated, rows_deleted from table_changes "
            "where run_id = $run_id order by table_name",
            run_id=run_id,
        )
        with interrupts.critical():  # the commit and the record of it, as one
            connection.execute("commit")
            interrupts.run_state.committed = True
        return record
    except BaseException:
        with contextlib.suppress(duckdb.TransactionException):  # already rolled back
            connection.execute("rollback")
        raise


def _record_run(connection, load: RunLoad, status: str, clock: float, export_clock: float) -> None:
    timings = {
        "finished_at": datetime.now(timezone.utc),
        "load_seconds": export_clock - clock,
        "export_seconds": time.perf_counter() - export_clock,
    }
    run_sql(connection, sql("runs/record_run"), **load.run, **timings, status=status)


def _models_built_by_these_rules(connection) -> bool:
    """Whether a whole build with this release's merge rules committed, so that a build by
    key can start from its models."""
    built = connection.execute("select fingerprint from state.models_built").fetchall()
    return built == [(ddl_fingerprint(),)]


def _replace_parsed_rows(connection, load: RunLoad, *, by_key: bool) -> bool:
    """Replace the parsed rows of changed and deleted files; True when anything changed.
    With `by_key`, note what those files said before and say now (steps/models.py)."""
    parameters = {
        "run_id": load.run["run_id"],
        "deleted_ids": load.deleted_ids,
        "full_refresh": load.full_refresh,
    }
    for table in PARSED_TABLES:
        files = sorted(str(path) for path in (load.staging_dir / table).glob("*.parquet"))
        connection.execute(read_run_table(table, files, load.run["run_id"]))
    (reparsed,) = connection.execute(sql("state/reparsed_files")).fetchone()
    run_sql(connection, sql("runs/record_file_changes"), **parameters)
    run_sql(connection, sql("state/forgotten_files"), **parameters)
    if by_key:
        note_changed_files(connection)
    for table in PARSED_TABLES:
        connection.execute(sql("state/forget_files", table=table))
        connection.execute(sql("state/remember_files", table=table))
    if by_key:
        note_changed_files(connection)
    if load.touched:
        run_sql(
            connection,
            sql("state/touch_files"),
            source_file_ids=[row["source_file_id"] for row in load.touched],
            sizes=[row["size_bytes"] for row in load.touched],
            modified_ats=[row["modified_at"] for row in load.touched],
        )
    file_changes = run_sql(connection, "select count(*) from file_changes where run_id = $run_id", **parameters)
    return load.full_refresh or load.rebuild or bool(load.touched) or reparsed > 0 or file_changes.fetchone()[0] > 0


class Check(NamedTuple):
    name: str
    query: str
    path: Path

    def text(self, everything: bool = True) -> str:
        """The query, over every row, or (everything false, in a build by key) over the rows
        of the keys the run's scopes hold (sql/scopes/): those rows, with the unchanged
        ones that passed before, are the whole table."""
        return self.query.replace("{everything}", "true" if everything else "false")


class CheckInvalid(MatterhouseError):
    """A data check that DuckDB cannot run: a syntax error, an unknown table or column."""

    def __init__(self, check: Check, error: duckdb.Error | str):
        detail = str(error).strip().splitlines()[0]
        super().__init__(f"the data check {check.path} cannot run: {detail}; fix or remove it (nothing changed)")


def read_checks(extra_checks: Path | None) -> list[Check]:
    """sql/checks/*.sql, then the user's extra checks, each sorted by name."""
    files = sorted((SQL_DIR / "checks").glob("*.sql"))
    if extra_checks is not None:
        files += sorted(extra_checks.glob("*.sql"))
    # A trailing ';' is how people end SQL files; the check is wrapped in a count.
    return [Check(path.stem, path.read_text(encoding="utf-8").strip().rstrip(";"), path) for path in files]


def validate_checks(connection, checks: list[Check]) -> None:
    """Bind every check against the warehouse's tables, before a run does any work."""
    for check in checks:
        if not check.query.strip():
            raise CheckInvalid(check, "the file holds no query")
        try:
            connection.execute(f"prepare data_check as select count(*) from (\n{check.text()}\n)")
        except duckdb.Error as error:
            raise CheckInvalid(check, error) from None
        connection.execute("deallocate data_check")


def _carry_over_checks(connection, run_id: str, fingerprint: str) -> bool:
    """Take over the outcomes of the run that last checked this same data with the same
    checks; False when there is none (the checks changed), so they must run."""
    return run_sql(connection, sql("runs/carry_over_checks"), run_id=run_id, fingerprint=fingerprint).fetchone()[0] > 0


def run_checks(connection, run_id: str, checks: list[Check], everything: bool = True) -> list[dict]:
    """Run every data check (read_checks), record each outcome in check_results; return
    the failures. Each check is counted in a statement of its own: counted all in one, their
    hash tables were built side by side, and at a million articles that outgrew DuckDB's
    memory limit. Only failing checks are run again, for a sample of their rows."""
    failures = []
    for check in checks:
        try:
            (failing_rows,) = connection.execute(f"select count(*) from (\n{check.text(everything)}\n)").fetchone()
        except duckdb.OutOfMemoryException:  # the run's memory limit, not the check, is at fault
            raise
        except duckdb.Error as error:  # fails only as it runs: a cast, a division by zero
            raise CheckInvalid(check, error) from None
        sample = (
            fetch_dicts(connection, f"select * from (\n{check.text(everything)}\n) limit {CHECK_SAMPLE_ROWS}")
            if failing_rows
            else []
        )
        outcome = {
            "check_name": check.name,
            "status": "failed" if failing_rows else "passed",
            "failing_rows": failing_rows,
            "sample": json.dumps(sample, default=str) if sample else None,
        }
        run_sql(connection, sql("runs/record_check"), run_id=run_id, **outcome)
        if failing_rows:
            failures.append({**outcome, "sample": sample})
    return failures


def _keep_only_the_run_record(connection, run_id: str, snapshot: Path, export_models: bool) -> None:
    """Roll the load back, then commit just this run's etl_runs and check_results rows.
    With `export_models` (a new schema, or Parquet behind the database) the previous data
    is exported too, so that the snapshot has every table this release publishes."""
    failed_run = connection.sql("select * from etl_runs where run_id = $run_id", params={"run_id": run_id}).to_arrow_table()
    failed_checks = connection.sql(
        "select * from check_results where run_id = $run_id", params={"run_id": run_id}
    ).to_arrow_table()
    connection.execute("rollback")
    connection.execute("begin transaction")
    connection.register("failed_run", failed_run)
    connection.register("failed_checks", failed_checks)
    connection.execute("insert into etl_runs by name select * from failed_run")
    connection.execute("insert into check_results by name select * from failed_checks")
    write_snapshot(
        connection, snapshot, run_id, (*MODEL_TABLES, *HISTORY_TABLES) if export_models else HISTORY_TABLES, whole=export_models
    )
    connection.execute("commit")
