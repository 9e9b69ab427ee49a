"""`matterhouse query --as-of`: answers from the tables a kept run published, found by
run_id or by time; a run no longer kept, or a time before any run, is one clear error."""

import shutil

import pyarrow.parquet as pq
import pytest

from matterhouse.cli import main
from matterhouse.read.query import QueryFailed, run_query
from matterhouse.store.publication import RunNotKept
from matterhouse.transforms.errors import MatterhouseError

from .conftest import build_warehouse, query
from .incremental_helpers import write_article


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Three runs, keeping two: 1, 2 and 3 articles. Returns (warehouse, etl_runs rows)."""
    root = tmp_path_factory.mktemp("as_of")
    news, warehouse = root / "news", root / "warehouse"
    for number in range(3):
        write_article(news, f"{number}.md", f"https://n.example.org/{number}", f"Article {number}")
        build_warehouse(news, warehouse=warehouse, keep_runs=2)
    rows = query(warehouse, "select run_id, finished_at from etl_runs order by finished_at")
    return warehouse, rows


def articles_as_of(warehouse, as_of: str) -> str:
    return run_query(warehouse, "select count(*) as articles from articles", "csv", None, as_of=as_of)


def test_a_kept_run_answers_as_it_was(runs):
    warehouse, rows = runs
    assert articles_as_of(warehouse, rows[1][0]) == "articles\n2"
    assert articles_as_of(warehouse, rows[2][0][:8]) == "articles\n3"  # a prefix of the run_id
    assert run_query(warehouse, "select count(*) as runs from etl_runs", "csv", None, as_of=rows[1][0]) == "runs\n2"
    assert run_query(warehouse, "select count(*) as stories from stories", "csv", None, as_of=rows[1][0]) == "stories\n2"


def test_a_time_names_the_last_run_finished_by_then(runs):
    warehouse, rows = runs
    assert articles_as_of(warehouse, rows[1][1].isoformat()) == "articles\n2"
    assert articles_as_of(warehouse, (rows[2][1]).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")) == "articles\n3"


def test_the_start_time_status_shows_names_that_run(runs, capsys):
    warehouse, _ = runs
    from matterhouse.cli import main

    assert main(["status", "--warehouse", str(warehouse)]) == 0
    newest = capsys.readouterr().out.splitlines()[0]  # run 1f3a9c2e  started 2026-12-06 08:01:05 UTC  ...
    start_shown = newest.split("started ")[1].split(" UTC")[0]
    run_shown = newest.split()[1]
    assert articles_as_of(warehouse, start_shown) == articles_as_of(warehouse, run_shown) == "articles\n3"


def test_a_run_no_longer_kept_is_a_clear_error(runs):
    warehouse, rows = runs
    assert sorted(path.name for path in (warehouse / ".snapshots").iterdir()) == sorted(run for run, _ in rows[1:])
    with pytest.raises(RunNotKept, match=f"the tables of run {rows[0][0]} .* are no longer kept: the oldest kept run"):
        articles_as_of(warehouse, rows[0][0])
    with pytest.raises(RunNotKept, match="no run had finished by 2001-01-01 00:00:00 UTC; the first finished at"):
        articles_as_of(warehouse, "2001-01-01")
    with pytest.raises(MatterhouseError, match="neither a run_id of this warehouse nor an ISO 8601 time"):
        articles_as_of(warehouse, "last tuesday")


def test_the_command_takes_as_of(runs, capsys):
    warehouse, rows = runs
    assert (
        main(
            ["query", "--warehouse", str(warehouse), "--as-of", rows[1][0], "--format", "csv", "select count(*) n from articles"]
        )
        == 0
    )
    assert capsys.readouterr().out == "n\n2\n"
    assert main(["query", "--warehouse", str(warehouse), "--as-of", rows[0][0], "select 1"]) == 1
    assert "are no longer kept" in capsys.readouterr().err


def test_a_snapshot_from_an_older_release_answers_with_the_tables_it_has(tmp_path):
    news, warehouse = tmp_path / "news", tmp_path / "warehouse"
    write_article(news, "a.md", "https://n.example.org/a", "A")
    first = build_warehouse(news, warehouse=warehouse)["run_id"]
    write_article(news, "b.md", "https://n.example.org/b", "B")
    build_warehouse(news, warehouse=warehouse)
    old = warehouse / ".snapshots" / first  # as the previous release wrote it: no article_urls, no story_id
    shutil.rmtree(old / "article_urls")
    for part in (old / "articles").rglob("*.parquet"):
        table = pq.read_table(part).drop_columns(["story_id"])
        part.unlink()  # a hard link shared with the newer snapshot: write a file of its own
        pq.write_table(table, part)

    assert articles_as_of(warehouse, first) == "articles\n1"
    with pytest.raises(QueryFailed, match="stories does not exist"):
        run_query(warehouse, "select * from stories", "csv", None, as_of=first)
