"""Stories across providers (sql/models/story_copies.sql): copies share a story_id when
title and excerpt match after normalization and they were published within 48 hours of
the story's first copy; near misses stay stories of their own."""

from pathlib import Path

import pytest

from .conftest import CASES, build_warehouse, query

TITLE = "Harbor strike ends after ten days"
EXCERPT = "Dock workers return on Monday, the union said."


def write_copy(folder: Path, name: str, published: str | None, title=TITLE, excerpt=EXCERPT, domain=None) -> None:
    lines = ["---", f'title: "{title}"', f'excerpt: "{excerpt}"', f"webUrl: https://{domain or name}.example/{name}"]
    if published:
        lines.append(f"publishedDateTime: {published}")
    lines += ["provider:", f"  domain: {domain or name}.example"]
    (folder / f"{name}.md").write_text("\n".join([*lines, "---", ""]), encoding="utf-8")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("stories")
    news = root / "news"
    news.mkdir()
    write_copy(news, "wire", "2021-05-01T06:00:00Z")
    write_copy(news, "regional", "2021-05-01T17:00:00Z", title="HARBOR STRIKE ENDS AFTER TEN DAYS!")
    write_copy(news, "reprint", "2021-05-03T05:59:00Z", excerpt="Dock workers return on Monday — the union said")
    write_copy(news, "wire2", "2021-05-01T09:00:00Z", domain="wire")  # the same provider, another URL
    write_copy(news, "late", "2021-05-03T06:01:00Z")  # 48 h 1 min after the first copy: a story of its own
    write_copy(news, "later", "2021-05-04T06:00:00Z")  # within 48 h of "late": its copy
    write_copy(news, "other_excerpt", "2021-05-01T06:00:00Z", excerpt="Dock workers return on Tuesday.")
    write_copy(news, "other_title", "2021-05-01T06:00:00Z", title="Harbor strike ends after nine days")
    write_copy(news, "undated", None)
    write_copy(news, "no_excerpt", "2021-05-01T06:00:00Z", excerpt="")
    write_copy(news, "no_excerpt2", "2021-05-01T07:00:00Z", excerpt="")
    build_warehouse(news, warehouse=root / "warehouse")
    return root / "warehouse"


def stories(warehouse) -> list[set[str]]:
    rows = query(warehouse, "select story_id, list(source_path order by source_path) from articles group by story_id")
    return sorted((set(paths) for _, paths in rows), key=sorted)


def test_copies_within_48_hours_of_the_first_share_a_story(warehouse):
    assert {"wire.md", "regional.md", "reprint.md", "wire2.md"} in stories(warehouse)
    assert {"late.md", "later.md"} in stories(warehouse)


def test_near_misses_are_stories_of_their_own(warehouse):
    for alone in ("other_excerpt.md", "other_title.md", "undated.md", "no_excerpt.md", "no_excerpt2.md"):
        assert {alone} in stories(warehouse), alone
    assert query(warehouse, "select count(*) from articles where story_id = article_id") == [(5 + 2,)]


def test_the_story_id_is_the_first_copys_article_id(warehouse):
    assert (
        query(
            warehouse,
            "select story_id = (select article_id from articles where source_path = 'wire.md') from articles "
            "where source_path in ('wire.md', 'regional.md', 'reprint.md', 'wire2.md')",
        )
        == [(True,)] * 4
    )


def test_the_stories_view_counts_copies_and_providers(warehouse):
    assert query(
        warehouse, "select articles, providers, first_published_at::varchar, title from stories where articles > 1 order by 3"
    ) == [
        (4, 3, "2021-05-01 06:00:00+00", TITLE),
        (2, 2, "2021-05-03 06:01:00+00", TITLE),
    ]
    assert query(warehouse, "select count(*), sum(articles) from stories") == [(5 + 2, 11)]


def test_the_seeds_two_pr_newswire_editions_are_one_story(tmp_path):
    build_warehouse(CASES / "seed" / "input", warehouse=tmp_path / "warehouse")
    rows = query(
        tmp_path / "warehouse",
        "select articles, providers, title from stories where articles > 1",
    )
    assert rows == [
        (2, 1, "Herta Security Lauded by Frost & Sullivan for Delivering Cutting-edge, Real-time Facial Recognition "
         "and Detection Deployment"),
    ]  # fmt: skip
