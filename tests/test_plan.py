from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from matterhouse.steps.parse_worker import to_read_item
from matterhouse.steps.plan import plan_files
from matterhouse.steps.scan import FOUND_SCHEMA, FoundFile
from matterhouse.store.schema import ensure_schema
from matterhouse.transforms.articles import PARSE_RULES_VERSION

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def found(path, size=10, modified_us=1_000, problem=None):
    return {"source": "/src", "path": path, "size_bytes": size, "modified_us": modified_us, "problem": problem}


# What earlier runs recorded: (path, source_file_id, size, modified_us, content_hash, parse_rules)
KNOWN = [
    ("same.md", "id-same", 10, 1_000, "hash-same", PARSE_RULES_VERSION),
    ("touched.md", "id-touched", 10, 1_000, "hash-touched", PARSE_RULES_VERSION),
    ("too-big.md", "id-too-big", 10, 1_000, None, PARSE_RULES_VERSION),
    ("gone.md", "id-gone", 10, 1_000, "hash-gone", PARSE_RULES_VERSION),
    ("old-rules.md", "id-old-rules", 10, 1_000, "hash-old-rules", PARSE_RULES_VERSION - 1),
]
FOUND = [
    found("same.md"),
    found("touched.md", modified_us=2_000),
    found("too-big.md"),
    found("new.md"),
    found("link.md", problem="broken"),
    found("old-rules.md"),
]


@pytest.fixture
def empty():
    """A database with the warehouse's real schema and no files recorded."""
    connection = duckdb.connect()
    connection.execute("set TimeZone = 'UTC'")
    ensure_schema(connection, Path("in-memory"))
    yield connection
    connection.close()


@pytest.fixture
def known(empty):
    for path, source_file_id, size, modified_us, content_hash, parse_rules in KNOWN:
        empty.execute(
            "insert into parsed.files by name select ? as source_file_id, '/src' as source, ? as path, "
            "? as size_bytes, ? as modified_at, ? as content_hash, 'run-1' as run_id, ? as parse_rules",
            [source_file_id, path, size, EPOCH + timedelta(microseconds=modified_us), content_hash, parse_rules],
        )
    return empty


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
        ("old-rules.md", 1_000, None, None),  # read under older parse rules: parsed whatever its bytes
    ]
    assert (plan.seen, plan.unchanged, plan.deleted_ids) == (6, 1, ["id-gone"])


def test_a_full_refresh_reads_everything_without_hashes(known, to_read_file):
    plan = plan_files(scan(FOUND), known, True, to_read_file)
    assert to_read(plan) == [(row["path"], row["modified_us"], row["problem"], None) for row in FOUND]
    assert (plan.unchanged, plan.deleted_ids) == (0, ["id-gone"])


def test_a_first_run_reads_everything(empty, to_read_file):
    plan = plan_files(scan(FOUND), empty, False, to_read_file)
    assert [row["previous_hash"] for row in rows_to_read(plan)] == [None] * 6
    assert plan.deleted_ids == []


def test_batches_cover_every_file_once_as_worker_items(empty, to_read_file):
    plan = plan_files(scan(FOUND), empty, False, to_read_file)
    assert (plan.seen, plan.to_read_count, plan.unchanged, plan.deleted_ids) == (6, 6, 0, [])
    batches = list(plan.batches(2))
    assert [len(batch) for batch in batches] == [2, 2, 2]
    items = [to_read_item(row) for batch in batches for row in batch]
    assert items[4].found == FoundFile("/src", "link.md", 10, 1_000, "broken")
    assert items[4].previous_hash is None


def test_a_plan_with_nothing_to_read_gives_one_empty_batch(empty, to_read_file):
    plan = plan_files(scan([]), empty, False, to_read_file)
    assert list(plan.batches(2)) == [[]]
