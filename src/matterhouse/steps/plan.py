"""Which files a run must read: the incremental rule.

A file is read again when it is new, when its size or modification time differs from
what the warehouse recorded, when it was read under older parse rules (it is then parsed
whatever its bytes), or when the scan found a problem with it (too large, a bad link:
such files are re-judged every run, so a raised limit takes effect). A file whose
size and mtime match is not opened at all. Of the files read, those whose bytes hash to
the recorded content_hash are only "touched" (new mtime, same content) and not parsed.
Files the warehouse knew that the scan no longer finds are deleted.

The comparison runs in DuckDB (sql/state/files_to_read.sql) between the scan's Arrow
table and the warehouse's parsed.files, so that a million known files are never
Python objects.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from matterhouse.steps.scan import FOUND_SCHEMA
from matterhouse.store.warehouse import query_arrow, sql
from matterhouse.transforms.articles import PARSE_RULES_VERSION

TO_READ_SCHEMA = FOUND_SCHEMA.append(pa.field("previous_hash", pa.string()))
# Rows per row group of the files to read: a worker batch decodes a group, not the file.
TO_READ_ROW_GROUP = 50_000


@dataclass(frozen=True)
class Plan:
    """What a run reads and forgets. The files to read wait in a Parquet file of the run's
    work folder, not in memory: Prefect keeps every task's result until the flow ends, and
    a million files to read are 80 MB of Arrow that the load would carry beside DuckDB."""

    seen: int
    to_read_count: int
    unchanged: int
    deleted_ids: list[str]
    to_read_file: Path  # TO_READ_SCHEMA, in scan order

    def batches(self, size: int) -> Iterator[list[dict]]:
        """The files to read, `size` at a time, as rows for parse workers; one empty batch
        when there is nothing to read, since every run's load reads the parse output
        its batches write (empty tables included)."""
        if self.to_read_count == 0:
            yield []
            return
        with pq.ParquetFile(self.to_read_file) as file:
            for batch in file.iter_batches(batch_size=size):
                yield batch.to_pylist()

    def groups(self, size: int) -> Iterator[pa.Table]:
        """The files to read as Arrow tables of `size` rows (TO_READ_SCHEMA), for tasks on
        a cluster; one empty table when there is nothing to read."""
        if self.to_read_count == 0:
            yield TO_READ_SCHEMA.empty_table()
            return
        with pq.ParquetFile(self.to_read_file) as file:
            for batch in file.iter_batches(batch_size=size):  # full batches across row groups; the last may be short
                yield pa.Table.from_batches([batch])

    def batch_count(self, size: int) -> int:
        """How many batches of `size` the files to read make (at least one: see batches)."""
        return max(1, -(-self.to_read_count // size))


def plan_files(found: pa.Table, known: duckdb.DuckDBPyConnection, full_refresh: bool, to_read_file: Path) -> Plan:
    """Compare the scan (FOUND_SCHEMA, in scan order) with `known`, a connection to the
    warehouse whose parsed.files lists what earlier runs recorded; the files to read are
    written to `to_read_file`."""
    scan = found.append_column("scan_order", pa.array(range(found.num_rows), pa.int64()))
    known.register("scan", scan)
    try:
        to_read = query_arrow(known, sql("state/files_to_read"), full_refresh=full_refresh, parse_rules=PARSE_RULES_VERSION)
        deleted_ids = [source_file_id for (source_file_id,) in known.execute(sql("state/deleted_files")).fetchall()]
    finally:
        known.unregister("scan")
    if to_read.num_rows:  # Plan.batches opens the file only when there is something to read
        pq.write_table(to_read.cast(TO_READ_SCHEMA), to_read_file, row_group_size=TO_READ_ROW_GROUP)
    return Plan(found.num_rows, to_read.num_rows, found.num_rows - to_read.num_rows, deleted_ids, to_read_file)
