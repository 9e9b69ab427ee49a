"""Runs over a changing folder: each run reads only what changed, and the warehouse always
equals a full refresh of the final folder."""

import os
import shutil
import threading

import pyarrow.dataset as ds
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import query
from .incremental_helpers import data_rows, set_mtime, write_article


def one_file(dataset):
    (path,) = dataset.glob("*.parquet")
    return path


def equals_full_refresh(run_pipeline, source, warehouse, tmp_path, name="refresh"):
    _, fresh = run_pipeline(source, warehouse=tmp_path / name)
    return data_rows(warehouse) == data_rows(fresh)


def test_a_rerun_with_nothing_changed_reads_and_exports_nothing(run_pipeline, tmp_path):
    source = tmp_path / "news"
    write_article(source, "a.md", "https://n.example.org/a", "A", related=["https://n.example.org/r"])
    _, warehouse = run_pipeline(source)
    before = data_rows(warehouse)
    inodes = {table: one_file(warehouse / "parquet" / table).stat().st_ino for table in ("providers", "images")}

    second, _ = run_pipeline(source, warehouse=warehouse)

    assert (second["files_new"], second["files_changed"], second["files_unchanged"], second["files_deleted"]) == (0, 0, 1, 0)
    assert second["files_read"] == 0
    assert data_rows(warehouse) == before
    assert query(warehouse, "select count(*) from file_changes where run_id = ?", [second["run_id"]]) == [(0,)]
    assert query(warehouse, "select count(*) from table_changes where run_id = ?", [second["run_id"]]) == [(0,)]
    # unchanged datasets are the same files, hard-linked into the new snapshot
    assert all(one_file(warehouse / "parquet" / table).stat().st_ino == inode for table, inode in inodes.items())
    assert ds.dataset(warehouse / "parquet" / "etl_runs").count_rows() == 2


def test_files_with_the_same_size_and_mtime_are_not_opened(run_pipeline, tmp_path):
    source = tmp_path / "news"
    path = write_article(source, "a.md", "https://n.example.org/a", "Title A")
    set_mtime(path, 1_600_000_000)
    _, warehouse = run_pipeline(source)
    # Same size, same mtime, other bytes: the cheap look cannot see it, which proves the
    # file was not read; --full-refresh reads everything.
    path.write_text(path.read_text().replace("Title A", "Title B"))
    set_mtime(path, 1_600_000_000)
    run_pipeline(source, warehouse=warehouse)
    assert query(warehouse, "select title from articles") == [("Title A",)]
    record, _ = run_pipeline(source, warehouse=warehouse, full_refresh=True)
    assert query(warehouse, "select title from articles") == [("Title B",)]
    assert record["files_changed"] == 1


def test_a_touched_file_is_read_but_not_parsed(run_pipeline, tmp_path):
    source = tmp_path / "news"
    path = write_article(source, "a.md", "https://n.example.org/a", "A")
    _, warehouse = run_pipeline(source)
    set_mtime(path, 1_500_000_000)
    record, _ = run_pipeline(source, warehouse=warehouse)
    assert (record["files_changed"], record["files_unchanged"], record["files_read"]) == (0, 1, 1)
    assert query(warehouse, "select epoch(modified_at) from source_files") == [(1_500_000_000.0,)]
    assert query(warehouse, "select count(*) from file_changes where run_id = ?", [record["run_id"]]) == [(0,)]
    assert equals_full_refresh(run_pipeline, source, warehouse, tmp_path)


def test_edits_additions_and_deletions_cross_runs(run_pipeline, tmp_path):
    source = tmp_path / "news"
    write_article(
        source, "a.md", "https://n.example.org/a", "A", related=["https://n.example.org/shared", "https://n.example.org/only-a"]
    )
    write_article(source, "b.md", "https://n.example.org/b", "B", related=["https://n.example.org/shared"])
    _, warehouse = run_pipeline(source)
    assert query(warehouse, "select count(*) from articles") == [(4,)]

    write_article(
        source,
        "a.md",
        "https://n.example.org/a",
        "A edited",
        related=["https://n.example.org/shared", "https://n.example.org/only-a"],
    )
    record, _ = run_pipeline(source, warehouse=warehouse)
    assert (record["files_changed"], record["files_unchanged"]) == (1, 1)
    assert query(warehouse, "select title from articles where url like '%/a'") == [("A edited",)]
    assert query(
        warehouse,
        "select rows_inserted, rows_updated, rows_deleted from table_changes where run_id = ? and table_name = 'articles'",
        [record["run_id"]],
    ) == [(0, 1, 0)]

    (source / "a.md").unlink()
    record, _ = run_pipeline(source, warehouse=warehouse)
    assert record["files_deleted"] == 1
    # a.md's article and the article only it cited are gone; the shared one stays
    assert sorted(url for (url,) in query(warehouse, "select url from articles")) == [
        "https://n.example.org/b",
        "https://n.example.org/shared",
    ]
    assert query(warehouse, "select path, change from file_changes where run_id = ?", [record["run_id"]]) == [("a.md", "deleted")]
    assert equals_full_refresh(run_pipeline, source, warehouse, tmp_path)


def test_a_newer_version_takes_over_and_deleting_it_brings_the_older_back(run_pipeline, tmp_path):
    source = tmp_path / "news"
    write_article(source, "old.md", "https://n.example.org/story", "Old", updated="2021-01-01T00:00:00Z")
    _, warehouse = run_pipeline(source)
    write_article(source, "new.md", "https://n.example.org/story", "New", updated="2021-02-01T00:00:00Z")
    run_pipeline(source, warehouse=warehouse)
    assert query(warehouse, "select title, source_path from articles") == [("New", "new.md")]
    assert query(warehouse, "select status from source_files where path = 'old.md'") == [("superseded",)]
    (source / "new.md").unlink()
    run_pipeline(source, warehouse=warehouse)
    assert query(warehouse, "select title, source_path from articles") == [("Old", "old.md")]
    assert query(warehouse, "select status from source_files") == [("loaded",)]
    assert equals_full_refresh(run_pipeline, source, warehouse, tmp_path)


def test_a_fixed_file_and_a_raised_size_limit_take_effect(run_pipeline, tmp_path):
    source = tmp_path / "news"
    broken = source / "broken.md"
    broken.parent.mkdir(parents=True)
    broken.write_text("---\ntitle: never closed\n")
    big = write_article(source, "big.md", "https://n.example.org/big", "Big")
    _, warehouse = run_pipeline(source, max_file_size=60)
    assert query(warehouse, "select path, status from source_files order by path") == [
        ("big.md", "rejected"),
        ("broken.md", "rejected"),
    ]
    write_article(source, "broken.md", "https://n.example.org/fixed", "Fixed")
    run_pipeline(source, warehouse=warehouse, max_file_size=10_000)
    assert query(warehouse, "select path, status from source_files order by path") == [
        ("big.md", "loaded"),
        ("broken.md", "loaded"),
    ]
    assert big.exists()
    assert equals_full_refresh(run_pipeline, source, warehouse, tmp_path)


def test_readers_of_the_parquet_link_always_see_one_whole_run(run_pipeline, tmp_path):
    source = tmp_path / "news"
    write_article(source, "0.md", "https://n.example.org/0", "0")
    _, warehouse = run_pipeline(source)
    problems, done = [], threading.Event()

    def read_snapshots():
        while not done.is_set():
            snapshot = os.path.realpath(warehouse / "parquet")
            try:
                articles = ds.dataset(f"{snapshot}/articles").count_rows()
                runs = ds.dataset(f"{snapshot}/etl_runs").to_table().to_pylist()
            except FileNotFoundError:
                continue  # a snapshot two runs old was removed while being read
            latest = max(runs, key=lambda run: run["started_at"])
            if latest["articles"] != articles or latest["run_id"] != os.path.basename(snapshot):
                problems.append((snapshot, latest["articles"], articles))

    reader = threading.Thread(target=read_snapshots)
    reader.start()
    try:
        for number in range(1, 5):
            write_article(source, f"{number}.md", f"https://n.example.org/{number}", str(number))
            run_pipeline(source, warehouse=warehouse)
    finally:
        done.set()
        reader.join()
    assert problems == []
    assert query(warehouse, "select count(*) from articles") == [(5,)]


URLS = [f"https://h.example.org/{name}" for name in ("a", "b", "c")]
operations = st.lists(
    st.tuples(
        st.sampled_from(["write", "delete", "touch"]),
        st.sampled_from(["x.md", "y.md", "sub/z.md", "w.txt"]),
        st.sampled_from(URLS),
        st.sampled_from([None, "2021-01-01T00:00:00Z", "2021-06-01T00:00:00Z"]),
        st.lists(st.sampled_from([*URLS, "https://h.example.org/outside"]), max_size=2),
        st.integers(0, 2),
    ),
    min_size=1,
    max_size=4,
)


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=operations)
def test_any_sequence_of_changes_equals_a_full_refresh(run_pipeline, tmp_path_factory, steps):
    tmp = tmp_path_factory.mktemp("invariant")
    source, warehouse = tmp / "news", tmp / "warehouse"
    source.mkdir()
    write_article(source, "seed.md", URLS[0], "seed", related=[URLS[1]])
    run_pipeline(source, warehouse=warehouse)
    for number, (operation, name, url, updated, related, variant) in enumerate(steps):
        path = source / name
        if operation == "write":
            write_article(source, name, url, f"{name} v{variant}", updated=updated, related=related)
        elif operation == "delete" and path.exists():
            path.unlink()
        elif operation == "touch" and path.exists():
            set_mtime(path, 1_600_000_000 + number)
        run_pipeline(source, warehouse=warehouse)
    assert equals_full_refresh(run_pipeline, source, warehouse, tmp)


def test_own_files_and_related_entries_trade_places_across_runs(run_pipeline, tmp_path):
    source = tmp_path / "news"
    write_article(source, "host.md", "https://m.example.org/host", "Host", related=["https://m.example.org/x"])
    _, warehouse = run_pipeline(source)
    assert query(warehouse, "select title, has_source_file from articles where url like '%/x'") == [("cited by host.md", False)]
    write_article(source, "x.md", "https://m.example.org/x", "X's own file")
    run_pipeline(source, warehouse=warehouse)
    assert query(warehouse, "select title, has_source_file from articles where url like '%/x'") == [("X's own file", True)]
    (source / "x.md").unlink()
    run_pipeline(source, warehouse=warehouse)
    assert query(warehouse, "select title, has_source_file from articles where url like '%/x'") == [("cited by host.md", False)]
    assert equals_full_refresh(run_pipeline, source, warehouse, tmp_path)


def test_provider_names_follow_the_majority_across_runs(run_pipeline, tmp_path):
    source = tmp_path / "news"

    def article(name, provider):
        (source / name).write_text(
            f"---\nwebUrl: https://p.example.org/{name}\nprovider: {{name: {provider}, domain: p.example.org}}\n---\n"
        )

    source.mkdir()
    article("1.md", "Old Name")
    _, warehouse = run_pipeline(source)
    article("2.md", "New Name")
    article("3.md", "New Name")
    run_pipeline(source, warehouse=warehouse)
    assert query(warehouse, "select name from providers") == [("New Name",)]
    (source / "3.md").unlink()
    run_pipeline(source, warehouse=warehouse)
    assert query(warehouse, "select name from providers") == [("New Name",)]  # 1 to 1: alphabetical first
    (source / "2.md").unlink()
    run_pipeline(source, warehouse=warehouse)
    assert query(warehouse, "select name from providers") == [("Old Name",)]
    assert equals_full_refresh(run_pipeline, source, warehouse, tmp_path)


def test_a_copied_warehouse_folder_carries_on_where_the_original_stopped(run_pipeline, tmp_path):
    source = tmp_path / "news"
    write_article(source, "a.md", "https://c.example.org/a", "A")
    _, warehouse = run_pipeline(source)
    copy = tmp_path / "copy"
    shutil.copytree(warehouse, copy, symlinks=True)
    record, _ = run_pipeline(source, warehouse=copy)
    assert (record["files_unchanged"], record["files_new"]) == (1, 0)
    assert data_rows(copy) == data_rows(warehouse)
    assert ds.dataset(copy / "parquet" / "articles").count_rows() == 1


def test_a_full_refresh_of_unchanged_files_counts_no_row_changes(run_pipeline, tmp_path):
    source = tmp_path / "news"
    write_article(source, "a.md", "https://n.example.org/a", "A", related=["https://n.example.org/r"])
    _, warehouse = run_pipeline(source)
    refreshed, _ = run_pipeline(source, warehouse=warehouse, full_refresh=True)
    assert refreshed["files_read"] == 1
    changes = [(row["rows_inserted"], row["rows_updated"], row["rows_deleted"]) for row in refreshed["table_changes"]]
    assert changes and set(changes) == {(0, 0, 0)}  # source_files' run_id moved on; no row changed
