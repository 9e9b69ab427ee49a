from datetime import datetime, timedelta, timezone

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from flows.parse_worker import to_read_item
from flows.plan import plan_files
from flows.scan import FOUND_SCHEMA, FoundFile

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def found(path, size=10, modified_us=1_000, problem=None):
    return {"source": "/src", "path": path, "size_bytes": size, "modified_us": modified_us, "problem": problem}


# What earlier runs recorded: (path, source_file_id, size, modified_us, content_hash)
KNOWN = [
    ("same.md", "id-same", 10, 1_000, "hash-same"),
    ("touched.md", "id-touched", 10, 1_000, "hash-touched"),
    ("too-big.md", "id-too-big", 10, 1_000, None),
    ("gone.md", "id-gone", 10, 1_000, "hash-gone"),
]
FOUND = [
    found("same.md"),
    found("touched.md", modified_us=2_000),
    found("too-big.md"),
    found("new.md"),
    found("link.md", problem="broken"),
]


@pytest.fixture
def known():
    connection = duckdb.connect()
    connection.execute("set TimeZone = 'UTC'")
    connection.execute("create schema staging")
    connection.execute(
        "create table staging.files (source_file_id varchar, source varchar, path varchar, size_bytes bigint, "
        "modified_at timestamptz, content_hash varchar)"
    )
    for path, source_file_id, size, modified_us, content_hash in KNOWN:
        connection.execute(
            "insert into staging.files values (?, '/src', ?, ?, ?, ?)",
            [source_file_id, path, size, EPOCH + timedelta(microseconds=modified_us), content_hash],
        )
    yield connection
    connection.close()


@pytest.fixture
def to_read_file(tmp_path):
    return tmp_path / "to-read.parquet"


def scan(rows) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=FOUND_SCHEMA)


def rows_to_read(plan) -> list[dict]:
    return pq.read_table(plan.to_read_file).to_pylist()


def to_read(plan) -> list[tuple]:
    return [(row["path"], row["modified_us"], row["problem"], row["previous_hash"]) for row in rows_to_read(plan)]


def test_only_new_changed_and_problem_files_are_read_in_scan_order(known, to_read_file):
    plan = plan_files(scan(FOUND), known, False, to_read_file)
    assert to_read(plan) == [
        ("touched.md", 2_000, None, "hash-touched"),
        ("too-big.md", 1_000, None, None),  # rejected unread last time: judged again
        ("new.md", 1_000, None, None),
        ("link.md", 1_000, "broken", None),
    ]
    assert (plan.seen, plan.unchanged, plan.deleted_ids) == (5, 1, ["id-gone"])


def test_a_full_refresh_reads_everything_without_hashes(known, to_read_file):
    plan = plan_files(scan(FOUND), known, True, to_read_file)
    assert to_read(plan) == [(row["path"], row["modified_us"], row["problem"], None) for row in FOUND]
    assert (plan.unchanged, plan.deleted_ids) == (0, ["id-gone"])


def test_a_first_run_reads_everything(to_read_file):
    plan = plan_files(scan(FOUND), None, False, to_read_file)
    assert [row["previous_hash"] for row in rows_to_read(plan)] == [None] * 5
    assert plan.deleted_ids == []


def test_batches_cover_every_file_once_as_worker_items(known, to_read_file):
    plan = plan_files(scan(FOUND), None, False, to_read_file)
    assert (plan.seen, plan.to_read_count, plan.unchanged, plan.deleted_ids) == (5, 5, 0, [])
    batches = list(plan.batches(2))
    assert [len(batch) for batch in batches] == [2, 2, 1]
    items = [to_read_item(row) for batch in batches for row in batch]
    assert items[4].found == FoundFile("/src", "link.md", 10, 1_000, "broken")
    assert items[4].previous_hash is None


def test_a_plan_with_nothing_to_read_gives_one_empty_batch(to_read_file):
    plan = plan_files(scan([]), None, False, to_read_file)
    assert list(plan.batches(2)) == [[]]
