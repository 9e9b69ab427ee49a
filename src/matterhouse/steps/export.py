"""The export stage: the run's Parquet snapshot in the warehouse folder.

Each published table is a Parquet dataset split into parts: a row goes to one of the
table's buckets by its key (tables.BUCKET_COLUMNS), and an article also into the folder of
its publication month. A part is one file, `<part>-<run>.parquet`, written whole. Rows a run
only added go into one file per folder, `added-<run>-<n>.parquet`, whatever their parts; a
run that changes or removes rows writes their parts whole and the folder's files of added
rows again without them, and a folder with more than COMPACT_AT files of added rows has the
parts they hold written whole. Every other file is hard-linked from the current snapshot,
so a run's cost follows its change, not the warehouse. Each file's rows are in the table's
EXPORT_ORDER, its columns as its DDL declares them. The number of buckets grows with the
table (ROWS_PER_FILE), which writes the table whole once.

The load writes the parts in its DuckDB transaction (write_snapshot), so that a snapshot
always matches a commit; after the commit, export_step links the tables the run did not
change and makes the snapshot current.
"""

import os
import queue
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from matterhouse.plumbing.settings import RunOptions
from matterhouse.store import snapshots
from matterhouse.store.tables import (
    BUCKET_COLUMNS,
    EXPORT_ORDER,
    FOLDER_COLUMNS,
    FOLDERS,
    MODEL_TABLES,
    PUBLISHED_TABLES,
    RUN_COLUMNS,
)
from matterhouse.store.views_file import write_views_file
from matterhouse.store.warehouse import run_sql, sql

# Rows a file holds, about, once a table has grown past it: small enough that a few hundred
# changed rows spread over a large table rewrite a small share of it, large enough for
# readers to skip row groups (an article row with its body is a few KB).
ROWS_PER_FILE = 2_000
# A folder keeps at most this many files of added rows; the next run that would add one more
# writes the parts they hold whole instead, so that readers never open many small files.
COMPACT_AT = 4
ADDED = "added"  # files of rows runs added, one per folder and run
BATCH_ROWS = 8_192
# Rows of a table in folders (articles, with their bodies) sorted by one query: its folders
# are written a few at a time, as many as hold about this many rows. Sorting every changed
# article at once ran out of memory inside the load's transaction; a query per month cost
# more than the writing at 100,000 files.
ROWS_PER_SORT = 20_000


def buckets_in_use(connection) -> dict[str, int]:
    """Each exported table's number of buckets (state.export_layout)."""
    return dict(connection.execute("select table_name, buckets from state.export_layout").fetchall())


def part_expression(table: str, buckets: int) -> str:
    """SQL for a row's part: `part-NNNNN` by the first 32 bits of its bucket column (a hex
    hash, or a UUID; other ids all go to bucket 0), in its month's folder for articles."""
    column = BUCKET_COLUMNS[table]
    bucket = f"printf('part-%05d', coalesce(try_cast('0x' || left({column}, 8) as bigint), 0) % {buckets})"
    return f"{FOLDERS[table]} || '/' || {bucket}" if table in FOLDERS else bucket


def write_snapshot(connection, snapshot: Path, run_id: str, tables, *, whole: bool = False) -> None:
    """Write the parts of `tables` this run changed into the snapshot folder (every part,
    with `whole`), and hard-link their other files from the current snapshot."""
    tables = list(tables)
    if not tables:
        return
    current = snapshots.current_snapshot(snapshot.parent.parent)
    in_use = buckets_in_use(connection)
    columns = {}
    for table, column, *_ in run_sql(connection, sql("state/table_columns"), tables=tables).fetchall():
        columns.setdefault(table.removeprefix("main."), []).append(column)
    stamp = run_id.replace("-", "")[:16]
    for table in tables:
        folder = snapshot / table
        folder.mkdir(parents=True, exist_ok=True)
        names = {"table": table, "columns": ", ".join(columns[table]), "order": EXPORT_ORDER[table]}
        previous = current / table if current is not None and (current / table).is_dir() else None
        buckets = _buckets(connection, table, in_use.get(table))
        if whole or previous is None or buckets != in_use.get(table):
            run_sql(connection, sql("state/set_export_layout"), table_name=table, buckets=buckets)
            _write_parts(connection, folder, stamp, names | {"part": part_expression(table, buckets), "rows": "true"}, None)
        else:
            _write_changes(connection, folder, previous, stamp, run_id, names | {"part": part_expression(table, buckets)})
        if not any(folder.rglob("*.parquet")):  # no rows: one empty file, so readers find the columns
            _write_parts(
                connection, folder, stamp, names | {"part": part_expression(table, 1), "rows": "false"}, None, empty=True
            )


def _buckets(connection, table: str, in_use: int | None) -> int:
    """The table's number of buckets: a power of two that gives files of about
    ROWS_PER_FILE rows, kept while it stays within a factor of four of that."""
    folder = FOLDERS.get(table, "1")
    rows, folders = connection.execute(sql("exports/layout", table=table, folder=folder)).fetchone()
    per_folder = rows / max(folders, 1)
    if in_use and ROWS_PER_FILE / 4 <= per_folder / in_use <= ROWS_PER_FILE * 4:
        return in_use
    buckets = 1
    while per_folder / (buckets * 2) >= ROWS_PER_FILE:
        buckets *= 2
    return buckets


def _write_changes(connection, folder: Path, previous: Path, stamp: str, run_id: str, names: dict) -> None:
    """Write the parts this run changed and the rows it only added; link every other file."""
    table = names["table"]
    if table in MODEL_TABLES:
        changes = connection.execute(sql("exports/changed_parts", table=table)).fetchall()
        connection.execute(sql("exports/new_rows", table=table))
        new_rows = f"hash({MODEL_TABLES[table]}) in (select key_hash from new_keys)"
    else:
        run_column, appends = RUN_COLUMNS[table]
        statement = sql("exports/run_parts", table=table, part=names["part"], run_column=run_column, appends=str(appends))
        changes = run_sql(connection, statement, run_id=run_id).fetchall()
        new_rows = f"{run_column} = $run_id"
    parts, added_files = _files_by_part(previous)
    rewrite = {part for part, appends in changes if not appends}
    added = {part for part, appends in changes if appends} - rewrite
    for subfolder, paths in added_files.items():
        if len(paths) + any(_folder_of(part) == subfolder for part in added) > COMPACT_AT:
            # Too many files of added rows: their parts are written whole, and they go.
            rewrite |= _parts_in(connection, paths, names["part"]) | {part for part in added if _folder_of(part) == subfolder}
            added_files[subfolder] = []
    added -= rewrite
    for part, paths in parts.items():
        if part not in rewrite:
            _link(paths, previous, folder)
    for subfolder, paths in added_files.items():
        rewritten_here = [part for part in rewrite if _folder_of(part) == subfolder]
        if rewritten_here:  # their rows now live in the parts' new files
            _drop_parts_from(connection, paths, names["part"], rewritten_here, folder / subfolder, stamp)
        else:
            _link(paths, previous, folder)
    if rewrite:
        _write_parts(connection, folder, stamp, names | {"rows": "true"}, sorted(rewrite))
    if added:
        _write_parts(connection, folder, stamp, names | {"rows": new_rows}, sorted(added), run_id=run_id, added=True)


def _files_by_part(folder: Path) -> tuple[dict[str, list[Path]], dict[str, list[Path]]]:
    """The files of a table's dataset: those of each part (`<part>-<run>.parquet`), and the
    files of added rows of each folder (`added-<run>-<n>.parquet`)."""
    parts, added = {}, {}
    for path in sorted(folder.rglob("*.parquet")):
        relative = path.relative_to(folder)
        if relative.name.startswith(ADDED):
            added.setdefault(relative.parent.as_posix().removeprefix("."), []).append(path)
        else:
            parts.setdefault(relative.as_posix().rsplit("-", 1)[0], []).append(path)
    return parts, added


def _folder_of(part: str) -> str:
    return part.rsplit("/", 1)[0] if "/" in part else ""


def _link(paths: list[Path], previous: Path, folder: Path) -> None:
    for path in paths:
        target = folder / path.relative_to(previous)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(path, target)


def _parts_in(connection, paths: list[Path], part: str) -> set[str]:
    """The parts whose rows files of added rows hold."""
    files = [str(path) for path in paths]
    return {
        name
        for (name,) in connection.execute(
            f"select distinct {part} from read_parquet($files, hive_partitioning = false)", {"files": files}
        ).fetchall()
    }


def _drop_parts_from(connection, paths: list[Path], part: str, parts: list[str], target: Path, stamp: str) -> None:
    """Write each file of added rows again without the rows of `parts` (none left: no file)."""
    for number, path in enumerate(paths, start=1):
        kept = connection.sql(
            f"select * from read_parquet($file, hive_partitioning = false) where {part} not in (select unnest($parts))",
            params={"file": str(path), "parts": parts},
        ).to_arrow_table()
        if kept.num_rows:
            pq.write_table(kept, _new_path(target / f"{ADDED}-{stamp}-{number}.parquet"), compression="zstd")


def _write_parts(connection, folder, stamp, names, parts: list[str] | None, empty=False, run_id=None, added=False) -> None:
    """Write one file per part (every part when `parts` is None) from the rows of
    exports/rows.sql, streamed in export order; with `added`, one file per folder of
    rows the run added. A table in folders (articles) is written a few folders at a time
    (ROWS_PER_SORT), each folder read by a range of its month."""
    table = names["table"]
    in_parts = "true" if parts is None else f"{names['part']} in (select unnest($parts))"
    if empty or table not in FOLDERS:
        conditions = [(in_parts, {"parts": parts})]
    else:
        if parts is None:
            folders = [name for (name,) in connection.execute(f"select distinct {FOLDERS[table]} from {table}").fetchall()]
        else:
            folders = sorted({part.rsplit("/", 1)[0] for part in parts})
        ((rows,),) = connection.execute(f"select count(*) from {table}").fetchall()
        per_query = max(1, ROWS_PER_SORT * len(folders) // max(rows, 1))  # folders of about equal size
        chunks = [folders[start : start + per_query] for start in range(0, len(folders), per_query)]
        conditions = [
            (f"({' or '.join(_in_folder(table, name) for name in chunk)}) and {in_parts}", {"parts": parts}) for chunk in chunks
        ]
    for condition, parameters in conditions:
        statement = sql("exports/rows", **(names | {"parts": condition}))
        parameters = {name: value for name, value in (parameters | {"run_id": run_id}).items() if f"${name}" in statement}
        reader = connection.sql(statement, params=parameters or None).to_arrow_reader(BATCH_ROWS)
        schema = reader.schema.remove(0)
        if empty:  # in the part a row of nulls would have
            (part,) = connection.execute(f"select {names['part']} from (select 1) as one left join {table} on false").fetchone()
            pq.write_table(schema.empty_table(), _new_path(folder / f"{part}-{stamp}.parquet"), compression="zstd")
            return
        if added:
            _write_stream(reader, schema, lambda part: folder / _folder_of(part) / f"{ADDED}-{stamp}-0.parquet")
        else:
            _write_stream(reader, schema, lambda part: folder / f"{part}-{stamp}.parquet")


def _in_folder(table: str, folder: str) -> str:
    """SQL for the rows of one folder of a table in folders: a range of FOLDER_COLUMNS,
    which DuckDB answers from its zone maps (the folder's own expression it computes per row)."""
    column = FOLDER_COLUMNS[table]
    month = folder.split("=", 1)[1]
    if month == "unknown":
        return f"{column} is null"
    start = datetime.strptime(month, "%Y-%m").replace(tzinfo=timezone.utc)
    end = (start + timedelta(days=32)).replace(day=1)
    return f"{column} >= '{start.isoformat()}'::timestamptz and {column} < '{end.isoformat()}'::timestamptz"


def _write_stream(reader, schema, path_of) -> None:
    """Files from batches sorted by part, a file for each path `path_of` gives a part. A
    thread of its own compresses and writes while DuckDB reads the next rows, so that the
    two use both cores."""
    pending = queue.Queue(maxsize=2)  # batches in flight: memory stays a few batches
    failures = []

    def write() -> None:
        writer, current = None, None
        try:
            while (item := pending.get()) is not None:
                part, rows = item
                if failures:
                    continue  # drain, so that the reader never waits on a full queue
                try:
                    path = path_of(part)
                    if path != current:
                        if writer is not None:
                            writer.close()
                        writer, current = pq.ParquetWriter(_new_path(path), schema, compression="zstd"), path
                    writer.write_batch(rows)
                except BaseException as error:
                    failures.append(error)
        finally:
            if writer is not None:
                writer.close()

    thread = threading.Thread(target=write, name="parquet-writer", daemon=True)
    thread.start()
    try:
        for batch in reader:
            if failures:
                break
            for item in _runs_of_equal_parts(batch):
                pending.put(item)
    finally:
        pending.put(None)
        thread.join()
    if failures:
        raise failures[0]


def _runs_of_equal_parts(batch: pa.RecordBatch):
    """(part, rows without the part column) for each run of rows of one part in `batch`."""
    parts = batch.column(0)
    rows = batch.drop_columns(["part"])
    boundaries = pc.indices_nonzero(pc.not_equal(parts.slice(1), parts.slice(0, len(parts) - 1))).to_pylist()
    start = 0
    for end in [*(index + 1 for index in boundaries), len(parts)]:
        if end > start:
            yield parts[start].as_py(), rows.slice(start, end - start)
        start = end


def _new_path(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def export_step(options: RunOptions, snapshot: Path) -> None:
    """Complete the run's Parquet snapshot with links to unchanged tables and make it the
    warehouse folder's current one; renew the readers' views file if its views changed."""
    warehouse = options.warehouse
    snapshots.link_unchanged_tables(warehouse, snapshot, PUBLISHED_TABLES)
    snapshots.make_current(warehouse, snapshot, options.keep_runs)
    write_views_file(warehouse)
