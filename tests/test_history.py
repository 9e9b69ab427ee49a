"""Headline history (article_versions, headline_changes): every version of an article
ever seen is kept across runs, numbered in time order; the other published tables still
equal a full build of the final folder, and a full refresh keeps the history."""

from pathlib import Path

import pytest

from .conftest import build_warehouse, query
from .incremental_helpers import data_rows

A, B = "https://n.example.org/a", "https://n.example.org/b"


def write(folder: Path, name: str, url: str, title: str, updated: str, excerpt: str = "Excerpt") -> None:
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    text = f'---\ntitle: "{title}"\nexcerpt: "{excerpt}"\nwebUrl: {url}\nupdatedDateTime: {updated}\n---\n'
    (folder / name).write_text(text, encoding="utf-8")


def versions(warehouse, url: str) -> list[tuple]:
    return query(
        warehouse,
        "select version, title, excerpt, updated_at::varchar, source_path, first_seen_run, last_seen_run "
        "from article_versions where article_id = left(sha256(?), 16) order by version",
        [url],
    )


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """Five runs over one folder; returns (folder, warehouse, [run ids])."""
    root = tmp_path_factory.mktemp("history")
    news, warehouse = root / "news", root / "warehouse"
    runs = []

    write(news, "a.md", A, "First", "2021-01-01T00:00:00Z")
    write(news, "b.md", B, "Bee", "2021-01-01T00:00:00Z")
    runs.append(build_warehouse(news, warehouse=warehouse)["run_id"])

    write(news, "a.md", A, "Second", "2021-01-02T00:00:00Z")  # an edited headline
    write(news, "b.md", B, "Bee", "2021-01-02T00:00:00Z", excerpt="Excerpt, edited")  # the excerpt only
    runs.append(build_warehouse(news, warehouse=warehouse)["run_id"])

    write(news, "old/a.md", A, "Zeroth", "2020-12-31T00:00:00Z")  # an older copy arrives late: superseded
    runs.append(build_warehouse(news, warehouse=warehouse)["run_id"])

    runs.append(build_warehouse(news, warehouse=warehouse)["run_id"])  # nothing changed

    (news / "a.md").unlink()
    (news / "old" / "a.md").unlink()
    runs.append(build_warehouse(news, warehouse=warehouse)["run_id"])
    return news, warehouse, runs


def test_every_version_is_kept_and_numbered_in_time_order(history):
    _, warehouse, runs = history
    assert versions(warehouse, A) == [
        (1, "Zeroth", "Excerpt", "2020-12-31 00:00:00+00", "old/a.md", runs[2], runs[2]),
        (2, "First", "Excerpt", "2021-01-01 00:00:00+00", "a.md", runs[0], runs[0]),
        (3, "Second", "Excerpt", "2021-01-02 00:00:00+00", "a.md", runs[1], runs[2]),
    ]
    assert query(warehouse, "select count(*) from articles where url = ?", [A]) == [(0,)]  # deleted, history kept


def test_a_run_that_changes_nothing_leaves_history_as_it_was(history):
    _, warehouse, runs = history
    assert query(warehouse, "select count(*) from article_versions where ? in (first_seen_run, last_seen_run)", [runs[3]]) == [
        (0,)
    ]


def test_headline_changes_are_title_changes_between_versions(history):
    _, warehouse, _ = history
    assert query(warehouse, "select from_title, to_title, changed_at::varchar from headline_changes order by changed_at") == [
        ("Zeroth", "First", "2021-01-01 00:00:00+00"),
        ("First", "Second", "2021-01-02 00:00:00+00"),
    ]
    assert [row[1:3] for row in versions(warehouse, B)] == [("Bee", "Excerpt"), ("Bee", "Excerpt, edited")]


def test_published_tables_equal_a_full_build_and_a_full_refresh_keeps_history(history, tmp_path):
    news, warehouse, runs = history
    fresh = tmp_path / "fresh"
    build_warehouse(news, warehouse=fresh)
    assert data_rows(warehouse) == data_rows(fresh)
    assert [row[1:5] for row in versions(fresh, B)] == [row[1:5] for row in versions(warehouse, B)][1:]
    assert versions(fresh, A) == []

    kept = query(warehouse, "select * exclude (last_seen_run) from article_versions order by all")
    refresh = build_warehouse(news, warehouse=warehouse, full_refresh=True)["run_id"]

    assert query(warehouse, "select * exclude (last_seen_run) from article_versions order by all") == kept
    assert versions(warehouse, B)[-1][-1] == refresh and versions(warehouse, A)[-1][-1] == runs[2]
    assert data_rows(warehouse) == data_rows(fresh)


def test_a_headline_edited_without_a_new_update_time_follows_the_one_it_replaced(tmp_path):
    news, warehouse = tmp_path / "news", tmp_path / "warehouse"
    news.mkdir()
    for title in ("Mayor resigns", "Mayor denies he will resign", "Mayor resigns after all"):
        (news / "a.md").write_text(f'---\ntitle: "{title}"\nwebUrl: {A}\n---\n', encoding="utf-8")
        build_warehouse(news, warehouse=warehouse)
    assert query(warehouse, "select from_title, to_title from headline_changes order by from_title desc") == [
        ("Mayor resigns", "Mayor denies he will resign"),
        ("Mayor denies he will resign", "Mayor resigns after all"),
    ]
